using System.Linq;
using EffNetGen.Runtime.Weights;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Weights;

/// <summary>timm's state_dict names, as timm's EfficientNet, DepthwiseSeparableConv, InvertedResidual, EdgeResidual and ConvBnAct name them.</summary>
public class TimmNamesTests
{
    [Fact]
    public void TfEfficientNetB0_gets_timms_names()
    {
        using var model = new TfEfficientNetB0(device: META);
        var names = TimmNames.For(model);

        Assert.Equal("conv_stem.weight", names["features.0.0.weight"]);
        Assert.Equal("bn1.running_var", names["features.0.1.running_var"]);
        // Stage 1 is timm's depthwise-separable block: conv_dw, bn1, se, conv_pw, bn2.
        Assert.Equal("blocks.0.0.conv_dw.weight", names["features.1.0.block.0.0.weight"]);
        Assert.Equal("blocks.0.0.se.conv_reduce.weight", names["features.1.0.block.1.fc1.weight"]);
        Assert.Equal("blocks.0.0.conv_pw.weight", names["features.1.0.block.2.0.weight"]);
        Assert.Equal("blocks.0.0.bn2.num_batches_tracked", names["features.1.0.block.2.1.num_batches_tracked"]);
        // Later stages are timm's inverted residuals: conv_pw, bn1, conv_dw, bn2, se, conv_pwl, bn3.
        Assert.Equal("blocks.1.0.conv_pw.weight", names["features.2.0.block.0.0.weight"]);
        Assert.Equal("blocks.1.1.conv_dw.weight", names["features.2.1.block.1.0.weight"]);
        Assert.Equal("blocks.6.0.se.conv_expand.bias", names["features.7.0.block.2.fc2.bias"]);
        Assert.Equal("blocks.6.0.conv_pwl.weight", names["features.7.0.block.3.0.weight"]);
        Assert.Equal("blocks.6.0.bn3.running_mean", names["features.7.0.block.3.1.running_mean"]);
        Assert.Equal("conv_head.weight", names["features.8.0.weight"]);
        Assert.Equal("bn2.bias", names["features.8.1.bias"]);
        Assert.Equal(("classifier.weight", "classifier.bias"), (names["classifier.1.weight"], names["classifier.1.bias"]));
        Assert.Equal(names.Count, names.Values.Distinct().Count());
    }

    [Fact]
    public void Edge_and_fused_blocks_get_timms_er_and_cn_names()
    {
        using var edge = new EfficientNetEdgeTpuS(device: META);
        var edgeNames = TimmNames.For(edge);
        Assert.Equal("blocks.0.0.conv_exp.weight", edgeNames["features.1.0.block.0.0.weight"]);
        Assert.Equal("blocks.0.0.conv_pwl.weight", edgeNames["features.1.0.block.1.0.weight"]);
        Assert.Equal("blocks.0.0.bn2.weight", edgeNames["features.1.0.block.1.1.weight"]);

        using var v2 = new EfficientNetV2S(device: META);
        var v2Names = TimmNames.For(v2);
        Assert.Equal("blocks.0.1.conv.weight", v2Names["features.1.1.block.0.0.weight"]);
        Assert.Equal("blocks.0.1.bn1.weight", v2Names["features.1.1.block.0.1.weight"]);
    }
}
