using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using EffNetGen.Runtime;
using EffNetGen.Runtime.Inference;
using EffNetGen.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace EffNetGen.Benchmarks;

/// <summary>
/// One eval forward pass on random input, two threads: (a) the hand-written module-per-layer baseline, (b) the
/// generated model in eval mode, (c) its <c>ForInference()</c> path, (c') the same in NCHW layout, (d) the generated
/// model exported to ONNX and run by ONNX Runtime (what a .NET user would otherwise pick for CPU inference). Each case builds
/// only its own model, so the peak RSS column is that model's.
/// </summary>
public class InferenceBenchmarks
{
    [Params("B0", "B3")]
    public string Model { get; set; } = "B0";

    [Params(1, 8)]
    public int Batch { get; set; }

    private IDisposable? _model;
    private Action? _forward;
    private Tensor? _input;
    private string? _onnxPath;

    /// <summary>The paper's resolution, MACs, width and depth multipliers of <see cref="Model"/>.</summary>
    public static (int Resolution, long Macs, double Width, double Depth, Func<EfficientNetModule> Create) Variant(string model) => model switch
    {
        "B0" => (EfficientNetB0.Resolution, EfficientNetB0.Macs, 1.0, 1.0, () => new EfficientNetB0()),
        "B3" => (EfficientNetB3.Resolution, EfficientNetB3.Macs, 1.2, 1.4, () => new EfficientNetB3()),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "B0 or B3"),
    };

    [GlobalSetup(Target = nameof(ModulePerLayer))]
    public void SetupModulePerLayer()
    {
        var (_, _, width, depth, _) = Variant(Model);
        var model = new TorchvisionStyle(width, depth);
        model.eval();
        Prepare("(a) module-per-layer", model, input => NoGrad(() => model.call(input)), OutputCheck.Float64Eval(model));
    }

    [GlobalSetup(Target = nameof(GeneratedEval))]
    public void SetupGeneratedEval()
    {
        var model = Variant(Model).Create();
        model.eval();
        Prepare("(b) generated, eval", model, input => NoGrad(() => model.call(input)), OutputCheck.Float64Eval(model));
    }

    [GlobalSetup(Target = nameof(ForInference))]
    public void SetupForInference() => PrepareFolded(channelsLast: true);

    [GlobalSetup(Target = nameof(ForInferenceNchw))]
    public void SetupForInferenceNchw() => PrepareFolded(channelsLast: false);

    /// <summary>The generated model exported to ONNX and run by ONNX Runtime (CPU, default graph optimizations).</summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        set_num_threads(2);
        _onnxPath = Path.Combine(Path.GetTempPath(), $"effnetgen-bench-{Model}-{Environment.ProcessId}.onnx");
        var resolution = Variant(Model).Resolution;
        _input = randn(Batch, 3, resolution, resolution);
        using var expected = ExportAndEvaluate(_input);
        var options = new SessionOptions { IntraOpNumThreads = 2, InterOpNumThreads = 1 };
        var session = new InferenceSession(_onnxPath, options);
        var value = OrtValue.CreateTensorValueFromMemory(_input.data<float>().ToArray(), _input.shape);
        var run = new RunOptions();
        var (inputs, outputs) = (new[] { "input" }, new[] { "logits" });
        _model = new Disposables(session, options, value, run);
        _forward = () =>
        {
            using var result = session.Run(run, inputs, new[] { value }, outputs);
        };
        using (var result = session.Run(run, inputs, new[] { value }, outputs))
        {
            OutputCheck.Require($"(d) ONNX Runtime, {Model}, batch {Batch}", tensor(result[0].GetTensorDataAsSpan<float>().ToArray(), expected.shape), expected);
        }
    }

    /// <summary>Writes the ONNX model of a fresh <see cref="Model"/> and returns that model's float64 eval logits for <paramref name="input"/>.</summary>
    private Tensor ExportAndEvaluate(Tensor input)
    {
        using var model = Variant(Model).Create();
        model.eval();
        model.ExportOnnx(_onnxPath!);
        return OutputCheck.Float64Eval(model)(input);
    }

    [Benchmark(Baseline = true, Description = "(a) module-per-layer")]
    public void ModulePerLayer() => Forward();

    [Benchmark(Description = "(b) generated, eval")]
    public void GeneratedEval() => Forward();

    [Benchmark(Description = "(c) generated, ForInference")]
    public void ForInference() => Forward();

    [Benchmark(Description = "(c') ForInference, NCHW")]
    public void ForInferenceNchw() => Forward();

    [Benchmark(Description = "(d) ONNX Runtime")]
    public void OnnxRuntime() => Forward();

    [GlobalCleanup]
    public void Cleanup()
    {
        _model?.Dispose();
        _input?.Dispose();
        if (_onnxPath is not null)
        {
            File.Delete(_onnxPath);
        }
    }

    private void Forward() => _forward!();

    private void PrepareFolded(bool channelsLast)
    {
        using var model = Variant(Model).Create();
        model.eval();
        var folded = model.ForInference(channelsLast);
        Prepare(channelsLast ? "(c) ForInference" : "(c') ForInference, NCHW", folded, folded.Forward, OutputCheck.Float64Eval(model));
    }

    /// <summary>Sets up the timed forward, after <see cref="OutputCheck"/> has compared its output with <paramref name="reference"/>'s.</summary>
    private void Prepare(string what, IDisposable model, Func<Tensor, Tensor> forward, Func<Tensor, Tensor> reference)
    {
        set_num_threads(2);
        var resolution = Variant(Model).Resolution;
        var input = randn(Batch, 3, resolution, resolution);
        using (var scope = NewDisposeScope())
        {
            OutputCheck.Require($"{what}, {Model}, batch {Batch}", forward(input), reference(input));
        }
        (_model, _input) = (model, input);
        _forward = () =>
        {
            using var scope = NewDisposeScope();
            forward(input);
        };
    }

    private static Tensor NoGrad(Func<Tensor> run)
    {
        using var noGrad = no_grad();
        return run();
    }

    /// <summary>Disposes several objects as one.</summary>
    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items.Reverse())
            {
                item.Dispose();
            }
        }
    }
}
