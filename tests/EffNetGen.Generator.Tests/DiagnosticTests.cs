using System.Threading.Tasks;
using EffNetGen.Tests.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace EffNetGen.Generator.Tests;

/// <summary>Diagnostics located in the .effnet file, checked with Microsoft.CodeAnalysis.Testing.</summary>
public class DiagnosticTests
{
    private const string Path = "/0/model.effnet";

    private const string Valid = SampleSpecs.Minimal;

    [Fact]
    public Task A_syntax_error_is_reported_at_its_line_and_column() => Verify(
        Valid.Replace("stage mbconv", "stage: mbconv"),
        new DiagnosticResult("EFF0001", DiagnosticSeverity.Error)
            .WithSpan(Path, 3, 8, 3, 9)
            .WithArguments("unexpected ':'; expected layer type"));

    [Fact]
    public Task An_invalid_stride_is_reported_on_its_option() => Verify(
        Valid.Replace("k3 s1 e1", "k3 s3 e1"),
        new DiagnosticResult("EFF0005", DiagnosticSeverity.Error)
            .WithSpan(Path, 3, 19, 3, 21)
            .WithArguments("stride 's' in 'stage'", "must be 1 or 2, got 3"));

    [Fact]
    public Task An_unknown_activation_suggests_the_closest_one() => Verify(
        Valid.Replace("c32", "c32 act sillu"),
        new DiagnosticResult("EFF0002", DiagnosticSeverity.Error)
            .WithSpan(Path, 2, 30, 2, 35)
            .WithArguments("activation", "sillu", " in 'stem' (did you mean 'silu'?); expected one of: silu, swish, relu, relu6, hswish, gelu, sigmoid, leaky_relu, mish"));

    [Fact]
    public Task Several_problems_are_all_reported() => Verify(
        Valid.Replace("resolution 32 }", "resolution 0 dropout 1.5 }"),
        new DiagnosticResult("EFF0005", DiagnosticSeverity.Error).WithSpan(Path, 5, 35, 5, 47)
            .WithArguments("input resolution 'resolution' in variant 'A'", "must be a whole number ≥ 1, got 0"),
        new DiagnosticResult("EFF0005", DiagnosticSeverity.Error).WithSpan(Path, 5, 48, 5, 59)
            .WithArguments("classifier dropout 'dropout' in variant 'A'", "must be in [0, 1), got 1.5"));

    [Fact]
    public Task A_duplicate_option_is_reported_on_its_second_occurrence() => Verify(
        Valid.Replace("width 1.0", "width 1.0 width 2.0"),
        new DiagnosticResult("EFF0003", DiagnosticSeverity.Error).WithSpan(Path, 5, 25, 5, 30)
            .WithArguments("option", "width", " in variant 'A'"));

    [Fact]
    public Task A_missing_option_is_reported_on_its_statement() => Verify(
        Valid.Replace("e1 c16 r1", "e1 r1"),
        new DiagnosticResult("EFF0004", DiagnosticSeverity.Error).WithSpan(Path, 3, 3, 3, 34)
            .WithArguments("output channels 'c'", "'stage'"));

    [Fact]
    public Task A_keyword_as_a_type_name_is_reported_on_the_name() => Verify(
        Valid.Replace("family F {", "family class {"),
        new DiagnosticResult("EFF0006", DiagnosticSeverity.Error).WithSpan(Path, 1, 8, 1, 13)
            .WithArguments("class", "it is a reserved C# keyword"));

    [Fact]
    public Task A_residual_that_can_never_apply_is_a_warning_on_its_stage() => VerifyWithOutput(
        Valid.Replace("k3 s1 e1 c16 r1 se0.25", "k3 s2 e1 c16 r1 se0.25 skip on"),
        new DiagnosticResult("EFF0007", DiagnosticSeverity.Warning).WithSpan(Path, 3, 3, 3, 46)
            .WithArguments("1", "none of its blocks keeps stride 1 and the same width (its only block downsamples or changes channels)"));

    [Fact]
    public Task A_false_contract_is_reported_on_its_expectation() => Verify(
        Valid.Replace("resolution 32 }", "resolution 32 expect { params 70K } }"),
        new DiagnosticResult("EFF0008", DiagnosticSeverity.Error).WithSpan(Path, 5, 58, 5, 68)
            .WithArguments("A", "68,528", "parameters", "70K (69,500 to 70,500)"));

    [Fact]
    public Task A_variant_over_budget_is_reported_on_the_variant() => Verify(
        Valid.Replace("width 1.0", "width 100000"),
        new DiagnosticResult("EFF0009", DiagnosticSeverity.Error).WithSpan(Path, 5, 3, 5, 53)
            .WithArguments("A", "resolves to layers of up to 6,400,008 channels; at most 1,000,000 are supported"));

    [Fact]
    public Task A_file_of_more_variants_than_EffNetGenMaxVariants_is_reported_on_the_first_one_over() => Verify(
        Valid.Replace("  variant A", "  variant B { }\n  variant C { }\n  variant A"),
        "build_property.EffNetGenMaxVariants = 2\n",
        new DiagnosticResult("EFF0009", DiagnosticSeverity.Error).WithSpan(Path, 7, 3, 7, 12)
            .WithArguments("A", "is over the budget of 2 variants in one spec file (EffNetGenMaxVariants): this file has 3"));

