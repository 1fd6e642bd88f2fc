using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Runtime.Onnx;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// The ONNX export against an independent engine: ONNX Runtime's output on the exported model equals TorchSharp's
/// eval output, with random weights and BatchNorm statistics (so the folding is exercised).
/// </summary>
[Trait(TestLanes.Category, TestLanes.Integration)]
public class OnnxTests
{
    // B0, TensorFlow 'same' padding, ReLU6 without SE (Lite), edge blocks (EdgeTPU), Fused-MBConv (V2), and the
    // showcase's hard-swish, GELU, hard-sigmoid SE gate and repeated head.
    [Theory]
    [InlineData("efficientnet_b0", 64)]
    [InlineData("tf_efficientnet_b0", 67)]
    [InlineData("tf_efficientnet_b0", 61)]
    [InlineData("efficientnet_lite0", 64)]
    [InlineData("efficientnet_es", 64)]
    [InlineData("efficientnet_v2_s", 64)]
    [InlineData("showcase_small", 61)]
    [InlineData("showcase_p2", 61)]
    [InlineData("mobilenetv3_large_100", 64)]
    [InlineData("lcnet_100", 64)]
    [InlineData("mixnet_s", 64)]
    [InlineData("mobilenetv4_conv_small", 64)]
    public void Onnx_Runtime_output_equals_the_eval_output_within_1e4(string name, int size)
    {
        manual_seed(21);
        using var model = EffNetModels.Create(name);
        RandomWeights.ApplyCalibrated(model);
        model.eval();
        using var folder = new TempDirectory();
        var path = folder.PathOf(name + ".onnx");
        model.ExportOnnx(path);
        using var input = randn(2, 3, size, size);
        using var expected = Eval(model, input);

        var actual = RunOnnx(path, input, out var warnings)[0];

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
        using var folder = new TempDirectory();

        model.ExportOnnx(folder.PathOf("b0.onnx"));

        Assert.All(model.state_dict(), p => Assert.True(before[p.Key].eq(p.Value).all().item<bool>(), p.Key));
        Assert.Equal(new[] { "b0.onnx" }, Directory.GetFiles(folder.PathOf("")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("efficientnet_b0", 64)]
    [InlineData("tf_efficientnet_b0", 67)]
    [InlineData("efficientnet_v2_s", 64)]
    public void Feature_outputs_equal_the_models_Features_within_1e4(string name, int size)
    {
        manual_seed(22);
        using var model = EffNetModels.Create(name);
        RandomWeights.ApplyCalibrated(model);
        model.eval();
        using var folder = new TempDirectory();
        var path = folder.PathOf(name + ".onnx");
        model.ExportOnnx(path, new Formats.Onnx.OnnxExportOptions { Features = true });
        using var input = randn(2, 3, size, size);
        using var noGrad = no_grad();
        var expected = model.Features(input);

        var outputs = RunOnnx(path, input, out var warnings, expected.Select((_, i) => $"features_{i}").ToArray());

        Assert.Equal(expected.Count, outputs.Count);
        foreach (var (map, actual) in expected.Zip(outputs))
        {
            var reference = map.data<float>().ToArray();
            var relative = L2(actual.Zip(reference, (a, b) => (double)a - b)) / L2(reference.Select(v => (double)v));
            Assert.True(relative < 1e-4, $"{name} {string.Join("×", map.shape)}: relative L2 {relative}");
            map.Dispose();
        }
        Assert.Empty(warnings);
    }

    /// <summary>
    /// `effnet export-onnx` builds the graph from the spec and reads the checkpoint without TorchSharp; given the
    /// model's weights it must write the very bytes the model's own export writes, whichever names the checkpoint uses
    /// and whatever classes and input channels the model was built with.
    /// </summary>
    [Theory]
    [InlineData("efficientnet.effnet", "efficientnet_b0", false, 1000, 3)]
    [InlineData("efficientnet.effnet", "efficientnet_b0", true, 10, 1)]
    [InlineData("tf_efficientnet.effnet", "tf_efficientnet_b0", true, 1000, 3)]
    [InlineData("efficientnet_lite.effnet", "efficientnet_lite0", false, 1000, 3)]
    [InlineData("efficientnet_edgetpu.effnet", "efficientnet_es", true, 1000, 3)]
    [InlineData("efficientnet_v2.effnet", "efficientnet_v2_s", false, 5, 3)]
    public void The_tools_export_from_a_checkpoint_is_byte_identical_to_the_models(string spec, string name, bool timmNames, int classes, int channels)
    {
        manual_seed(23);
        using var model = EffNetModels.Find(name)!.Create(new ModelOptions { NumClasses = classes, InChannels = channels });
        RandomWeights.ApplyCalibrated(model);
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("weights.safetensors");
        var timm = EffNetGen.Runtime.Weights.TimmNames.For(model);
        SafetensorsWriter.Write(checkpoint, model.state_dict().Select(p => KeyValuePair.Create(timmNames ? timm[p.Key] : p.Key, p.Value)));
        model.ExportOnnx(folder.PathOf("model.onnx"));

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = Cli.EffNetCli.Run(new[] { "export-onnx", Repository.PathOf("specs", spec), name, "--weights", checkpoint, "-o", folder.PathOf("tool.onnx") }, output, error);

        Assert.True(exitCode == 0, error.ToString());
        Assert.Equal(File.ReadAllBytes(folder.PathOf("model.onnx")), File.ReadAllBytes(folder.PathOf("tool.onnx")));
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

    /// <summary>
    /// Creates this process's ONNX Runtime environment (with the logging <see cref="RunOnnx"/> checks) if no session has
    /// yet: ONNX Runtime has one environment a process, made by the first session when not before.
    /// </summary>
    internal static void EnsureEnvironment() => _ = Environment.Value;

    /// <summary>Loads and runs the model in ONNX Runtime (default graph optimizations); returns what it warned about.</summary>
    internal static List<float[]> RunOnnx(string path, Tensor input, out List<string> warnings, params string[] outputNames)
    {
        outputNames = outputNames.Length > 0 ? outputNames : new[] { "logits" };
        _ = Environment.Value;
        Logged.Clear();
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING };
        using var session = new InferenceSession(path, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input.data<float>().ToArray(), input.shape);
        using var run = new RunOptions();
        using var outputs = session.Run(run, new[] { "input" }, new[] { value }, outputNames);
        warnings = Logged.ToList();
        return outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToList();
    }

    private static double L2(IEnumerable<double> values) => Math.Sqrt(values.Sum(v => v * v));
}
