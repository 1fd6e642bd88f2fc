using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Dsl.Tests;

/// <summary>Budgets, contracts and the checks that need resolved numbers (EFF0006–EFF0009, EFF0101–EFF0103).</summary>
public class ValidationTests
{
    private const string Variant = "variant A { width 1.0 depth 1.0 resolution 32 }";

    private static SpecCompilation Compile(string from, string to, Budget? budget = null, bool includeOptIn = false) =>
        SpecCompiler.Compile(SampleSpecs.Minimal.Replace(from, to), budget, includeOptIn);

    private static void AssertSingle(SpecCompilation result, string id, int line, int column, string message)
    {
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((id, line, column), (diagnostic.Id, diagnostic.Span.Line, diagnostic.Span.Column));
        Assert.Contains(message, diagnostic.Message);
    }

    [Theory]
    [InlineData("depth 1.0", "depth 1e9", "resolves to 1,000,000,000 blocks, over the budget of 10,000 (EffNetGenMaxBlocks)")]
    [InlineData("width 1.0", "width 100000", "channels; at most 1,000,000 are supported")]
    [InlineData("resolution 32", "resolution 1000000", "resolution 1,000,000 is above the supported 65,536")]
    public void Oversized_variants_are_rejected_before_anything_is_resolved(string from, string to, string message)
    {
        var result = Compile(from, to);

        AssertSingle(result, "EFF0009", 5, 3, message);
        Assert.Empty(result.Networks);
    }

    // Found by the fuzz campaign (divisor 8e6 threw OverflowException while summing MACs). Before they were bounded,
    // the others wrapped silently: counts of wrapped 64-bit products, or a wrapped rounding that accepted the variant.
    [Theory]
    [InlineData("resolution 32 }", "resolution 32 }\n  variant B { width 5000  resolution 65536 }", "'B' is too large to count: up to 2.4E22 multiply-accumulates")]
    [InlineData("family F {", "family F {\n  scaling { divisor 8e6 }", "'A' resolves to layers of up to 16,000,000 channels")]
    [InlineData("family F {", "family F {\n  scaling { divisor 2000000000 }", "'A' resolves to layers of up to 4,000,000,000 channels")]
    [InlineData("family F {", "family F {\n  scaling { min 2000000 }", "'A' resolves to layers of up to 2,000,008 channels")]
    public void Variants_whose_counts_or_rounding_would_overflow_are_rejected(string from, string to, string message)
    {
        var result = Compile(from, to);

        AssertSingle(result, "EFF0009", 6, 3, message);
    }

