using System.Linq;
using EffNetGen.Dsl.Model;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

public class ResolverTests
{
    // Expected values worked out by hand from the paper's rules (channels: make_divisible(c·w, 8), never
    // below 90%; repeats: ceil(r·d)) and cross-checked with torchvision's efficientnet_b* module shapes.
    // Channels: stem, stages 1–7, head.
    [Theory]
    [InlineData("B0", new[] { 32, 16, 24, 40, 80, 112, 192, 320, 1280 }, new[] { 1, 2, 2, 3, 3, 4, 1 })]
    [InlineData("B1", new[] { 32, 16, 24, 40, 80, 112, 192, 320, 1280 }, new[] { 2, 3, 3, 4, 4, 5, 2 })]
    [InlineData("B2", new[] { 32, 16, 24, 48, 88, 120, 208, 352, 1408 }, new[] { 2, 3, 3, 4, 4, 5, 2 })]
    [InlineData("B3", new[] { 40, 24, 32, 48, 96, 136, 232, 384, 1536 }, new[] { 2, 3, 3, 5, 5, 6, 2 })]
    [InlineData("B4", new[] { 48, 24, 32, 56, 112, 160, 272, 448, 1792 }, new[] { 2, 4, 4, 6, 6, 8, 2 })]
    [InlineData("B5", new[] { 48, 24, 40, 64, 128, 176, 304, 512, 2048 }, new[] { 3, 5, 5, 7, 7, 9, 3 })]
    [InlineData("B6", new[] { 56, 32, 40, 72, 144, 200, 344, 576, 2304 }, new[] { 3, 6, 6, 8, 8, 11, 3 })]
    [InlineData("B7", new[] { 64, 32, 48, 80, 160, 224, 384, 640, 2560 }, new[] { 4, 7, 7, 10, 10, 13, 4 })]
    public void Channels_and_repeats_match_the_reference_rounding(string variant, int[] channels, int[] repeats)
    {
        var network = Specs.Variant(variant);

        var resolved = new[] { network.Plan.Stem.OutputChannels }
            .Concat(network.Stages.Select(s => s.Channels))
            .Concat(new[] { network.Plan.Head!.OutputChannels });
        Assert.Equal(channels, resolved);
        Assert.Equal(repeats, network.Stages.Select(s => network.Blocks(s).Count()));
    }

    [Theory]
    [MemberData(nameof(TorchvisionReference.ParameterCounts), MemberType = typeof(TorchvisionReference))]
    public void Analytic_parameter_count_matches_torchvision(string variant, long parameters) =>
        Assert.Equal(parameters, Specs.Variant(variant).Parameters);

    [Theory]
    [MemberData(nameof(TorchvisionReference.GigaMacs), MemberType = typeof(TorchvisionReference))]
    public void Macs_match_torchvision_within_rounding(string variant, double gmacs) =>
        Assert.Equal(gmacs, Specs.Variant(variant).Macs / 1e9, precision: 3);

    [Fact]
    public void B0_blocks_have_the_reference_expansion_squeeze_stride_and_skip()
    {
        var blocks = Specs.Variant("B0").AllBlocks();

        Assert.Equal(16, blocks.Count);
        // Stage 1: expansion 1 means no 1x1 expansion conv; SE squeezes the block input (32) by 4.
        Assert.Equal((32, 32, 8, 16, 1, false), Shape(blocks[0]));
        Assert.Equal(UnitKind.DepthwiseSeparable, blocks[0].Kind); // timm's ds
        Assert.Equal(UnitKind.InvertedResidual, blocks[1].Kind);
        // Stage 2: the first block downsamples, the second is residual.
        Assert.Equal((16, 96, 4, 24, 2, false), Shape(blocks[1]));
        Assert.Equal((24, 144, 6, 24, 1, true), Shape(blocks[2]));
        // Last stage: 192 -> 1152 -> 320.
        Assert.Equal((192, 1152, 48, 320, 1, false), Shape(blocks[15]));
        // Feature maps: 224 -> 112 (stem) -> ... -> 7.
        Assert.Equal((112, 112), (blocks[0].InputSize, blocks[0].OutputSize));
        Assert.Equal(7, blocks[15].OutputSize);
    }

