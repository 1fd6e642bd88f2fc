using System;
using System.Linq;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>Every shipped variant of every family, instantiated and counted, and a forward pass per family.</summary>
public class FamilyTests
{
    private static long CountOnMeta(ModelInfo info)
    {
        // The meta device gives real shapes without memory: L2's 480M parameters cost nothing.
        using var model = info.Create(device: META);
        return model.parameters().Sum(p => p.numel());
    }

    [Fact]
    public void Every_shipped_variant_instantiates_with_its_generated_parameter_count()
    {
        Assert.Equal(44 + 3, EffNetModels.All.Count); // the shipped specs, and docs/dsl.md's showcase
        Assert.All(EffNetModels.All, info => Assert.Equal(info.ParameterCount, CountOnMeta(info)));
    }

    [Theory]
    [MemberData(nameof(TorchvisionReference.V2ParameterCounts), MemberType = typeof(TorchvisionReference))]
    public void EfficientNetV2_matches_torchvision(string variant, long parameters) =>
        Assert.Equal(parameters, CountOnMeta(EffNetModels.Find("efficientnet_v2_" + variant.ToLowerInvariant())!));

    [Fact]
    public void MobileNetV2_matches_torchvision() =>
        Assert.Equal(TorchvisionReference.MobileNetV2, CountOnMeta(EffNetModels.Find("mobilenetv2_100")!));

    /// <summary>The generated constant, the instantiated model's <c>parameters()</c> and the reference's own count agree.</summary>
    [Theory]
    [MemberData(nameof(TimmReference.MobileParameterCounts), MemberType = typeof(TimmReference))]
    [MemberData(nameof(TorchvisionReference.MobileNetV3ParameterCounts), MemberType = typeof(TorchvisionReference))]
    public void Mobile_baselines_have_the_references_parameter_counts(string model, long reference)
    {
        var info = EffNetModels.Find(model)!;
        Assert.Equal((reference, reference), (info.ParameterCount, CountOnMeta(info)));
    }

    [Theory]
    [MemberData(nameof(SeedCardReference.MillionsOfParameters), MemberType = typeof(SeedCardReference))]
    public void Timm_families_agree_with_the_seed_cards_rounded_counts(string model, int millions) =>
        Assert.Equal(millions, (int)Math.Round(CountOnMeta(EffNetModels.Find(model)!) / 1e6));

    [Fact]
    public void TF_variants_have_the_same_parameters_as_their_PyTorch_twins()
    {
        foreach (var variant in new[] { "b0", "b3", "b7", "b8" })
        {
            Assert.Equal(EffNetModels.Find("efficientnet_" + variant)!.ParameterCount, EffNetModels.Find("tf_efficientnet_" + variant)!.ParameterCount);
        }
    }

    [Theory]
    [InlineData("tf_efficientnet_b0")]       // TensorFlow 'same' padding
    [InlineData("efficientnet_lite0")]       // ReLU6, no SE, fixed stem and head
    [InlineData("efficientnet_es")]          // edge blocks with a forced input width
    [InlineData("efficientnet_v2_s")]        // fused blocks, single-conv and expanded
    [InlineData("mobilenetv2_100")]          // ReLU6, a head that never narrows
    [InlineData("mobilenetv3_large_100")]    // stages of several rows, hard-sigmoid SE with ReLU inside, hidden classifier
    [InlineData("lcnet_100")]                // activated projections, no residuals
    [InlineData("mixnet_s")]                 // mixed depthwise kernels, 1×1 groups
    [InlineData("mobilenetv4_conv_small")]   // universal inverted residuals, a hidden layer with BatchNorm
    [InlineData("showcase_small")]           // every option: edge without skip, hswish/gelu, same padding, head times
    [InlineData("showcase_nohead")]          // no head conv
    [InlineData("showcase_p2")]              // output stride 8: dilated 'same' convolutions
    public void One_variant_of_each_family_runs_forward_in_eval_and_training(string name)
    {
        using var model = EffNetModels.Create(name, numClasses: 10);
        using var scope = NewDisposeScope();
        var input = randn(2, 3, 65, 65); // odd size: exercises TensorFlow's asymmetric padding

        model.train();
        var training = model.call(input);
        training.sum().backward();
        model.eval();
        using var noGrad = no_grad();
        var evaluation = model.call(input);

        Assert.Equal(new long[] { 2, 10 }, training.shape);
        Assert.Equal(new long[] { 2, 10 }, evaluation.shape);
        Assert.True(evaluation.isfinite().all().item<bool>());
    }
}
