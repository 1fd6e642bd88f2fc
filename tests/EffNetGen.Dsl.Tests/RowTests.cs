using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

/// <summary>Stages of several rows (<c>then</c>): what a row takes from the one above, and what it is told when that does not fit.</summary>
public class RowTests
{
    private static SpecCompilation Compile(string rows) =>
        SpecCompiler.Compile(SampleSpecs.Minimal.Replace("  stage mbconv k3 s1 e1 c16 r1 se0.25\n", rows), includeOptIn: true);

    [Fact]
    public void A_row_of_the_same_type_takes_kernel_expansion_and_SE_from_the_one_above()
    {
        var network = Compile("  stage mbconv k5 s2 e6 c24 r1 se0.25  act relu\n  then mbconv e3 r2\n").Networks.Single();

        var blocks = network.Plan.Blocks(1).ToList();
        Assert.Equal(new[] { 5, 5, 5 }, blocks.Select(b => b.Spatial.Kernel));
        Assert.Equal(new[] { 192, 72, 72 }, blocks.Select(b => b.ExpandedChannels));        // the stem's 32 × 6, then 24 × 3
        Assert.All(blocks, b => Assert.Equal(Architecture.Activation.ReLU, b.Spatial.Activation));
        Assert.All(blocks, b => Assert.NotNull(b.Squeeze));
    }

    [Fact]
    public void A_row_of_another_type_takes_only_channels_and_activation()
    {
        var result = Compile("  stage mbconv k3.5 s2 e6 c24 r1 se0.25  act relu\n  then fused k3 e1\n");

        Assert.Empty(result.Diagnostics);
        var conv = result.Networks.Single().Plan.Blocks(1).Last();
        Assert.Equal((Architecture.UnitKind.ConvNormAct, 24, false, Architecture.Activation.ReLU), (conv.Kind, conv.OutputChannels, conv.Spatial.IsMixed, conv.Spatial.Activation));
    }

    [Fact]
    public void An_option_taken_from_the_row_above_that_does_not_fit_is_reported_on_the_row()
    {
        var result = Compile("  stage fused k3 s2 e4 c24 r1 se0.25\n  then fused e1\n");

        var error = Assert.Single(result.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal(("EFF0005", 4, 3), (error.Id, error.Span.Line, error.Span.Column));
        Assert.Contains("'se' taken from the row above", error.Message);
    }

    [Fact]
    public void A_then_row_needs_a_stage_row_and_a_kernel_when_it_changes_type()
    {
        Assert.Contains(Compile("  then mbconv k3 e1 c16 r1\n").Diagnostics, d => d.Id == "EFF0004" && d.Message.Contains("'stage' row before this 'then' row"));
        Assert.Contains(Compile("  stage uir a3 k0 s1 e2 c16 r1\n  then mbconv e4\n").Diagnostics, d => d.Id == "EFF0004" && d.Message.Contains("kernel size 'k'"));
    }

    [Fact]
    public void Remarks_and_warnings_point_at_the_rows_that_say_so()
    {
        var result = Compile("  stage mbconv k3 s2 e6 c30 r1 skip on\n  then mbconv e3\n");

        // EFF0105 on the row that wrote c30, not on the row that took it; the stage's 'skip on' applies to its 'then'
        // row too, whose blocks keep their width: no EFF0007.
        Assert.Equal(new[] { 3 }, result.Diagnostics.Where(d => d.Id == "EFF0105").Select(d => d.Span.Line));
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "EFF0007");
    }
}
