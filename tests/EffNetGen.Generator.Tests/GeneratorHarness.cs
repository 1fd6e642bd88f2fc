using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EffNetGen.Generator.Tests;

/// <summary>Runs the generator in-process with a CSharpGeneratorDriver, offline (Basic.Reference.Assemblies).</summary>
internal static class GeneratorHarness
{
    public const string RootNamespace = "Sample.Models";

    public static string ShippedSpec(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "specs", name));

    /// <summary>.NET 10 reference assemblies plus TorchSharp and EffNetGen.Runtime, so generated code can be compiled.</summary>
    public static IReadOnlyList<MetadataReference> References { get; } = Basic.Reference.Assemblies.Net100.References.All
        .Cast<MetadataReference>()
        .Concat(new[] { typeof(TorchSharp.torch).Assembly, typeof(EffNetGen.Runtime.EfficientNetModule).Assembly, typeof(EffNetGen.Architecture.NetworkPlan).Assembly }
            .Select(a => MetadataReference.CreateFromFile(a.Location)))
        .ToList();

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "Consumer",
        sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            // As the SDK does: TorchSharp targets net8.0, and its System.Runtime 8.0 unifies with 10.0.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));

    public static GeneratorDriver Driver(params AdditionalText[] specs) => Driver(new Dictionary<string, string>(), specs);

    /// <summary>A driver whose project sets RootNamespace plus <paramref name="properties"/> (MSBuild name → value).</summary>
    public static GeneratorDriver Driver(IReadOnlyDictionary<string, string> properties, params AdditionalText[] specs) => CSharpGeneratorDriver.Create(
        new[] { new EffNetGenerator().AsSourceGenerator() },
        specs,
        new CSharpParseOptions(LanguageVersion.Latest),
        new OptionsProvider(properties.Append(new("RootNamespace", RootNamespace))
            .ToDictionary(p => "build_property." + p.Key, p => p.Value)),
        new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="specs"/>; returns the output compilation too.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output, GeneratorDriver Driver) Run(params AdditionalText[] specs) =>
        Run(new Dictionary<string, string>(), specs);

    /// <summary>Runs the generator once with MSBuild <paramref name="properties"/> set.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output, GeneratorDriver Driver) Run(
        IReadOnlyDictionary<string, string> properties, params AdditionalText[] specs)
    {
        var driver = Driver(properties, specs).RunGeneratorsAndUpdateCompilation(Compilation(), out var output, out _);
        return (driver.GetRunResult(), output, driver);
    }

    public static string Source(GeneratorDriverRunResult result, string hintName) =>
        result.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}
