using System.Linq;
using EffNetGen.Runtime.Inference;
using EffNetGen.Runtime.Onnx;
using EffNetGen.Runtime.Tests.Training;
using EffNetGen.Tests.Shared;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Reference;

/// <summary>
/// The generated models against logits PyTorch computed with torchvision's and timm's own modules, for the same weights
/// (tests/fixtures/logits): eval in float32 and float64, the inference path at 1 and 2 threads in both layouts, and ONNX
/// Runtime on the exported model. float32 must agree with PyTorch's float64 logits to 1e-4 (PyTorch's own float32: 4e-7
/// to 4e-6); float64 to 1e-10.
/// </summary>
[Collection(SequentialRandomCollection.Name)] // sets libtorch's thread count, which is global to the process
[Trait(TestLanes.Category, TestLanes.Integration)]
public class ReferenceLogitsTests
{
    private readonly ITestOutputHelper _output;

    public ReferenceLogitsTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("torchvision", "efficientnet_b0", "efficientnet_b0")]
    [InlineData("torchvision", "efficientnet_b5", "efficientnet_b5")]
    [InlineData("torchvision", "efficientnet_v2_s", "efficientnet_v2_s")]
    [InlineData("timm", "tf_efficientnet_b0", "tf_efficientnet_b0")]
    [InlineData("timm", "efficientnet_lite0", "efficientnet_lite0")]
    [InlineData("timm", "efficientnet_es", "efficientnet_es")]
    [InlineData("timm", "mobilenetv3_large_100", "mobilenetv3_large_100")] // hidden layer stored as timm's 1×1 conv_head
    [InlineData("timm", "lcnet_100", "lcnet_100")]
    [InlineData("timm", "mixnet_s", "mixnet_s")]                           // mixed kernels and 1×1 groups
    [InlineData("timm", "mobilenetv4_conv_small", "mobilenetv4_conv_small")] // universal inverted residuals, BatchNorm in the head
    public void Every_path_reproduces_the_references_logits(string source, string referenceModel, string model)
    {
        using var network = EffNetModels.Create(model);
        EveryPathReproduces(new ReferenceFixture(source, referenceModel), network);
    }

    /// <summary>
    /// timm's <c>output_stride=16</c>: the last stride becomes a dilation of the depthwise convolutions after it (MixNet-S:
    /// mixed kernels, dilated, folded into one kernel by the inference path and the ONNX export). A variant of the shipped
    /// spec with <c>output_stride 16</c>, built from its plan.
    /// </summary>
    [Fact]
    public void A_dilated_network_reproduces_timms_output_stride_16()
    {
        var spec = System.IO.File.ReadAllText(Repository.PathOf("specs", "mobilenet.effnet"))
            .Replace("variant S { expect { params 4134606 } }", "variant S { output_stride 16  expect { params 4134606 } }");
        var plan = EffNetGen.Dsl.SpecCompiler.Compile(spec).Networks.Single(n => n.ClassName == "MixNetS").Plan;
        Assert.Equal(16, plan.OutputStride);
        Assert.Contains(plan.Units.SelectMany(u => u.Convolutions), c => c.Dilation == 2);
        using var network = new PlanModel(plan);

        EveryPathReproduces(new ReferenceFixture("timm", "mixnet_s_os16"), network);
    }

    private sealed class PlanModel(NetworkPlan plan) : EfficientNetModule(plan, new ModelOptions());

    private void EveryPathReproduces(ReferenceFixture fixture, EfficientNetModule network)
    {
        using var folder = new TempDirectory();
        fixture.LoadInto(network, folder.PathOf("checkpoint.safetensors"));
        network.eval();
        using var scope = NewDisposeScope();
        var input = fixture.Input();
        var expected = fixture.Logits64;
        Assert.True(RelativeError.Of(fixture.Logits32, expected) < 1e-5, "the fixture itself: PyTorch's float32 and float64 disagree");
        Assert.True((expected[0] - expected[1]).norm().item<double>() > 1e-2 * expected[0].norm().item<double>(), "the logits do not depend on the image");

        foreach (var count in new[] { 1, 2 })
        {
            using var threads = ThreadCount.Set(count);
            using (no_grad())
            {
                AssertClose(network.call(input), expected, 1e-4, $"eval float32, {count} thread(s)");
            }
            foreach (var channelsLast in new[] { true, false })
            {
                using var inference = network.ForInference(channelsLast);
                AssertClose(inference.Forward(input), expected, 1e-4, $"ForInference({(channelsLast ? "channels-last" : "NCHW")}), {count} thread(s)");
            }
        }

        var onnx = folder.PathOf("model.onnx");
        network.ExportOnnx(onnx);
        var onnxLogits = tensor(OnnxTests.RunOnnx(onnx, input, out _)[0], expected.shape);
        AssertClose(onnxLogits, expected, 1e-4, "ONNX Runtime");

        network.to(ScalarType.Float64);
        using (no_grad())
        {
            AssertClose(network.call(input.to(ScalarType.Float64)), expected, 1e-10, "eval float64");
        }
    }

    /// <summary>Converting first, then loading (what a float64 or GPU user does): every parameter converted, the same logits.</summary>
    [Theory]
    [InlineData("timm", "tf_efficientnet_b0", "tf_efficientnet_b0")] // 'same' padding: Conv2dSame
    [InlineData("torchvision", "efficientnet_b0", "efficientnet_b0")]
    public void A_model_converted_before_loading_reproduces_the_reference_in_float64(string source, string referenceModel, string model)
    {
        var fixture = new ReferenceFixture(source, referenceModel);
        using var network = EffNetModels.Create(model);
        network.to(ScalarType.Float64);
        using var folder = new TempDirectory();

        fixture.LoadInto(network, folder.PathOf("checkpoint.safetensors"));

        Assert.All(network.named_parameters(), p => Assert.True(p.parameter.dtype == ScalarType.Float64, $"{p.name} is {p.parameter.dtype}"));
        Assert.All(network.state_dict().Where(s => s.Value.is_floating_point()), s => Assert.True(s.Value.dtype == ScalarType.Float64, $"{s.Key} is {s.Value.dtype}"));
        network.eval();
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            AssertClose(network.call(fixture.Input().to(ScalarType.Float64)), fixture.Logits64, 1e-10, "eval float64");
        }
        network.to(ScalarType.Float32);
        using var inference = network.ForInference();
        AssertClose(inference.Forward(fixture.Input()), fixture.Logits64, 1e-4, "converted back: ForInference float32");
    }

    private void AssertClose(Tensor actual, Tensor expected, double tolerance, string what)
    {
        var relative = RelativeError.Of(actual, expected);
        _output.WriteLine($"{what}: relative L2 {relative:E2}");
        Assert.True(relative < tolerance, $"{what}: relative L2 {relative:E2} against PyTorch's float64 logits (tolerance {tolerance:E0})");
    }
}
