using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using EffNetGen.Formats.Onnx;
using EffNetGen.OnnxRuntime;
using EffNetGen.Tests.Shared;
using Microsoft.ML.OnnxRuntime;

namespace EffNetGen.Cli.Tests;

/// <summary>
/// `effnet export-onnx` without TorchSharp: the written model runs in ONNX Runtime, and bad input is an error that
/// names what is wrong and writes nothing. (Runtime tests check that its bytes equal the model's own export.)
/// </summary>
public class ExportOnnxTests
{
    [Fact]
    public void Without_weights_it_writes_a_seeded_model_that_ONNX_Runtime_runs()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "b0.onnx");

        var (exitCode, output, error) = CliRunner.Run("export-onnx", CliRunner.ShippedSpec, "B0", "-o", path, "--features");

        Assert.Equal(0, exitCode);
        Assert.Contains("5,288,548 parameters from initial weights (seed 0)", output);
        Assert.Contains("untrained weights", error);
        using var session = new InferenceSession(path);
        var input = Enumerable.Range(0, 2 * 3 * 64 * 64).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(input, new long[] { 2, 3, 64, 64 });
        using var run = new RunOptions();
        var names = new[] { "logits", "features_0", "features_1", "features_2", "features_3", "features_4" };
        using var outputs = session.Run(run, new[] { "input" }, new[] { value }, names);

        Assert.Equal(new long[] { 2, 1000 }, outputs[0].GetTensorTypeAndShape().Shape);
        // B0's feature maps: strides 2, 4, 8, 16, 32 with 16, 24, 40, 112, 320 channels.
        Assert.Equal(new[] { "2,16,32,32", "2,24,16,16", "2,40,8,8", "2,112,4,4", "2,320,2,2" },
            outputs.Skip(1).Select(o => string.Join(",", o.GetTensorTypeAndShape().Shape)));
        var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.All(logits, v => Assert.True(float.IsFinite(v)));
        Assert.True(logits.Take(1000).Zip(logits.Skip(1000)).Any(p => p.First != p.Second), "the two images give the same logits");
    }

    [Theory]
    [InlineData("mobilenetv3_large_100")]  // a hidden classifier layer
    [InlineData("mixnet_s")]               // mixed kernels, 1×1 groups
    [InlineData("mobilenetv4_conv_small")] // universal inverted residuals, a hidden layer with BatchNorm
    public void A_mobile_baseline_exports_and_ONNX_Runtime_runs_it(string model)
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, model + ".onnx");

        var (exitCode, _, _) = CliRunner.Run("export-onnx", Repository.PathOf("specs", "mobilenet.effnet"), model, "-o", path);

        Assert.Equal(0, exitCode);
        // The size check counts what is written (mixed kernels padded to the largest): the weights, plus the graph.
        var (written, counted) = (new FileInfo(path).Length, OnnxWriter.WeightBytes(ShippedModels.Find(model).Plan));
        Assert.InRange(written - counted, 0, 256 << 10);
        using var session = new InferenceSession(path);
        var input = Enumerable.Range(0, 3 * 64 * 64).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        using var value = OrtValue.CreateTensorValueFromMemory(input, new long[] { 1, 3, 64, 64 });
        using var run = new RunOptions();
        using var outputs = session.Run(run, new[] { "input" }, new[] { value }, new[] { "logits" });
        Assert.Equal(new long[] { 1, 1000 }, outputs[0].GetTensorTypeAndShape().Shape);
        Assert.All(outputs[0].GetTensorDataAsSpan<float>().ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void The_seed_decides_the_weights_and_nothing_else_does()
    {
        using var temp = new TempDirectory();
        byte[] Export(string name, int seed)
        {
            var path = Path.Combine(temp.Path, name);
            Assert.Equal(0, CliRunner.Run("export-onnx", CliRunner.ShippedSpec, "efficientnet_b0", "-o", path, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode);
            return File.ReadAllBytes(path);
        }

        Assert.Equal(Export("a.onnx", 1), Export("b.onnx", 1));
        Assert.NotEqual(Export("a.onnx", 1), Export("c.onnx", 2));
    }

    [Fact]
    public void A_checkpoint_that_does_not_fit_is_an_error_naming_the_tensors_and_shapes_and_writes_nothing()
    {
        using var temp = new TempDirectory();
        var checkpoint = Path.Combine(temp.Path, "wrong.safetensors");
        WriteSafetensors(checkpoint, ("features.0.0.weight", new long[] { 32, 3, 5, 5 }), ("extra", new long[] { 2 }));
        var path = Path.Combine(temp.Path, "b0.onnx");

        var (exitCode, _, error) = CliRunner.Run("export-onnx", CliRunner.ShippedSpec, "B0", "--weights", checkpoint, "-o", path);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: {checkpoint}: the checkpoint does not fit EfficientNetB0; nothing was loaded.", error);
        Assert.Contains("'features.0.0.weight': [32, 3, 5, 5] in the checkpoint, [32, 3, 3, 3] in EfficientNetB0", error);
        Assert.Contains("  extra", error);
        Assert.Contains("missing from the checkpoint (", error);
        Assert.Equal(new[] { "wrong.safetensors" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Weights_from_a_pipe_or_a_device_are_refused_by_name_and_nothing_is_written()
    {
        // Issue 21, D4: --weights <(cat w.safetensors) ended in an unhandled NotSupportedException at the first seek.
        using var temp = new TempDirectory();
        var pipe = temp.PathOf("weights.pipe");
        ProcessRunner.Succeed("mkfifo", $"\"{pipe}\"", temp.Path);
        var writer = Task.Run(() => File.WriteAllBytes(pipe, new byte[64])); // blocks until the pipe is opened for reading
        var path = temp.PathOf("b0.onnx");

        try
        {
            foreach (var weights in new[] { pipe, "/dev/zero" })
            {
                var (exitCode, _, error) = CliRunner.Run("export-onnx", CliRunner.ShippedSpec, "B0", "--weights", weights, "-o", path);

                Assert.Equal(1, exitCode);
                Assert.Equal($"error: {weights}: not a regular file (a pipe, a device or a folder); weights are read at offsets, so save them to a file first.", error.Trim());
                Assert.False(File.Exists(path));
            }
        }
        finally
        {
            var drain = Task.Run(() => File.ReadAllBytes(pipe)); // lets the writer finish, whatever happened
            await Task.WhenAll(writer, drain).WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void A_variant_too_large_for_one_onnx_file_is_an_error_before_any_weight_is_made()
    {
        // Issue 21, D19: a 597M-parameter variant failed with "Stream was too long." after 52 s and 5.3 GB.
        using var temp = new TempDirectory();
        var spec = Path.Combine(temp.Path, "huge.effnet");
        File.WriteAllText(spec, File.ReadAllText(CliRunner.ShippedSpec).Replace(
            "  variant B0 {", "  variant Huge { width 16.0  depth 1.0  resolution 224  dropout 0.2 }\n  variant B0 {", StringComparison.Ordinal));
        var path = Path.Combine(temp.Path, "huge.onnx");

        var (exitCode, _, error) = CliRunner.Run("export-onnx", spec, "Huge", "-o", path);

        Assert.Equal(1, exitCode);
        Assert.Matches(@"^error: EfficientNetHuge has [0-9,]+ parameters, [0-9,]+ bytes of float32 weights in ONNX: above the 2,147,483,647 bytes one ONNX file can hold \(protobuf's 2 GiB limit\); ONNX's external data format is not supported\.", error);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("features.0.0.weight", new long[] { 32, 0, 3, 3 }, 1)] // a stem without input channels
    [InlineData("classifier.1.weight", new long[] { 0, 1280 }, 0)]     // a classifier without classes
    public void A_checkpoint_with_an_empty_width_is_an_error_naming_the_tensor_and_writes_nothing(string name, long[] shape, int axis)
    {
        using var temp = new TempDirectory();
        var checkpoint = Path.Combine(temp.Path, "empty.safetensors");
        WriteSafetensors(checkpoint, (name, shape));

        var (exitCode, _, error) = CliRunner.Run("export-onnx", CliRunner.ShippedSpec, "B0", "--weights", checkpoint, "-o", Path.Combine(temp.Path, "b0.onnx"));

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: {checkpoint}: '{name}' has shape [{string.Join(", ", shape)}]; its dimension {axis} must be between 1 and", error);
        Assert.Equal(new[] { "empty.safetensors" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_malformed_checkpoint_an_unknown_variant_and_a_broken_spec_are_errors()
    {
        using var temp = new TempDirectory();
        var garbage = temp.Write("garbage.safetensors", "not a checkpoint");
        var broken = temp.Write("broken.effnet", SampleSpecs.BrokenStride);
        var path = Path.Combine(temp.Path, "out.onnx");

        var malformed = CliRunner.Run("export-onnx", CliRunner.ShippedSpec, "B0", "--weights", garbage, "-o", path);
        var unknown = CliRunner.Run("export-onnx", CliRunner.ShippedSpec, "B9", "-o", path);
        var invalid = CliRunner.Run("export-onnx", broken, "B0", "-o", path);

        Assert.Equal((1, 1, 1), (malformed.ExitCode, unknown.ExitCode, invalid.ExitCode));
        Assert.StartsWith($"error: {garbage}: not a valid safetensors file", malformed.Error);
        Assert.StartsWith("error: no variant named 'B9'; the spec has: B0, B1,", unknown.Error);
        Assert.Contains(broken + SampleSpecs.BrokenStrideDiagnostic, invalid.Error);
        Assert.False(File.Exists(path));
    }

    /// <summary>A float32 safetensors file of zeros with the given tensors.</summary>
    private static void WriteSafetensors(string path, params (string Name, long[] Shape)[] tensors)
    {
        var offset = 0L;
        var entries = new List<string>();
        foreach (var (name, shape) in tensors)
        {
            var bytes = shape.Aggregate(4L, (product, d) => product * d);
            entries.Add($"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }
        var header = Encoding.UTF8.GetBytes("{" + string.Join(",", entries) + "}");
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)header.Length));
        file.Write(header);
        file.Write(new byte[offset]);
    }
}
