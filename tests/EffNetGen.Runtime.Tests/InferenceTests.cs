using System;
using System.Linq;
using EffNetGen.Runtime.Inference;
using EffNetGen.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>The inference path against the training structure's eval outputs.</summary>
[Trait(TestLanes.Category, TestLanes.Integration)]
public class InferenceTests
{
    // Every shipped V1/V2 variant, plus TF 'same' padding, ReLU6 (Lite), edge blocks (EdgeTPU) and docs/dsl.md's
    // showcase (hard-swish, GELU, edge blocks without skip, a head repeated).
    [Theory]
    [InlineData("efficientnet_b0")]
    [InlineData("efficientnet_b1")]
    [InlineData("efficientnet_b2")]
    [InlineData("efficientnet_b3")]
    [InlineData("efficientnet_b4")]
    [InlineData("efficientnet_b5")]
    [InlineData("efficientnet_b6")]
    [InlineData("efficientnet_b7")]
    [InlineData("efficientnet_v2_s")]
    [InlineData("efficientnet_v2_m")]
    [InlineData("efficientnet_v2_l")]
    [InlineData("tf_efficientnet_b0")]
    [InlineData("efficientnet_lite0")]
    [InlineData("efficientnet_es")]
    [InlineData("showcase_small")]
    [InlineData("showcase_p2")]
    [InlineData("mobilenetv3_large_100")]    // hidden classifier layer, ReLU-inside/hard-sigmoid SE, hard-swish
    [InlineData("lcnet_100")]                // activated projections
    [InlineData("mixnet_s")]                 // mixed kernels folded into one kernel, 1×1 groups
    [InlineData("mobilenetv4_conv_small")]   // universal inverted residuals, BatchNorm after the hidden layer
    public void The_inference_path_matches_eval_mode_within_1e5(string name)
    {
        manual_seed(9);
        using var model = EffNetModels.Create(name);
        RandomWeights.ApplyCalibrated(model);
        // In float64, where the two paths must agree to rounding (1e-12), so that any difference in what they compute
        // shows; that float32 agrees with float64 is Float32AccuracyTests'.
        model.to(ScalarType.Float64);
        model.eval();
        using var inference = model.ForInference();
        using var scope = NewDisposeScope();

        foreach (var batch in new[] { 1, 2 })
        {
            // A small, odd input keeps the test fast and exercises TensorFlow's asymmetric padding.
            var input = randn(batch, 3, 97, 97, dtype: ScalarType.Float64);
            Tensor expected;
            using (no_grad())
            {
                expected = model.call(input);
            }

            var actual = inference.Forward(input);

            var relative = RelativeError.Of(actual, expected);
            if (batch == 2)
            {
                // The comparison means something only if the logits depend on the input.
                Assert.True((expected[0] - expected[1]).norm().item<double>() > 1e-2 * expected[0].norm().item<double>(), $"{name}: logits do not depend on the input");
            }
            Assert.True(relative < 1e-5, $"{name}, batch {batch}: relative L2 {relative}");
        }
    }

    [Fact]
    public void Folding_leaves_the_model_unchanged()
    {
        using var model = new EfficientNetB0();
        RandomWeights.Apply(model);
        var before = model.state_dict().ToDictionary(s => s.Key, s => s.Value.clone());

        using (model.ForInference())
        {
        }

        Assert.All(model.state_dict(), s => Assert.True(before[s.Key].eq(s.Value).all().item<bool>(), s.Key));
    }

    // Issue 21, M8: a wrong rank reached libtorch, whose message named a "permute (sparse_coo)".
    [Theory]
    [InlineData(new long[] { 3, 32, 32 })]
    [InlineData(new long[] { 1, 1, 3, 32, 32 })]
    [InlineData(new long[] { 1, 4, 32, 32 })]
    public void A_tensor_that_is_not_an_image_batch_is_refused_with_its_shape(long[] shape)
    {
        using var model = new EfficientNetB0();
        using var inference = model.ForInference();
        using var input = zeros(shape);

        var error = Assert.Throws<ArgumentException>(() => inference.Forward(input));

        Assert.StartsWith($"expected a batch of images [N, 3, H, W]; got a tensor of shape [{string.Join(", ", shape)}]", error.Message);
    }
}
