using System.Linq;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

/// <summary>The shipped families beyond B0–B7, against published figures and hand-worked block shapes.</summary>
public class FamilyTests
{
    private static ResolvedNetwork Network(string file, string className) =>
        SpecCompiler.Compile(Specs.Read(file)).Networks.Single(n => n.ClassName == className);

    [Fact]
    public void Every_shipped_spec_compiles_without_diagnostics()
    {
        foreach (var file in new[] { "efficientnet.effnet", "tf_efficientnet.effnet", "efficientnet_lite.effnet", "efficientnet_edgetpu.effnet", "efficientnet_v2.effnet", "mobilenet.effnet" })
        {
            var compilation = SpecCompiler.Compile(Specs.Read(file));
            Assert.True(compilation.Diagnostics.Count == 0, file + ": " + string.Join("\n", compilation.Diagnostics));
        }
    }

    [Theory]
    [MemberData(nameof(TorchvisionReference.V2ParameterCounts), MemberType = typeof(TorchvisionReference))]
    public void EfficientNetV2_parameters_match_torchvision(string variant, long parameters) =>
        Assert.Equal(parameters, Network("efficientnet_v2.effnet", "EfficientNetV2" + variant).Parameters);

    [Fact]
    public void MobileNetV2_written_from_the_paper_table_matches_torchvision() =>
        Assert.Equal(TorchvisionReference.MobileNetV2, Network("mobilenet.effnet", "MobileNetV2W100").Parameters);

    [Fact]
    public void EfficientNetV2S_fused_stages_are_single_convs_at_e1_and_expand_otherwise()
    {
        var blocks = Network("efficientnet_v2.effnet", "EfficientNetV2S").AllBlocks();

        Assert.Equal((UnitKind.ConvNormAct, 24, 24, true), Shape(blocks[0]));            // 3x3 conv 24 -> 24, residual
        Assert.Equal((UnitKind.EdgeResidual, 96, 48, false), Shape(blocks[2]));            // 3x3 24 -> 96, 1x1 -> 48
        var firstMBConv = blocks.First(b => b.Kind == UnitKind.InvertedResidual);
        Assert.Equal((64, 256, 16, 128), (firstMBConv.InputChannels, firstMBConv.ExpandedChannels, firstMBConv.SqueezeChannels(), firstMBConv.OutputChannels));
    }

    [Fact]
    public void EdgeTpu_first_stage_expands_from_its_forced_input_width_and_never_skips()
    {
        var small = Network("efficientnet_edgetpu.effnet", "EfficientNetEdgeTpuS").BlocksOf(0).Single();
        Assert.Equal((32, 96, 24, false), (small.InputChannels, small.ExpandedChannels, small.OutputChannels, small.Residual)); // 4 × 24, not 4 × 32

        // L (width 1.2, depth 1.4): two repeats, both expanding from round(24 × 1.2) = 32, the second without a skip.
        var large = Network("efficientnet_edgetpu.effnet", "EfficientNetEdgeTpuL").BlocksOf(0);
        Assert.Equal(new[] { (40, 128, 32), (32, 128, 32) }, large.Select(b => (b.InputChannels, b.ExpandedChannels, b.OutputChannels)));
        Assert.False(large[1].Residual);
    }

    [Fact]
    public void Lite_keeps_stem_head_and_first_and_last_stage_depth_fixed()
    {
        var lite4 = Network("efficientnet_lite.effnet", "EfficientNetLite4");

        Assert.Equal(32, lite4.Plan.Stem.OutputChannels);
        Assert.Equal(1280, lite4.Plan.Head!.OutputChannels);
        Assert.Equal(new[] { 1, 4, 4, 6, 6, 8, 1 }, lite4.Stages.Select(s => s.Repeats)); // depth 1.8 except first and last
        Assert.All(lite4.AllBlocks(), b => Assert.Null(b.Squeeze));
    }

    [Fact]
    public void The_TF_family_uses_same_padding_and_tf_batchnorm_epsilon()
    {
        var b3 = Network("tf_efficientnet.effnet", "TfEfficientNetB3");
        Assert.Equal(Padding.Same, b3.Plan.Padding);
        Assert.Equal(new NormSettings(1e-3, 0.1), b3.Plan.Norm);
        Assert.Equal(("tf_efficientnet_b3", 0.904), (b3.ModelName, b3.Preprocess.CropPct));
    }

    private static (UnitKind, int, int, bool) Shape(PlanUnit b) => (b.Kind, b.ExpandedChannels, b.OutputChannels, b.Residual);
}
