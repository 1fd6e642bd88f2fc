using System.Linq;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

public class BinderTests
{
    private static SpecCompilation Compile(string from, string to) => SpecCompiler.Compile(SampleSpecs.Minimal.Replace(from, to));

    [Fact]
    public void A_minimal_valid_spec_compiles_without_diagnostics()
    {
        var result = SpecCompiler.Compile(SampleSpecs.Minimal);
        Assert.Empty(result.Diagnostics);
        Assert.Equal("FA", Assert.Single(result.Networks).ClassName);
    }

    [Theory]
    [InlineData("k3 s1 e1", "k4 s1 e1", "EFF0005", 3, 16, "kernel size 'k'")]
    [InlineData("k3 s1 e1", "k3 s3 e1", "EFF0005", 3, 19, "must be 1 or 2, got 3")]
    [InlineData("r1 se0.25", "r0 se0.25", "EFF0005", 3, 29, "repeats 'r'")]
    [InlineData("se0.25", "se1.5", "EFF0005", 3, 32, "must be in [0, 1] (0: none)")]
    [InlineData("c16 r1", "c16 rr1", "EFF0002", 3, 29, "Unknown option 'rr' in 'stage' (did you mean 'r'?)")]
    [InlineData("stage mbconv", "stage mbconvv", "EFF0002", 3, 9, "did you mean 'mbconv'?")]
    [InlineData("width 1.0", "widht 1.0", "EFF0002", 5, 15, "did you mean 'width'?")]
    [InlineData("width 1.0", "width 1.0 width 2.0", "EFF0003", 5, 25, "Duplicate option 'width'")]
    [InlineData("resolution 32", "resolution 32.5", "EFF0005", 5, 35, "whole number")]
    [InlineData("width 1.0", "width 0", "EFF0005", 5, 15, "must be > 0")]
    [InlineData("width 1.0", "width 1e309", "EFF0005", 5, 15, "not a finite number")]
    [InlineData("c32", "c32 act hswsh", "EFF0002", 2, 30, "did you mean 'hswish'?")]
    [InlineData("family F", "family class", "EFF0006", 1, 8, "reserved C# keyword")]
    [InlineData("head  conv   k1 c64", "", "EFF0004", 5, 11, "Missing 'head' statement in variant 'A' or its family")]
    [InlineData("k3 s1 e1 c16", "k3 s1 e1", "EFF0004", 3, 3, "Missing output channels 'c'")]
    public void Invalid_values_are_reported_at_their_position(string from, string to, string id, int line, int column, string message)
    {
        var result = Compile(from, to);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.Id == id && d.Span.Line == line && d.Span.Column == column && d.Message.Contains(message));
    }

    // Issue 21, D11: a class named like a member every generated class declares failed with CS0542, and `effnet check`
    // said "ok"; 17 of 17 names were affected.
    [Theory]
    [InlineData("Mac", "s")]
    [InlineData("Wid", "th")]
    [InlineData("Train", "ing")]
    [InlineData("Preprocess", "Settings")]
    [InlineData("get_", "Blueprint")]
    public void A_variant_class_named_like_a_generated_member_is_refused(string family, string variant)
    {
        var result = SpecCompiler.Compile(SampleSpecs.Minimal.Replace("family F", $"family {family}").Replace("variant A", $"variant {variant}"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("EFF0006", 5, 11), (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column));
        Assert.Equal($"'{family}{variant}' cannot be used as a generated type name: every generated class declares a member of that name, and a class cannot (CS0542)", diagnostic.Message);
        Assert.Empty(result.Networks);
    }

    // Issue 21, D14: a type's full name over 1,023 UTF-8 bytes failed to compile with CS7013 (seen only as MSB6006).
    [Theory]
    [InlineData("b", 509, null)]      // F, A and 509 'b': 511 bytes, the most a class name may have
    [InlineData("b", 1_099, "1,101")]
    [InlineData("Ω", 300, "602")]     // two bytes a letter in UTF-8
    public void A_class_name_over_half_the_metadata_limit_is_refused_at_the_variant_name(string letter, int count, string? bytes)
    {
        var result = SpecCompiler.Compile(SampleSpecs.Minimal.Replace("variant A", "variant A" + string.Concat(System.Linq.Enumerable.Repeat(letter, count))));

        if (bytes is null)
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
            return;
        }
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("EFF0006", 5, 11), (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column));
        Assert.EndsWith($"it is {bytes} bytes long in UTF-8; a generated class name may have at most 511, " +
            "so that a type's full name stays within C#'s limit of 1,023 for metadata names (CS7013)", diagnostic.Message);
    }

    [Fact]
    public void A_spec_namespace_over_half_the_metadata_limit_is_refused_at_the_namespace()
    {
        var result = SpecCompiler.Compile(SampleSpecs.Minimal.Replace("family F {", "family F {\n  namespace N." + new string('n', 510)));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("EFF0006", 2, 13), (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column));
        Assert.EndsWith("it is 512 bytes long in UTF-8; a namespace of generated classes may have at most 511, " +
            "so that a type's full name stays within C#'s limit of 1,023 for metadata names (CS7013)", diagnostic.Message);
    }

    [Fact]
    public void A_spec_namespace_of_EffNetGens_own_is_refused()
    {
        // Issue 21, D13: in EffNetGen.Runtime, family Model's variant Options would be EffNetGen.Runtime.ModelOptions.
        var result = SpecCompiler.Compile(SampleSpecs.Minimal.Replace("family F {", "family F {\n  namespace EffNetGen.Runtime"));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("EFF0006", diagnostic.Id);
        Assert.Contains("one of EffNetGen's own namespaces", diagnostic.Message);
    }

    [Fact]
    public void Swish_is_an_alias_of_silu()
    {
        var result = Compile("c32", "c32 act swish");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(Activation.SiLU, result.Networks.Single().Plan.Stem.Spatial.Activation);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var result = Compile("k3 s1 e1 c16 r1 se0.25", "k2 s5 e0 c0 r0 se2");
        Assert.Equal(6, result.Diagnostics.Count(d => d.Id == "EFF0005"));
        Assert.Empty(result.Networks);
    }

    [Fact]
    public void Duplicate_variants_and_families_are_errors()
    {
        var twice = SpecCompiler.Compile(SampleSpecs.Minimal + "\n" + SampleSpecs.Minimal);
        Assert.Contains(twice.Diagnostics, d => d.Id == "EFF0003" && d.Message == "Duplicate family 'F'" && d.Span.Line == 7);

        var variants = Compile("variant A { width 1.0 depth 1.0 resolution 32 }", "variant A { }\n  variant A { }");
        Assert.Contains(variants.Diagnostics, d => d.Id == "EFF0003" && d.Message.StartsWith("Duplicate variant 'A'") && d.Span.Line == 6);
    }
}
