using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace EffNetGen.Generator.Tests;

public class GenerationTests
{
    private static InMemoryText ShippedSpec() =>
        new("/project/specs/efficientnet.effnet", GeneratorHarness.ShippedSpec("efficientnet.effnet"));

    [Fact]
    public void Shipped_spec_generates_one_class_per_variant_and_a_registry_that_compile_without_warnings()
    {
        var (result, output, _) = GeneratorHarness.Run(ShippedSpec());

        Assert.Empty(result.Diagnostics);
        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).OrderBy(h => h, System.StringComparer.Ordinal);
        Assert.Equal(
            Enumerable.Range(0, 9).Select(i => $"Sample.Models.EfficientNetB{i}.g.cs")
                .Append("Sample.Models.EfficientNetL2.g.cs").Append("Sample.Models.EffNetModels.g.cs").OrderBy(h => h, System.StringComparer.Ordinal),
            hints);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [InlineData("efficientnet.effnet", "EfficientNetB0")]
    [InlineData("efficientnet.effnet", "EfficientNetB7")]
    [InlineData("efficientnet_v2.effnet", "EfficientNetV2S")]      // fused blocks, a variant's own stage table
    [InlineData("tf_efficientnet.effnet", "TfEfficientNetB0")]     // 'same' padding, crop constant
    [InlineData("efficientnet_edgetpu.effnet", "EfficientNetEdgeTpuS")] // edge blocks, no skip, ReLU
    public void Generated_source_matches_the_reviewed_snapshot(string spec, string type)
    {
        var (result, output, _) = GeneratorHarness.Run(new InMemoryText("/project/specs/" + spec, GeneratorHarness.ShippedSpec(spec)));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Snapshot.Match(GeneratorHarness.Source(result, $"Sample.Models.{type}.g.cs"), type);
    }

