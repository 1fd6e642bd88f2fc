using System.Linq;
using CsCheck;
using EffNetGen.Tests.Shared;
using Microsoft.CodeAnalysis;

namespace EffNetGen.Generator.Tests;

/// <summary>
/// The generator over hostile specs (<see cref="SpecFuzz"/>, fixed seeds, bounded counts): it never throws (no
/// CS8785), and when it reports no error its output compiles. Spec text must not be able to inject C#.
/// </summary>
public class RobustnessTests
{
    [Fact]
    public void Hostile_specs_never_make_the_generator_throw_and_their_output_always_parses()
    {
        var accepted = 0;
        SpecFuzz.Inputs.Sample(text =>
        {
            var (result, output, errors) = Generate(text);
            Assert.Null(result.Exception);
            Assert.DoesNotContain(result.Diagnostics, d => d.Id is "CS8785" or "EFF0099");
            if (!errors)
            {
                accepted++;
                Assert.Empty(output.SyntaxTrees.SelectMany(t => t.GetDiagnostics()));
            }
        }, iter: 400, seed: "0pnwJRIUMs55", threads: 1);
        Assert.True(accepted > 20, $"only {accepted} of 400 inputs generated code"); // the check above must have run
    }

    [Fact]
    public void Issue_21s_attack_shapes_never_make_the_generator_throw_and_their_output_compiles()
    {
        var compiled = 0;
        AttackSpecs.All.Sample(text =>
        {
            var (result, output, errors) = Generate(text);
            Assert.Null(result.Exception);
            Assert.DoesNotContain(result.Diagnostics, d => d.Id is "CS8785" or "EFF0099");
            Assert.All(result.GeneratedSources, s => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(s.HintName), 1, EffNetGen.CodeGen.HintNames.MaxBytes));
            if (!errors)
            {
                compiled++;
                Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
            }
        }, iter: 60, seed: "2mJx81QpzE44", threads: 1);
        Assert.True(compiled > 3, $"only {compiled} of 60 attacks generated code");
    }

    [Fact]
    public void When_the_generator_reports_no_error_its_output_compiles_without_errors()
    {
        var compiled = 0;
        SpecFuzz.Mutations.Sample(text =>
        {
            var (_, output, errors) = Generate(text);
            if (!errors)
            {
                compiled++;
                Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
            }
        }, iter: 200, seed: "3pQ8c0HvlKB5", threads: 1);
        Assert.True(compiled > 10, $"only {compiled} of 200 mutations generated code");
    }

    // Names, comments and strings from a spec either become valid C# or are rejected; they never add code.
    [Theory]
    [InlineData("variant B0{}class X{} { width 1.0 depth 1.0 resolution 32 }")]
    [InlineData("variant @class { width 1.0 depth 1.0 resolution 32 }")]
    [InlineData("variant class { width 1.0 depth 1.0 resolution 32 }")]
    [InlineData("variant _ { width 1.0 depth 1.0 resolution 32 }")]
    [InlineData("variant Ωmega_é { width 1.0 depth 1.0 resolution 32 }")]
    [InlineData("variant A { width 1.0 depth 1.0 resolution 32 } /* */ class X { } /* */")]
    [InlineData("variant A { width 1.0 depth 1.0 resolution 32 } // */ class X { } -->")]
    [InlineData("variant A { width 1.0 depth 1.0 resolution 32 } # \"\n class X { }")]
    [InlineData("variant A\u2028class X { width 1.0 depth 1.0 resolution 32 }")]
    [InlineData("variant A { width 1.0 depth 1.0 resolution 32 }\nnaming { prefix \"x\";class X{} }")]
    [InlineData("variant A { width 1.0 depth 1.0 resolution 32 }\nnaming { prefix a*/b }")]
    public void Spec_text_cannot_inject_code(string variantLine)
    {
        var spec = SampleSpecs.Minimal.Replace("  variant A { width 1.0 depth 1.0 resolution 32 }", "  " + variantLine);
        Assert.NotEqual(SampleSpecs.Minimal, spec);

        AssertNoInjection(spec);
    }

    [Theory]
    [InlineData("namespace class")]
    [InlineData("namespace A.class.B")]
    [InlineData("namespace A;class X{}")]
    [InlineData("namespace global")]
    [InlineData("namespace System")]
    public void A_hostile_namespace_is_rejected_or_compiles(string statement) =>
        AssertNoInjection(SampleSpecs.Minimal.Replace("family F {", "family F {\n  " + statement));

    [Fact]
    public void A_very_long_name_is_rejected_or_compiles() =>
        AssertNoInjection(SampleSpecs.Minimal.Replace("variant A", "variant A" + new string('b', 2000)).Replace("family F", "family F" + new string('c', 2000)));

    /// <summary>
    /// Issue 21, D14: the hint name is the file name under <c>EmitCompilerGeneratedFiles</c>, and from 245 characters on
    /// the build failed with CS0016 (file names have at most 255 bytes). The model is emitted, not only compiled: CS7013
    /// (a metadata name too long) appears only then.
    /// </summary>
    [Theory]
    [InlineData("b", 300)]
    [InlineData("Ω", 250)] // 500 bytes in UTF-8
    public void A_long_variant_name_gets_a_short_unique_hint_name_and_emits(string letter, int count)
    {
        var name = string.Concat(Enumerable.Repeat(letter, count));
        var spec = SampleSpecs.Minimal.Replace("variant A {", $"variant {name}A {{").Replace("}\n}", "}\n  variant " + name + "B { width 1.0 depth 1.0 resolution 32 }\n}");
        var driver = GeneratorHarness.Driver(new InMemoryText("/specs/long.effnet", spec));

        driver = driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(), out var output, out var diagnostics);

        Assert.Empty(diagnostics);
        var hintNames = driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(3, hintNames.Distinct(System.StringComparer.OrdinalIgnoreCase).Count()); // two models and the registry
        Assert.All(hintNames, h => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(h), 1, 128));
        Assert.Contains(hintNames, h => h.StartsWith(GeneratorHarness.RootNamespace + ".F" + letter, System.StringComparison.Ordinal) && h.EndsWith(".g.cs", System.StringComparison.Ordinal));
        using var temp = new TempDirectory();
        Assert.All(hintNames, h => System.IO.File.WriteAllText(System.IO.Path.Combine(temp.Path, h), ""));
        Assert.NotNull(output.GetTypeByMetadataName($"{GeneratorHarness.RootNamespace}.F{name}A"));
        using var assembly = new System.IO.MemoryStream();
        var emitted = output.Emit(assembly);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
    }

    [Fact]
    public void User_types_named_like_the_plans_vocabulary_do_not_capture_the_generated_code()
    {
        // Types the generated classes name, declared by the user in the namespace they are generated into.
        var user = $"namespace {GeneratorHarness.RootNamespace} {{ class SiLU {{ }} class Activation {{ }} class NetworkPlan {{ }} class PlanBuilder {{ }} class Padding {{ }} class EffNetGen {{ }} class EffNetArch {{ }} }}";
        GeneratorHarness.Driver(new InMemoryText("/specs/minimal.effnet", SampleSpecs.Minimal))
            .RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(user), out var output, out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
    }

    private static void AssertNoInjection(string spec)
    {
        var (result, output, errors) = Generate(spec);

        Assert.Null(result.Exception);
        var declared = output.SyntaxTrees.SelectMany(t => t.GetRoot().DescendantNodes()).OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax>().Select(t => t.Identifier.ValueText);
        Assert.DoesNotContain("X", declared);
        if (!errors)
        {
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        }
    }

    private static (GeneratorRunResult Result, Compilation Output, bool Errors) Generate(string spec)
    {
        var driver = GeneratorHarness.Driver(new InMemoryText("/specs/fuzz.effnet", spec))
            .RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(), out var output, out _);
        var result = driver.GetRunResult().Results.Single();
        return (result, output, result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));
    }
}