    [Fact]
    public void Stochastic_depth_grows_linearly_over_all_blocks_as_in_torchvision()
    {
        var blocks = Specs.Variant("B0").AllBlocks();
        Assert.Equal(0.0, blocks[0].DropPath!.Value.Rate(0.2));
        Assert.Equal(0.2 * 3 / 16, blocks[3].DropPath!.Value.Rate(0.2));
        Assert.Equal(0.2 * 15 / 16, blocks[15].DropPath!.Value.Rate(0.2));
    }

    [Fact]
    public void Variants_carry_their_own_batchnorm_settings()
    {
        Assert.Equal(new NormSettings(1e-5, 0.1), Specs.Variant("B4").Plan.Norm);
        Assert.Equal(new NormSettings(1e-3, 0.01), Specs.Variant("B5").Plan.Norm);
        Assert.Equal(new NormSettings(1e-3, 0.01), Specs.Variant("B7").Plan.Norm);
    }

    [Theory]
    [InlineData(35.2, 32)]   // rounds down, within 10%
    [InlineData(19.2, 24)]   // 16 would lose more than 10%: bumped up (B3, stage 1)
    [InlineData(4.0, 8)]     // never below the divisor
    [InlineData(1408.0, 1408)]
    public void Channel_rounding_follows_make_divisible(double channels, int expected) =>
        Assert.Equal(expected, Rounding.RoundChannels(channels, 8));

    [Theory]
    [InlineData(3, 1.1, DepthRounding.Ceil, 4)]   // 3.3000000000000003
    [InlineData(2, 1.2, DepthRounding.Ceil, 3)]
    [InlineData(5, 0.5, DepthRounding.Round, 2)]  // 2.5 rounds half to even, like Python's round()
    [InlineData(7, 0.5, DepthRounding.Round, 4)]
    public void Repeat_rounding(int repeats, double depth, DepthRounding mode, int expected) =>
        Assert.Equal(new[] { expected }, Rounding.ScaleRepeats(new[] { repeats }, depth, mode));

    // timm's _scale_stage_depth on stages of several rows, worked by hand: the total is scaled, then shared out from
    // the last row back, at least one each (MobileNetV3-Large's stage 4 is 1 + 1 + 2 rows).
    [Theory]
    [InlineData(new[] { 1, 1, 2 }, 1.0, DepthRounding.Ceil, new[] { 1, 1, 2 })]
    [InlineData(new[] { 1, 1, 2 }, 1.5, DepthRounding.Ceil, new[] { 1, 2, 3 })] // 6: 2/4·6 = 3, 1/2·3 = 1.5 → 2, then 1
    [InlineData(new[] { 1, 3 }, 1.2, DepthRounding.Round, new[] { 1, 4 })]      // round(4.8) = 5: 3/4·5 = 3.75 → 4, then 1
    [InlineData(new[] { 1, 1 }, 0.5, DepthRounding.Round, new[] { 1, 1 })]      // max(1, round(1)) = 1 total, but each row keeps one
    public void Repeats_are_shared_out_over_a_stages_rows_as_timm_does(int[] repeats, double depth, DepthRounding mode, int[] expected) =>
        Assert.Equal(expected, Rounding.ScaleRepeats(repeats, depth, mode));

    [Fact]
    public void Resolved_networks_are_value_equal_across_compilations()
    {
        var again = SpecCompiler.Compile(Specs.Read("efficientnet.effnet"));
        Assert.Equal(Specs.EfficientNet, again);
        Assert.Equal(Specs.EfficientNet.GetHashCode(), again.GetHashCode());
    }

    private static (int, int, int, int, int, bool) Shape(PlanUnit b) =>
        (b.InputChannels, b.ExpandedChannels, b.SqueezeChannels(), b.OutputChannels, b.Spatial.Stride, b.Residual);
}