    [Fact]
    public void The_guides_showcase_of_every_option_generates_code_that_compiles()
    {
        var guide = System.IO.File.ReadAllText(EffNetGen.Tests.Shared.Repository.PathOf("docs", "dsl.md"));
        var showcase = System.Text.RegularExpressions.Regex.Match(guide, "```effnet\\n(family Showcase.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;

        var (result, output, _) = GeneratorHarness.Run(new InMemoryText("/p/showcase.effnet", showcase));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(4, result.Results.Single().GeneratedSources.Length); // three variants and the registry
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.NotNull(output.GetTypeByMetadataName("Vision.Models.ShowcaseNoHead"));
    }

    [Fact]
    public void A_phi_variant_documents_requested_and_realised_flops_ratios()
    {
        var spec = GeneratorHarness.ShippedSpec("efficientnet.effnet").Replace("variant B8 {", "variant P2 { phi 2 }\n  variant B8 {");
        var (result, _, _) = GeneratorHarness.Run(new InMemoryText("/p/phi.effnet", spec));

        var source = GeneratorHarness.Source(result, "Sample.Models.EfficientNetP2.g.cs");
        // (1.2 · 1.1² · 1.15²)² = 3.687; realised differs by the rounding of channels, repeats and resolution.
        Assert.Contains("/// Compound scaling phi = 2.0: FLOPs ×3.687 of the baseline requested", source);
        Assert.Contains("public const int Resolution = 296;", source); // 224 · 1.15² = 296.24
    }

    [Fact]
    public void Generated_constants_are_the_torchvision_parameter_counts()
    {
        var (result, _, _) = GeneratorHarness.Run(ShippedSpec());
        Assert.Contains("public const long ParameterCount = 5288548L;", GeneratorHarness.Source(result, "Sample.Models.EfficientNetB0.g.cs"));
        Assert.Contains("public const long ParameterCount = 66347960L;", GeneratorHarness.Source(result, "Sample.Models.EfficientNetB7.g.cs"));
    }

    [Fact]
    public void A_namespace_statement_overrides_the_root_namespace()
    {
        var spec = GeneratorHarness.ShippedSpec("efficientnet.effnet").Replace("family EfficientNet {", "family EfficientNet {\n  namespace Vision.Backbones");
        var (result, output, _) = GeneratorHarness.Run(new InMemoryText("/p/a.effnet", spec));

        Assert.Contains(result.Results.Single().GeneratedSources, s => s.HintName == "Vision.Backbones.EfficientNetB0.g.cs");
        Assert.NotNull(output.GetTypeByMetadataName("Vision.Backbones.EfficientNetB3"));
        // The registry lives in the project's root namespace and lists the types by full name.
        Assert.Contains("\"Vision.Backbones.EfficientNetB3\"", GeneratorHarness.Source(result, "Sample.Models.EffNetModels.g.cs"));
    }

    // Issue 21, D12/D13: a project namespace that is not C# (5–38 syntax errors and no EFF diagnostic before), or one of
    // EffNetGen's own (a variant could take a library type's full name), is EFF0006 on the spec, and nothing is emitted.
    [Theory]
    [InlineData("My.class", "a reserved C# keyword")]
    [InlineData("My-App", "may only contain letters, digits and '_'")]
    [InlineData("2024.Models", "must start with a letter or '_'")]
    [InlineData("A..B", "must start with a letter or '_'")]
    [InlineData("EffNetGen.Runtime", "one of EffNetGen's own namespaces")]
    public void A_project_namespace_that_cannot_hold_the_classes_is_an_error_on_the_spec(string ns, string problem)
    {
        var properties = new System.Collections.Generic.Dictionary<string, string> { ["EffNetGenNamespace"] = ns };

        var (result, output, _) = GeneratorHarness.Run(properties, ShippedSpec());

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("EFF0006", diagnostic.Id);
        Assert.Contains($"'{ns}' cannot be used", diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Contains(problem, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Empty(result.Results.Single().GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void MSBuild_options_set_the_namespace_and_can_turn_the_registry_off()
    {
        var properties = new System.Collections.Generic.Dictionary<string, string>
        {
            ["EffNetGenNamespace"] = "Company.Vision",
            ["EffNetGenRegistry"] = "false",
        };

        var (result, output, _) = GeneratorHarness.Run(properties, ShippedSpec());

        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Contains("Company.Vision.EfficientNetB0.g.cs", hints);
        Assert.DoesNotContain(hints, h => h.Contains("EffNetModels"));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    [InlineData("fi-FI")]
    [InlineData("sv-SE")]
    [InlineData("tr-TR")]
    [InlineData("ar-SA")]
    public void Output_is_byte_identical_under_every_culture(string culture)
    {
        var invariant = RunUnder(CultureInfo.InvariantCulture);
        var localized = RunUnder(new CultureInfo(culture));
        Assert.Equal(invariant, localized);
    }

    [Fact]
    public void Output_does_not_depend_on_run_or_additional_file_order()
    {
        var other = new InMemoryText("/p/tiny.effnet", """
            family Tiny {
              stem conv k3 s2 c8
              stage mbconv k3 s1 e1 c8 r1 se0.25
              head conv k1 c16
              variant A { resolution 32 }
            }
            """);
        string Sources(params AdditionalText[] specs) => string.Join("\n", GeneratorHarness.Run(specs).Result.Results.Single().GeneratedSources
            .OrderBy(s => s.HintName, System.StringComparer.Ordinal).Select(s => s.HintName + "\n" + s.SourceText));

        var first = Sources(ShippedSpec(), other);
        Assert.Equal(first, Sources(ShippedSpec(), other));
        Assert.Equal(first, Sources(other, ShippedSpec()));
    }

    [Fact]
    public void Two_specs_generating_the_same_type_get_a_diagnostic_not_a_generator_crash()
    {
        var (result, _, _) = GeneratorHarness.Run(ShippedSpec(), new InMemoryText("/project/copy.effnet", GeneratorHarness.ShippedSpec("efficientnet.effnet")));

        Assert.Null(result.Results.Single().Exception);
        // Both files are told, neither wins silently; nothing ambiguous is generated.
        Assert.Equal(40, result.Diagnostics.Count(d => d.Id == "EFF0003")); // 10 variants, their types and model names, in both files
        Assert.Equal(2, result.Diagnostics.Count(d => d.GetMessage(CultureInfo.InvariantCulture).StartsWith("Duplicate generated type 'Sample.Models.EfficientNetB0'")));
        Assert.Empty(result.Results.Single().GeneratedSources);
    }

    [Fact]
    public void Two_families_producing_one_model_name_are_an_error_in_both_files_and_neither_is_registered()
    {
        const string Other = """
            family Mine {
              stem conv k3 s2 c8
              stage mbconv k3 s1 e1 c8 r1
              head conv k1 c16
              variant B0 { resolution 32  model EfficientNet_B0 }
            }
            """;
        var (result, _, _) = GeneratorHarness.Run(ShippedSpec(), new InMemoryText("/project/mine.effnet", Other));

        var clashes = result.Diagnostics.Where(d => d.Id == "EFF0003").ToList();
        Assert.Equal(new[] { "/project/mine.effnet", "/project/specs/efficientnet.effnet" }, clashes.Select(d => d.Location.GetLineSpan().Path).Order(System.StringComparer.Ordinal));
        Assert.All(clashes, d => Assert.StartsWith("Duplicate model name", d.GetMessage(CultureInfo.InvariantCulture)));
        var sources = result.Results.Single().GeneratedSources;
        Assert.DoesNotContain(sources, s => s.HintName.Contains("EfficientNetB0") || s.HintName.Contains("MineB0"));
        Assert.DoesNotContain("\"efficientnet_b0\"", sources.Single(s => s.HintName.EndsWith("EffNetModels.g.cs")).SourceText.ToString());
    }

    [Fact]
    public void Namespaces_that_differ_only_in_case_are_reported_in_both_files_instead_of_failing_the_generator()
    {
        static InMemoryText Spec(string path, string ns, string prefix) => new(path, EffNetGen.Tests.Shared.SampleSpecs.Minimal
            .Replace("family F {", $"family F {{\n  namespace {ns}\n  naming {{ prefix {prefix} }}"));
        var (result, _, _) = GeneratorHarness.Run(Spec("/project/a.effnet", "Foo.Bar", "a_"), Spec("/project/b.effnet", "foo.bar", "b_"));

        Assert.Null(result.Results.Single().Exception);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "CS8785");
        var clashes = result.Diagnostics.Where(d => d.Id == "EFF0003").ToList();
        Assert.Equal(new[] { "/project/a.effnet", "/project/b.effnet" }, clashes.Select(d => d.Location.GetLineSpan().Path).Order(System.StringComparer.Ordinal));
        Assert.All(clashes, d => Assert.StartsWith("Duplicate generated type", d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Variants_whose_names_differ_only_in_case_are_reported_instead_of_failing_the_generator()
    {
        var spec = GeneratorHarness.ShippedSpec("efficientnet.effnet").Replace("variant B1 {", "variant b0 {");
        var (result, _, _) = GeneratorHarness.Run(new InMemoryText("/project/efficientnet.effnet", spec));

        Assert.Null(result.Results.Single().Exception);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "CS8785");
        Assert.Contains(result.Diagnostics, d => d.Id == "EFF0003" && d.GetMessage(CultureInfo.InvariantCulture).Contains("'Sample.Models.EfficientNetb0'"));
        Assert.Contains(result.Results.Single().GeneratedSources, s => s.HintName.Contains("EfficientNetB2"));
    }

    private static string RunUnder(CultureInfo culture)
    {
        var (previous, previousUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
            // Every shipped spec, and one with errors whose messages carry numbers (a false contract, a budget).
            var specs = EffNetGen.Tests.Shared.SpecFuzz.ShippedSpecs.Select((text, i) => new InMemoryText($"/p/{i}.effnet", text))
                .Append(new InMemoryText("/p/bad.effnet", EffNetGen.Tests.Shared.SampleSpecs.Minimal
                    .Replace("resolution 32 }", "resolution 32  expect { params 1.5M±0.5%  macs 0.25G } }")
                    + "\n" + EffNetGen.Tests.Shared.SampleSpecs.Minimal.Replace("family F", "family G").Replace("width 1.0", "width 1000.5")))
                .ToArray();
            var result = GeneratorHarness.Run(specs).Result.Results.Single();
            Assert.Contains(result.Diagnostics, d => d.Id == "EFF0008");
            return string.Join("\n", result.GeneratedSources.Select(s => s.SourceText.ToString())
                .Concat(result.Diagnostics.Select(d => d.ToString())));
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (previous, previousUi);
        }
    }
}