    [Fact]
    public void A_total_stride_beyond_any_integer_is_reported_not_a_crash()
    {
        // Issue 21, D3: a stride-2 stem and 31 stride-2 stages made the total stride an int overflowing to 0, and the
        // resolution check divided by it (DivideByZeroException; EFF0099 in the generator).
        var stages = string.Concat(Enumerable.Repeat("  stage mbconv k3 s2 e1 c16 r1\n", 31));

        var result = Compile("  stage mbconv k3 s1 e1 c16 r1 se0.25\n", stages, includeOptIn: true);

        Assert.Single(result.Networks);
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == DiagnosticCatalog.ResolutionStride.Id);
        Assert.Contains("not a multiple of the network's total stride 4294967296", diagnostic.Message);
    }

    [Fact]
    public void The_parameter_budget_is_configurable()
    {
        var result = SpecCompiler.Compile(Specs.Read("efficientnet.effnet"), Budget.Default with { MaxParameters = 10_000_000 });

        Assert.Equal(new[] { "B0", "B1", "B2" }, result.Networks.Select(n => n.Variant));
        Assert.Contains(result.Diagnostics, d => d.Id == "EFF0009" && d.Message == "Variant 'B3' has 12,233,232 parameters, over the budget of 10,000,000 (EffNetGenMaxParameters)");
    }

    /// <summary>
    /// Issue 21, D16: 10⁶ variants kept <c>effnet check</c> busy for 122 s (10,000 generated 73 MB of C#). The file is
    /// refused from a count of its variant statements, before it is parsed: allocating less than the text's own size
    /// bounds that work (parsing allocates hundreds of bytes a character).
    /// </summary>
    [Fact]
    public void A_file_of_a_million_variants_is_refused_at_the_first_one_over_the_budget_without_parsing_D16()
    {
        var variants = string.Concat(Enumerable.Range(0, 1_000_000).Select(i => $"  variant V{i} {{ width 1.0 }}\n"));
        var text = SampleSpecs.Minimal.Replace("  variant A", variants + "  variant A");

        var before = System.GC.GetAllocatedBytesForCurrentThread();
        var result = SpecCompiler.Compile(text);
        var allocated = System.GC.GetAllocatedBytesForCurrentThread() - before;

        AssertSingle(result, "EFF0009", 1005, 3,
            "Variant 'V1000' is over the budget of 1,000 variants in one spec file (EffNetGenMaxVariants): this file has 1,000,001");
        Assert.Equal("variant V1000", text.Substring(result.Diagnostics[0].Span.Start, result.Diagnostics[0].Span.Length));
        Assert.Empty(result.Networks);
        Assert.True(allocated < text.Length, $"refusing a {text.Length:N0}-character file allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Variants_up_to_the_budget_compile_and_variants_in_comments_are_not_counted()
    {
        var text = SampleSpecs.Minimal.Replace("  variant A", "  // variant C { }\n  /* variant D { } */\n  variant B { width 1.1 }\n  variant A");

        var result = SpecCompiler.Compile(text, Budget.Default with { MaxVariants = 2 });

        Assert.Equal(new[] { "B", "A" }, result.Networks.Select(n => n.Variant));
    }

    // The minimal spec, worked out by hand. Parameters: stem 3·32·9 + 2·32 = 928; block: depthwise 32·9 + 64 = 352,
    // SE 32·8 + 8 + 8·32 + 32 = 552, projection 32·16 + 32 = 544; head 16·64 + 128 = 1,152; classifier 64·1000 + 1000
    // = 65,000: 68,528. MACs at 32 px (16×16 after the stem): 221,184 + 73,728 + 512 + 131,072 + 262,144 + 64,000 = 752,640.
    [Theory]
    [InlineData("expect { params 68528 }")]          // exact
    [InlineData("expect { params 69K }")]            // 68.5K to 69.5K
    [InlineData("expect { params 68.5K±1% }")]
    [InlineData("expect { params 68.5K+-1%  macs 0.75M±1% }")]
    public void Contracts_that_hold_pass(string expect)
    {
        var result = Compile(Variant, Variant.Replace(" }", " " + expect + " }"));
        Assert.Empty(result.Diagnostics);
        Assert.Equal((68_528, 752_640), (result.Networks.Single().Parameters, result.Networks.Single().Macs));
    }

    [Theory]
    [InlineData("expect { params 68527 }", 58, "Variant 'A' has 68,528 parameters; the spec expects 68527")]
    [InlineData("expect { params 70K }", 58, "Variant 'A' has 68,528 parameters; the spec expects 70K (69,500 to 70,500)")]
    [InlineData("expect { macs 1G±5% }", 58, "Variant 'A' has 752,640 MACs; the spec expects 1G±5% (950,000,000 to 1,050,000,000)")]
    public void A_false_contract_is_an_error_naming_both_numbers(string expect, int column, string message)
    {
        var result = Compile(Variant, Variant.Replace(" }", " " + expect + " }"));

        AssertSingle(result, "EFF0008", 5, column, message);
        Assert.Empty(result.Networks);
    }

    [Theory]
    [InlineData("expect { params abc }", "expected a positive count")]
    [InlineData("expect { params 0 }", "expected a positive count")]
    [InlineData("expect { flops 1G }", "Unknown option 'flops'")]
    [InlineData("width 1.0M", "expected a plain number, got '1.0M'")]
    public void Malformed_contracts_and_misplaced_magnitudes_are_reported(string edit, string message)
    {
        var result = Compile(Variant, Variant.Replace("width 1.0", edit.StartsWith("width") ? edit : "width 1.0 " + edit));
        Assert.Contains(result.Diagnostics, d => d.Message.Contains(message));
    }

    [Fact]
    public void Asking_for_a_residual_that_can_never_apply_is_a_warning()
    {
        var result = Compile("stage mbconv k3 s1 e1 c16 r1 se0.25", "stage mbconv k3 s2 e1 c16 r1 se0.25 skip on");

        AssertSingle(result, "EFF0007", 3, 3, "Stage 1 asks for a residual connection ('skip on'), but none of its blocks");
        Assert.Single(result.Networks); // a warning: the code is still generated
    }

    [Fact]
    public void Scaling_constants_far_from_doubling_the_flops_are_a_warning() =>
        AssertSingle(Compile("family F {", "family F {\n  scaling { alpha 2 }"), "EFF0101", 2, 3, "alpha·beta²·gamma² = 3.2, not 2 within ±0.1");

    [Fact]
    public void A_phi_variant_with_another_resolution_is_a_warning() =>
        AssertSingle(Compile(Variant, "variant A { phi 1 resolution 240 }"), "EFF0102", 5, 21,
            "Variant 'A' declares phi 1 but resolution 240; the base resolution × gamma^phi rounded to 8 is 256");

    [Fact]
    public void A_resolution_the_total_stride_does_not_divide_is_an_opt_in_warning()
    {
        Assert.Empty(Compile("resolution 32", "resolution 33").Diagnostics);
        AssertSingle(Compile("resolution 32", "resolution 33", includeOptIn: true), "EFF0103", 5, 3,
            "Variant 'A' has resolution 33, not a multiple of the network's total stride 2");
    }

    [Theory]
    [InlineData("variant A { phi 1 width 1.2 }", 21, "width 1.2: the explicit value wins over the width phi gives, 1.1")]
    [InlineData("variant A { phi 2 depth 1 }", 21, "depth 1: the explicit value wins over the depth phi gives, 1.44")]
    public void An_explicit_multiplier_next_to_phi_is_a_warning(string variant, int column, string message)
    {
        var result = Compile(Variant, variant.Replace("}", "resolution 32 }"));
        var warning = Assert.Single(result.Diagnostics, d => d.Id == "EFF0104");
        Assert.Equal((Severity.Warning, 5, column), (warning.Severity, warning.Span.Line, warning.Span.Column));
        Assert.EndsWith(message, warning.Message);
        Assert.Single(result.Networks);
    }

    [Fact]
    public void A_baseline_width_the_divisor_changes_is_an_opt_in_remark()
    {
        var spec = SampleSpecs.Minimal.Replace("c16 r1", "c30 r1");
        Assert.Empty(SpecCompiler.Compile(spec).Diagnostics);

        var remark = Assert.Single(SpecCompiler.Compile(spec, includeOptIn: true).Diagnostics);
        Assert.Equal(("EFF0105", Severity.Info, 3, 3), (remark.Id, remark.Severity, remark.Span.Line, remark.Span.Column));
        Assert.Equal("'stage' row asks for 30 channels; rounded to a multiple of 8 the baseline has 32", remark.Message);
        Assert.True(SpecCompiler.Compile(spec, includeOptIn: true).Succeeded);
    }

    [Fact]
    public void A_variant_named_like_the_registry_is_an_error()
    {
        var spec = SampleSpecs.Minimal.Replace("family F {", "family EffNet {").Replace("variant A", "variant Models");
        AssertSingle(SpecCompiler.Compile(spec), "EFF0006", 5, 11, "'EffNetModels' cannot be used as a generated type name: the generated registry has that name");
    }

    [Fact]
    public void Ten_independent_errors_give_ten_diagnostics()
    {
        var spec = """
            family F {
              stem  conv   k4 s3 c0
              stage mbconv k2 s5 e0 c16 r0 se2 act swissh
              head  conv   k1 c64
              variant A { width 0 resolution 32 }
            }
            """;

        var result = SpecCompiler.Compile(spec);

        // k4, s3, c0 (stem); k2, s5, e0, r0, se2, swissh (stage); width 0 (variant).
        Assert.Equal(10, result.Diagnostics.Count);
        Assert.Equal(10, result.Diagnostics.Select(d => (d.Span.Line, d.Span.Column)).Distinct().Count());
    }
}
