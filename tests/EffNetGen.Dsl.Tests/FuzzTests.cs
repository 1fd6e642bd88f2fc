using System;
using System.Linq;
using CsCheck;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

/// <summary>
/// Property tests over hostile specs (<see cref="SpecFuzz"/>), with a fixed seed and a bounded count so CI stays fast;
/// the long campaign is <c>dotnet run -c Release --project bench/EffNetGen.Benchmarks -- fuzz</c>.
/// </summary>
public class FuzzTests
{
    [Fact]
    public void Any_text_compiles_to_networks_or_diagnostics_whose_spans_lie_inside_it() =>
        SpecFuzz.Inputs.Sample(text =>
        {
            var compilation = SpecCompiler.Compile(text);
            AssertSpansInside(text, compilation);
            Assert.True(compilation.Succeeded || compilation.Diagnostics.Any(d => d.Severity == Severity.Error));
        }, iter: 3000, seed: "0N0XIzNsQ0O2", threads: 1);

    [Fact]
    public void Mutations_of_the_shipped_specs_compile_or_are_rejected_with_spans_inside() =>
        SpecFuzz.Mutations.Sample(text => AssertSpansInside(text, SpecCompiler.Compile(text)), iter: 2000, seed: "4z5yPjOSlLB1", threads: 1);

    [Fact]
    public void Issue_21s_attack_shapes_compile_or_are_rejected_with_spans_inside() =>
        AttackSpecs.All.Sample(text =>
        {
            var compilation = SpecCompiler.Compile(text);
            AssertSpansInside(text, compilation);
            Assert.True(compilation.Succeeded || compilation.Diagnostics.Any(d => d.Severity == Severity.Error));
        }, iter: 300, seed: "5kq2N0wQbZ21", threads: 1);

    [Fact]
    public void Compiling_the_same_text_twice_gives_equal_results() =>
        SpecFuzz.Mutations.Sample(text => Assert.Equal(SpecCompiler.Compile(text), SpecCompiler.Compile(text)), iter: 300, seed: "1DLcqTtUXsB2", threads: 1);

    [Theory]
    [InlineData("line")]     // one 1 MB line
    [InlineData("comment")]  // a 1 MB comment
    [InlineData("specs")]    // the shipped specs repeated to 1 MB
    [InlineData("statements")]
    [InlineData("blocks")]
    [InlineData("nesting")]  // 1 MB of '{'
    public void A_1_MB_spec_is_compiled_or_rejected_without_an_exception(string kind)
    {
        var text = SpecFuzz.Large(kind);

        var compilation = SpecCompiler.Compile(text);

        AssertSpansInside(text, compilation);
    }

    private static void AssertSpansInside(string text, SpecCompilation compilation)
    {
        var lines = text.Split('\n').Length + text.Count(c => c == '\r');
        foreach (var d in compilation.Diagnostics)
        {
            var s = d.Span;
            Assert.True(s.Start >= 0 && s.Length >= 0 && s.Start + s.Length <= text.Length, $"{d.Id} span {s.Start}+{s.Length} outside a {text.Length}-char text");
            Assert.True(s.Line >= 1 && s.Column >= 1 && s.Line <= lines && s.EndLine >= s.Line, $"{d.Id} at ({s.Line},{s.Column})-({s.EndLine},{s.EndColumn}) in {lines} lines");
            Assert.False(string.IsNullOrWhiteSpace(d.Message));
        }
    }
}
