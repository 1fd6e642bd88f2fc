using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Runtime.Onnx;
using EffNetGen.Runtime.Tests.Weights;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// The ONNX export against an independent engine: ONNX Runtime's output on the exported model equals TorchSharp's
/// eval output, with random weights and BatchNorm statistics (so the folding is exercised).
/// </summary>
public class OnnxTests
{
    // B0, TensorFlow 'same' padding, ReLU6 without SE (Lite), edge blocks (EdgeTPU), Fused-MBConv (V2), and the
    // showcase's hard-swish, GELU and repeated head.
    [Theory]
    [InlineData("efficientnet_b0", 64)]
    [InlineData("tf_efficientnet_b0", 67)]
    [InlineData("tf_efficientnet_b0", 61)]
    [InlineData("efficientnet_lite0", 64)]
    [InlineData("efficientnet_es", 64)]
    [InlineData("efficientnet_v2_s", 64)]
    [InlineData("showcase_small", 61)]
    public void Onnx_Runtime_output_equals_the_eval_output_within_1e4(string name, int size)
    {
        manual_seed(21);
        using var model = EffNetModels.Create(name);
        RandomWeights.ApplyCalibrated(model);
        model.eval();
        using var folder = new TempFolder();
        var path = folder.File(name + ".onnx");
        model.ExportOnnx(path);
        using var input = randn(2, 3, size, size);
        using var expected = Eval(model, input);

        var actual = RunOnnx(path, input, out var warnings);

        var relative = L2(actual.Zip(expected.data<float>(), (a, b) => (double)a - b)) / L2(expected.data<float>().Select(v => (double)v));
        Assert.True(relative < 1e-4, $"{name}: relative L2 {relative}");
        Assert.True((expected[0] - expected[1]).norm().item<float>() > 1e-2 * expected[0].norm().item<float>(), $"{name}: logits do not depend on the input");
        Assert.Empty(warnings);
    }

    [Fact]
    public void Export_does_not_change_the_model_and_leaves_no_temporary_file()
    {
        using var model = new EfficientNetB0();
        model.eval();
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var folder = new TempFolder();

        model.ExportOnnx(folder.File("b0.onnx"));

        Assert.All(model.state_dict(), p => Assert.True(before[p.Key].eq(p.Value).all().item<bool>(), p.Key));
        Assert.Equal(new[] { "b0.onnx" }, Directory.GetFiles(folder.File("")).Select(Path.GetFileName));
    }

    private static Tensor Eval(EfficientNetModule model, Tensor input)
    {
        using var noGrad = no_grad();
        return model.call(input);
    }

    /// <summary>What ONNX Runtime logs at warning level or above, in this test process.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Logged = new();

    /// <summary>The process's ONNX Runtime environment, created once, logging into <see cref="Logged"/>.</summary>
    private static readonly Lazy<OrtEnv> Environment = new(() =>
    {
        var options = new EnvironmentCreationOptions
        {
            logId = "EffNetGen.Runtime.Tests",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = (_, severity, category, _, location, message) => Logged.Enqueue($"{severity} {category} {location}: {message}"),
        };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    });

    /// <summary>Loads and runs the model in ONNX Runtime (default graph optimizations); returns what it warned about.</summary>
    private static float[] RunOnnx(string path, Tensor input, out List<string> warnings)
    {
        _ = Environment.Value;
        Logged.Clear();
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING };
        using var session = new InferenceSession(path, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input.data<float>().ToArray(), input.shape);
        using var run = new RunOptions();
        using var outputs = session.Run(run, new[] { "input" }, new[] { value }, new[] { "logits" });
        warnings = Logged.ToList();
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static double L2(IEnumerable<double> values) => Math.Sqrt(values.Sum(v => v * v));
}
