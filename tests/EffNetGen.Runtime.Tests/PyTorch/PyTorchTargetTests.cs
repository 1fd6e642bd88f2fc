using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.PyTorch;

/// <summary>
/// The PyTorch target against the C# classes of the same specs, run in PyTorch itself: parameter counts, state_dict
/// keys and shapes, logits for the same safetensors, and a two-process DDP run whose checkpoint comes back to C#.
/// </summary>
[Collection(Training.SequentialRandomCollection.Name)] // seeds libtorch's global generator: the same weights in every run
public class PyTorchTargetTests(PyTorchModules modules, ITestOutputHelper log) : IClassFixture<PyTorchModules>
{
    /// <summary>
    /// Every shipped variant small enough to build quickly, and one of each kind of layer: V1, TF 'same' padding, Lite,
    /// EdgeTPU, V2, MobileNetV3 (torchvision's flat layout and timm's), MixNet's mixed convolutions, MobileNetV4's
    /// universal blocks and normalised hidden layer, MnasNet, LCNet.
    /// </summary>
    private static readonly string[] SmallVariants =
    {
        "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "tf_efficientnet_b0", "efficientnet_lite0",
        "efficientnet_es", "efficientnet_v2_s", "mobilenet_v3_large", "mobilenet_v3_small", "mobilenetv3_large_100",
        "mixnet_s", "mobilenetv4_conv_small", "mnasnet_100", "lcnet_100",
    };

    [Fact]
    public void Small_shipped_variants_have_the_CSharp_classes_parameter_counts_and_state_dict_keys_and_shapes()
    {
        using var folder = new TempDirectory();
        foreach (var group in SmallVariants.GroupBy(modules.ModuleOf))
        {
            var described = folder.PathOf(Path.GetFileNameWithoutExtension(group.Key) + ".json");
            modules.Run(PyTorchModules.Python, new[] { PyTorchModules.Probe, "describe", group.Key, described }.Concat(group));
            using var json = JsonDocument.Parse(File.ReadAllText(described));
            foreach (var name in group)
            {
                var python = json.RootElement.GetProperty(name);
                using var model = EffNetModels.Create(name);
                // By name: TorchSharp lists all parameters before all buffers, PyTorch module by module.
                var expected = model.state_dict().Select(p => $"{p.Key} [{string.Join(", ", p.Value.shape)}]").Order(StringComparer.Ordinal).ToList();
                var actual = python.GetProperty("state").EnumerateArray()
                    .Select(e => $"{e[0].GetString()} [{string.Join(", ", e[1].EnumerateArray().Select(d => d.GetInt64()))}]").Order(StringComparer.Ordinal).ToList();
                Assert.Equal(expected, actual);
                Assert.Equal(model.parameters().Sum(p => p.numel()), python.GetProperty("parameters").GetInt64());
                Assert.Equal(EffNetModels.Find(name)!.ParameterCount, python.GetProperty("parameters").GetInt64());
                AssertSameInitialisation(name, model, python.GetProperty("init"));
            }
        }
    }

    /// <summary>
    /// torchvision's initialisation on both sides: constant tensors (BatchNorm, biases, running statistics) equal, random
    /// ones (kaiming-normal fan-out convolutions, uniform linear layers) with standard deviations that agree within sampling
    /// error (at most 31 %, for the smallest tensors compared; a fan-in kaiming is off by a factor of 2 or more).
    /// </summary>
    private static void AssertSameInitialisation(string name, EfficientNetModule model, JsonElement python)
    {
        using var noGrad = no_grad();
        foreach (var (key, tensor) in model.state_dict().Where(p => p.Value.is_floating_point() && p.Value.numel() > 0))
        {
            var statistics = python.GetProperty(key);
            var (min, max, std) = (statistics[0].GetDouble(), statistics[1].GetDouble(), statistics[2].GetDouble());
            var expectedStd = tensor.numel() > 1 ? tensor.to(ScalarType.Float64).std().item<double>() : 0.0;
            if (expectedStd == 0)
            {
                var value = tensor.flatten()[0].item<float>();
                Assert.True(min == value && max == value, $"{name} {key}: {value} in C#, from {min} to {max} in Python");
            }
            else if (tensor.numel() >= 256)
            {
                // Two independent estimates of the same deviation differ by about 1/√n relatively; allow 5 of those.
                var tolerance = 5 / Math.Sqrt(tensor.numel());
                Assert.True(Math.Abs(std / expectedStd - 1) < tolerance, $"{name} {key}: initial std {expectedStd} in C#, {std} in Python (tolerance {tolerance:P0})");
            }
        }
    }

