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
            .WithArguments("activation", "sillu", " in 'stem' (did you mean 'silu'?); expected one of: silu, relu, relu6, hswish, gelu"));

    [Fact]
    public Task Several_problems_are_all_reported() => Verify(
        Valid.Replace("resolution 32 }", "resolution 0 dropout 1.5 }"),
        new DiagnosticResult("EFF0005", DiagnosticSeverity.Error).WithSpan(Path, 5, 35, 5, 47)
            .WithArguments("input resolution 'resolution' in variant 'A'", "must be a whole number ≥ 1, got 0"),
        new DiagnosticResult("EFF0005", DiagnosticSeverity.Error).WithSpan(Path, 5, 48, 5, 59)
            .WithArguments("classifier dropout 'dropout' in variant 'A'", "must be in [0, 1), got 1.5"));

    private static Task Verify(string spec, params DiagnosticResult[] expected)
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
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