    // Issue 21, D14: CS7013 (metadata name too long), which a build showed only as MSB6006.
    [Fact]
    public Task A_1100_character_variant_name_is_reported_on_the_name() => Verify(
        Valid.Replace("variant A", "variant " + new string('a', 1_100)),
        new DiagnosticResult("EFF0006", DiagnosticSeverity.Error).WithSpan(Path, 5, 11, 5, 1_111)
            .WithArguments("F" + new string('a', 1_100), "it is 1,101 bytes long in UTF-8; a generated class name may have at most 511, " +
                "so that a type's full name stays within C#'s limit of 1,023 for metadata names (CS7013)"));

    [Fact]
    public Task Scaling_constants_that_do_not_double_the_flops_are_a_warning() => VerifyWithOutput(
        Valid.Replace("family F {", "family F {\n  scaling { alpha 2 }"),
        new DiagnosticResult("EFF0101", DiagnosticSeverity.Warning).WithSpan(Path, 2, 3, 2, 10).WithArguments("3.2", "0.1"));

    [Fact]
    public Task A_phi_variant_with_another_resolution_is_a_warning_on_the_resolution() => VerifyWithOutput(
        Valid.Replace("width 1.0 depth 1.0 resolution 32", "phi 1 resolution 240"),
        new DiagnosticResult("EFF0102", DiagnosticSeverity.Warning).WithSpan(Path, 5, 21, 5, 35).WithArguments("A", "1", "240", "256"));

    [Fact]
    public Task The_stride_check_is_off_unless_a_project_enables_it_and_severities_are_configurable() => VerifyWithOutput(
        Valid.Replace("resolution 32", "resolution 33"),
        "dotnet_diagnostic.EFF0103.severity = error\n",
        new DiagnosticResult("EFF0103", DiagnosticSeverity.Error).WithSpan(Path, 5, 3, 5, 50).WithArguments("A", "33", "2"));

    [Fact]
    public Task An_error_can_be_downgraded_like_any_compiler_diagnostic() => Verify(
        Valid.Replace("k3 s1 e1", "k3 s3 e1"),
        "dotnet_diagnostic.EFF0005.severity = warning\n",
        new DiagnosticResult("EFF0005", DiagnosticSeverity.Warning).WithSpan(Path, 3, 19, 3, 21)
            .WithArguments("stride 's' in 'stage'", "must be 1 or 2, got 3"));

    [Fact]
    public void A_failure_inside_EffNetGen_becomes_EFF0099_at_the_start_of_the_spec()
    {
        // No spec text makes the DSL throw (that is the point); a null text, which Roslyn never passes,
        // reaches the safety net that turns an exception into a diagnostic instead of CS8785.
        var options = new EffNetGen.Generator.Models.GeneratorOptions("N", true, EffNetGen.Dsl.Resolution.Budget.Default);

        var result = SpecFileCompiler.Compile(new EffNetGen.Generator.Models.SpecFile("/p/x.effnet", null!), options, default);

        var diagnostic = Assert.Single(result.Diagnostics).ToDiagnostic();
        Assert.Equal(("EFF0099", DiagnosticSeverity.Error, 0, 0), (diagnostic.Id, diagnostic.Severity,
            diagnostic.Location.GetLineSpan().StartLinePosition.Line, diagnostic.Location.GetLineSpan().StartLinePosition.Character));
        Assert.StartsWith("EffNetGen failed to process this spec: NullReferenceException", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(result.Models);
    }

    /// <summary>For warnings: the spec still generates code, which these tests do not compile (no TorchSharp references).</summary>
    private static Task VerifyWithOutput(string spec, params DiagnosticResult[] expected) => VerifyWithOutput(spec, "", expected);

    private static Task VerifyWithOutput(string spec, string globalConfig, params DiagnosticResult[] expected) =>
        Run(spec, globalConfig, expected, compileGeneratedCode: false);

    private static Task Verify(string spec, params DiagnosticResult[] expected) => Verify(spec, "", expected);

    private static Task Verify(string spec, string globalConfig, params DiagnosticResult[] expected) =>
        Run(spec, globalConfig, expected, compileGeneratedCode: true);

    private static Task Run(string spec, string globalConfig, DiagnosticResult[] expected, bool compileGeneratedCode)
    {
        var test = new CSharpSourceGeneratorTest<EffNetGenerator, DefaultVerifier>
        {
            // No reference-assembly package: the testing library would download one at test time.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            TestState =
            {
                Sources = { "class Consumer { }" }, // the testing library requires one C# source
                AdditionalFiles = { (Path, spec) },
                MarkupHandling = MarkupMode.None,
            },
        };
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        if (globalConfig.Length > 0)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + globalConfig));
        }
        if (!compileGeneratedCode)
        {
            // The generated classes need TorchSharp; here only the spec diagnostics are under test.
            test.TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            test.CompilerDiagnostics = CompilerDiagnostics.None;
        }
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