    // V1 with symmetric padding, TensorFlow 'same' padding, V2 (fused blocks, 384 px), and the other layers' forward:
    // mixed convolutions, the hard-sigmoid gate and a flat layout with a hidden classifier layer, universal blocks with a
    // normalised hidden layer.
    [Theory]
    [InlineData("efficientnet_b0")]
    [InlineData("tf_efficientnet_b0")]
    [InlineData("efficientnet_v2_s")]
    [InlineData("mixnet_s")]
    [InlineData("mobilenet_v3_large")]
    [InlineData("mobilenetv4_conv_small")]
    public void The_same_safetensors_give_PyTorch_and_TorchSharp_the_same_logits(string name)
    {
        manual_seed(20);
        using var model = EffNetModels.Create(name);
        var size = model.Plan.Resolution;
        RandomWeights.ApplyCalibrated(model, size);
        using var folder = new TempDirectory();
        var weights = folder.PathOf("weights.safetensors");
        SafetensorsWriter.Write(weights, model.state_dict());
        // The variant's own (even) size: TF 'same' padding then puts an odd pixel bottom/right on every strided layer.
        using var input = randn(2, 3, size, size);

        var (python32, python64) = PythonLogits(name, model.ClassCount, weights, input, folder);

        using var noGrad = no_grad();
        using var logits32 = model.call(input);
        model.to(ScalarType.Float64);
        using var logits64 = model.call(input.to(ScalarType.Float64));
        var (single, dbl, precision) = (RelativeError.Of(python32, logits32), RelativeError.Of(python64, logits64), RelativeError.Of(logits32, logits64));
        log.WriteLine($"{name} at {size} px, PyTorch {modules.TorchVersion} vs TorchSharp, relative L2: float32 {single:E1}, float64 {dbl:E1}; TorchSharp float32 vs float64 {precision:E1}");
        Assert.True(single < 1e-4, $"{name}: PyTorch's float32 logits are {single} (relative L2) from TorchSharp's");
        Assert.True(dbl < 1e-10, $"{name}: PyTorch's float64 logits are {dbl} (relative L2) from TorchSharp's");
        Assert.True(precision < 1e-4, $"{name}: TorchSharp's float32 logits are {precision} (relative L2) from its float64 ones");
        Assert.True((logits64[0] - logits64[1]).norm().item<double>() > 1e-2 * logits64[0].norm().item<double>(), $"{name}: logits do not depend on the image");
    }

    [Fact]
    [Trait(TestLanes.Category, TestLanes.Integration)]
    public void A_two_process_torchrun_DDP_run_keeps_the_replicas_equal_and_its_checkpoint_gives_the_CSharp_class_equal_logits()
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("b0.safetensors");
        var training = modules.Run(PyTorchModules.Python, new[]
        {
            // torch 1.13's launcher cannot parse its own default "--redirects 0 --tee 0" on Python 3.11 (IntFlag no longer
            // iterates NONE), Debian 12's pairing; stdout to a log file and teed back parses.
            "-m", "torch.distributed.run", "--nnodes", "1", "--nproc_per_node", "2", "--master_addr", "127.0.0.1", "--master_port", FreePort(),
            "--redirects", "1", "--tee", "1",
            Path.Combine(modules.Folder, "effnet_train.py"), "--spec", modules.ModuleOf("efficientnet_b0"), "--model", "efficientnet_b0",
            "--synthetic", "16", "--resolution", "64", "--batch-size", "4", "--steps", "4", "--num-classes", "10",
            "--cpu", "--workers", "0", "--digests", "--output", checkpoint,
        });

        // Each process hashes its own parameters after every step: DDP's averaged gradients must keep them bit-identical.
        var digests = Regex.Matches(training, @"step (\d+) rank (\d) weights sha256 ([0-9a-f]{64})")
            .Select(m => (Step: int.Parse(m.Groups[1].Value), Rank: int.Parse(m.Groups[2].Value), Digest: m.Groups[3].Value))
            .ToList();
        Assert.Equal(8, digests.Count);
        for (var step = 1; step <= 4; step++)
        {
            var ranks = digests.Where(d => d.Step == step).OrderBy(d => d.Rank).ToList();
            Assert.Equal(new[] { 0, 1 }, ranks.Select(d => d.Rank));
            Assert.True(ranks[0].Digest == ranks[1].Digest, $"step {step}: the two processes' weights differ\n{training}");
        }
        // The recipe's warm-up starts at learning rate 0; after that every step changes the weights.
        Assert.Equal(3, digests.Where(d => d.Step >= 2).Select(d => d.Digest).Distinct().Count());

        // The weights and (B0's recipe has one) their moving average, each loaded into the C# class.
        manual_seed(21);
        using var input = randn(2, 3, 64, 64);
        foreach (var file in new[] { checkpoint, folder.PathOf("b0.ema.safetensors") })
        {
            using var model = EffNetModels.Create("efficientnet_b0", numClasses: 10);
            model.LoadSafetensors(file);
            model.eval();
            Assert.Equal("efficientnet_b0", SafetensorsFile.Open(file).Metadata["model"]);
            Assert.Equal("4", SafetensorsFile.Open(file).Metadata["step"]);
            var (python32, _) = PythonLogits("efficientnet_b0", 10, file, input, folder);
            using var noGrad = no_grad();
            using var logits = model.call(input);
            var relative = RelativeError.Of(python32, logits);
            log.WriteLine($"DDP {Path.GetFileName(file)}, PyTorch vs TorchSharp float32 logits at 64 px, relative L2: {relative:E1}");
            Assert.True(relative < 1e-4, $"{Path.GetFileName(file)}: PyTorch and TorchSharp are {relative} (relative L2) apart");
        }
    }

    /// <summary>The generated module's float32 and float64 logits for <paramref name="input"/> with the weights in <paramref name="weights"/>.</summary>
    private (Tensor Single, Tensor Double) PythonLogits(string name, long classes, string weights, Tensor input, TempDirectory folder)
    {
        var (inputs, outputs) = (folder.PathOf("input.safetensors"), folder.PathOf("logits.safetensors"));
        SafetensorsWriter.Write(inputs, new Dictionary<string, Tensor> { ["input"] = input });
        modules.Run(PyTorchModules.Probe, "logits", modules.ModuleOf(name), name, classes.ToString(System.Globalization.CultureInfo.InvariantCulture), weights, inputs, outputs);
        var file = SafetensorsFile.Open(outputs);
        return (file.ReadTensor("float32"), file.ReadTensor("float64"));
    }

    private static string FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
