using System.Linq;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

/// <summary>The reference behaviours that differ subtly between implementations, each expressible in the DSL.</summary>
public class ConventionTests
{
    private static SpecCompilation Compile(string from, string to) => SpecCompiler.Compile(SampleSpecs.Minimal.Replace(from, to));

    /// <summary>The first block of the minimal spec with <paramref name="defaults"/> added and text replaced.</summary>
    private static PlanUnit FirstBlock(string defaults, params (string From, string To)[] edits)
    {
        var spec = edits.Aggregate(SampleSpecs.Minimal, (text, edit) => text.Replace(edit.From, edit.To))
            .Replace("family F {", "family F {\n  " + defaults);
        var compilation = SpecCompiler.Compile(spec);
        Assert.Empty(compilation.Diagnostics);
        return compilation.Networks.Single().BlocksOf(0)[0];
    }

    private static readonly (string, string) Input22 = ("stem  conv   k3 s2 c32", "stem  conv   k3 s2 c22 fixed on");

    // An SE on a 22-channel input: torchvision's 22 // 4 = 5, timm's round(22 × 0.25) = round(5.5) = 6 (half to even).
    [Theory]
    [InlineData("", 5)]
    [InlineData("defaults { se_round round }", 6)]
    public void Squeeze_width_follows_the_declared_rounding(string defaults, int squeeze) =>
        Assert.Equal(squeeze, FirstBlock(defaults, Input22).SqueezeChannels());

    [Fact]
    public void Squeeze_width_can_derive_from_the_expanded_width() =>
        // 32 channels × e5 = 160 expanded; 160 × 0.25 = 40 (from the input it would be 8).
        Assert.Equal(40, FirstBlock("defaults { se_base expanded }", ("e1 c16", "e5 c16")).SqueezeChannels());

    [Theory]
    [InlineData("", Gate.Sigmoid)]
    [InlineData("defaults { se_gate hardsigmoid }", Gate.HardSigmoid)] // MobileNetV3
    public void The_squeeze_excitation_gate_is_the_declared_one(string defaults, Gate gate) =>
        Assert.Equal(gate, FirstBlock(defaults).Squeeze!.Gate);

    [Theory]
    [InlineData("", 40)]                                  // to a multiple of 8: make_divisible(12 × 3 = 36) = 40
    [InlineData("defaults { expand_round nearest }", 36)] // MobileNetV2: round(12 × 3)
    public void Expansion_width_follows_the_declared_rounding(string defaults, int expanded) =>
        Assert.Equal(expanded, FirstBlock(defaults, ("stem  conv   k3 s2 c32", "stem  conv   k3 s2 c12 fixed on"), ("e1 c16", "e3 c16")).ExpandedChannels);

    [Fact]
    public void Head_width_can_be_a_multiple_of_the_last_stage_or_absent()
    {
        var times = Compile("head  conv   k1 c64", "head  conv   k1 times 4").Networks.Single();
        Assert.Equal(64, times.Plan.Head!.OutputChannels); // 4 × 16

        var none = Compile("head  conv   k1 c64", "head  none").Networks.Single();
        Assert.Null(none.Plan.Head);
        Assert.Equal(16, none.Plan.FeatureChannels);
        Assert.Equal(times.Parameters - ((16 * 64) + (2 * 64)) - (64 * 1000) + (16 * 1000), none.Parameters);
    }

    [Fact]
    public void Phi_scales_width_depth_and_resolution_and_reports_the_flops_ratios()
    {
        var network = Compile("variant A { width 1.0 depth 1.0 resolution 32 }", "variant A { phi 1 }").Networks.Single();

        Assert.Equal((1.1, 1.2, 256), (network.Width, network.Depth, network.Resolution)); // 224 × 1.15 = 257.6 → 256
        Assert.Equal(1.2 * 1.1 * 1.1 * 1.15 * 1.15, network.RequestedFlopsRatio!.Value, precision: 12);
        Assert.InRange(network.RealisedFlopsRatio!.Value, 1.0, 3.0);
    }

    [Fact]
    public void Explicit_multipliers_win_over_phi()
    {
        var network = Compile("variant A { width 1.0 depth 1.0 resolution 32 }", "variant A { phi 2  width 1.0  resolution 64 }").Networks.Single();
        Assert.Equal((1.0, 1.44, 64), (network.Width, network.Depth, network.Resolution));
    }

    [Theory]
    [InlineData("k3 s1 e1 c16", "k3 s1 e1 c16 fc8", "forced input channels only apply to 'edge' blocks")]
    [InlineData("stage mbconv k3 s1 e1", "stage dsconv k3 s1 e2", "a 'dsconv' block has no expansion")]
    [InlineData("stage mbconv k3 s1 e1 c16 r1 se0.25", "stage fused k3 s1 e1 c16 r1 se0.25", "has no squeeze-excitation")]
    [InlineData("head  conv   k1 c64", "head  conv   k1 c64 times 4", "either channels 'c' or 'times'")]
    [InlineData("head  conv   k1 c64", "head  none k1", "Unknown option 'k' in 'head'")]
    [InlineData("stage mbconv", "stage mbconf", "did you mean 'mbconv'?")]
    public void Misused_options_are_errors(string from, string to, string message) =>
        Assert.Contains(Compile(from, to).Diagnostics, d => d.Message.Contains(message));

    [Fact]
    public void Layers_inside_a_settings_block_are_errors()
    {
        var result = SpecCompiler.Compile(SampleSpecs.Minimal.Replace("family F {", "family F {\n  scaling {\n    stage mbconv k3 s1 c8 r1\n  }"));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains("'stage' statement in 'scaling'") && d.Span.Line == 3);
    }

    [Fact]
    public void A_variant_can_bring_its_own_stage_table()
    {
        var result = SpecCompiler.Compile(SampleSpecs.Minimal.Replace(
            "variant A { width 1.0 depth 1.0 resolution 32 }",
            "variant A { width 1.0 depth 1.0 resolution 32 }\n  variant B {\n    resolution 64\n    stage fused k3 s2 e4 c24 r2\n  }"));

        Assert.Empty(result.Diagnostics);
        var b = result.Networks.Single(n => n.Variant == "B");
        Assert.Equal((UnitKind.EdgeResidual, 2, 24), (b.BlocksOf(0)[0].Kind, b.Stages.Single().Repeats, b.Stages.Single().Channels));
        Assert.Equal(16, result.Networks.Single(n => n.Variant == "A").Stages.Single().Channels);
    }
}
