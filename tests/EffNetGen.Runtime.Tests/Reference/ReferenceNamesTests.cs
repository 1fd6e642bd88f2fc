using System;
using System.Linq;
using EffNetGen.Runtime.Weights;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Reference;

/// <summary>
/// state_dict names and shapes against the key lists torchvision's and timm's own models produced
/// (tests/fixtures/keys): every shipped variant that has a reference model.
/// </summary>
public class ReferenceNamesTests
{
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
    [InlineData("mobilenet_v3_large")] // layout mobilenetv3: one features child per block, classifier.0/.3
    [InlineData("mobilenet_v3_small")]
    public void The_state_dict_is_torchvisions_in_names_and_shapes(string model)
    {
        using var network = EffNetModels.Create(model, device: META); // shapes only: no memory, no initialisation

        // Sorted: TorchSharp's state_dict lists every parameter before the buffers, PyTorch's goes module by module.
        var actual = network.state_dict().Select(s => ReferenceKeys.Format(s.Key, s.Value.shape)).Order(StringComparer.Ordinal).ToList();

        var expected = ReferenceKeys.Of("torchvision", model).Select(k => ReferenceKeys.Format(k.Name, k.Shape)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }

    /// <summary>No two tensors share a timm name, in any generated model (the showcase has a head conv and a hidden layer).</summary>
    [Fact]
    public void TimmNames_are_one_to_one_for_every_model()
    {
        Assert.All(EffNetModels.All, info =>
        {
            using var network = info.Create(device: META);
            var names = TimmNames.For(network);
            Assert.Equal(names.Count, names.Values.Distinct(StringComparer.Ordinal).Count());
        });
    }

    [Theory]
    [InlineData("efficientnet_b0", "efficientnet_b0")]
    [InlineData("efficientnet_b1", "efficientnet_b1")]
    [InlineData("efficientnet_b2", "efficientnet_b2")]
    [InlineData("efficientnet_b3", "efficientnet_b3")]
    [InlineData("efficientnet_b4", "efficientnet_b4")]
    [InlineData("efficientnet_b5", "efficientnet_b5")]
    [InlineData("efficientnet_b6", "efficientnet_b6")]
    [InlineData("efficientnet_b7", "efficientnet_b7")]
    [InlineData("efficientnet_b8", "efficientnet_b8")]
    [InlineData("efficientnet_l2", "efficientnet_l2")]
    [InlineData("tf_efficientnet_b0", "tf_efficientnet_b0")]
    [InlineData("tf_efficientnet_b1", "tf_efficientnet_b1")]
    [InlineData("tf_efficientnet_b2", "tf_efficientnet_b2")]
    [InlineData("tf_efficientnet_b3", "tf_efficientnet_b3")]
    [InlineData("tf_efficientnet_b4", "tf_efficientnet_b4")]
    [InlineData("tf_efficientnet_b5", "tf_efficientnet_b5")]
    [InlineData("tf_efficientnet_b6", "tf_efficientnet_b6")]
    [InlineData("tf_efficientnet_b7", "tf_efficientnet_b7")]
    [InlineData("tf_efficientnet_b8", "tf_efficientnet_b8")]
    [InlineData("tf_efficientnet_l2", "tf_efficientnet_l2")]
    [InlineData("efficientnet_lite0", "efficientnet_lite0")]
    [InlineData("efficientnet_lite1", "efficientnet_lite1")]
    [InlineData("efficientnet_lite2", "efficientnet_lite2")]
    [InlineData("efficientnet_lite3", "efficientnet_lite3")]
    [InlineData("efficientnet_lite4", "efficientnet_lite4")]
    [InlineData("efficientnet_es", "efficientnet_es")]
    [InlineData("efficientnet_em", "efficientnet_em")]
    [InlineData("efficientnet_el", "efficientnet_el")]
    [InlineData("efficientnet_v2_s", "efficientnetv2_s")]
    [InlineData("efficientnet_v2_m", "efficientnetv2_m")]
    [InlineData("efficientnet_v2_l", "efficientnetv2_l")]
    [InlineData("mobilenetv2_100", "mobilenetv2_100")]
    [InlineData("mobilenetv2_050", "mobilenetv2_050")]
    [InlineData("mobilenetv3_large_100", "mobilenetv3_large_100")]
    [InlineData("mobilenetv3_small_100", "mobilenetv3_small_100")]
    [InlineData("mnasnet_100", "mnasnet_100")]
    [InlineData("lcnet_100", "lcnet_100")]
    [InlineData("tinynet_a", "tinynet_a")]
    [InlineData("efficientnetv2_rw_s", "efficientnetv2_rw_s")]
    [InlineData("mixnet_s", "mixnet_s")]
    [InlineData("mixnet_l", "mixnet_l")]
    [InlineData("mobilenetv4_conv_small", "mobilenetv4_conv_small")]
    [InlineData("mobilenet_v3_large", "mobilenetv3_large_100")] // timm's names whatever the module layout
    [InlineData("mobilenet_v3_small", "mobilenetv3_small_100")]
    public void TimmNames_gives_timms_names_and_shapes(string model, string timmModel)
    {
        using var network = EffNetModels.Create(model, device: META); // shapes only: no memory, no initialisation
        var names = TimmNames.For(network);
        // timm keeps MobileNetV3's hidden classifier layer as a 1×1 convolution: the plan says so, the loader reshapes.
        var timmShapes = network.Plan.Tensors().Where(t => t.TimmShape is not null).ToDictionary(t => t.Name, t => t.TimmShape!);

        var actual = network.state_dict()
            .Select(s => ReferenceKeys.Format(names[s.Key], timmShapes.TryGetValue(s.Key, out var shape) ? shape : s.Value.shape))
            .Order(StringComparer.Ordinal).ToList();

        var expected = ReferenceKeys.Of("timm", timmModel).Select(k => ReferenceKeys.Format(k.Name, k.Shape)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }
}
