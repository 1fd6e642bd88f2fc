using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using EffNetGen.Generator;
using EffNetGen.Generator.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EffNetGen.Benchmarks;

/// <summary>
/// The source generator over every shipped spec as the IDE runs it: a cold driver, and a warm driver re-run after an
/// unrelated C# edit and after editing one spec. Drivers are immutable, so every invocation repeats the same step.
/// </summary>
public class GeneratorBenchmarks
{
    private const string EditedSpec = "efficientnet_lite.effnet";

    private AdditionalText[] _specs = Array.Empty<AdditionalText>();
    private Compilation? _compilation;
    private Compilation? _compilationWithEdit;
    private GeneratorDriver? _warm;
    private GeneratorDriver? _warmWithSpecEdit;

    [GlobalSetup]
    public void Setup()
    {
        _specs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "specs"), "*.effnet", SearchOption.AllDirectories)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (AdditionalText)new InMemoryText(p, File.ReadAllText(p)))
            .ToArray();
        _compilation = CSharpCompilation.Create("Consumer", new[] { CSharpSyntaxTree.ParseText("class Program { }") },
            Basic.Reference.Assemblies.Net100.References.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _compilationWithEdit = _compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }"));
        _warm = ColdRun();
        var result = _warm.GetRunResult().Results.Single();
        if (result.Exception is { } exception || result.GeneratedSources.Length == 0)
        {
            throw new InvalidOperationException("the generator failed or generated nothing", result.Exception);
        }
        var spec = _specs.Single(s => s.Path.EndsWith(EditedSpec, StringComparison.Ordinal));
        var text = spec.GetText()!.ToString();
        var edited = text.Replace("dropout 0.2  crop 0.875", "dropout 0.25  crop 0.875");
        if (edited == text)
        {
            throw new InvalidOperationException($"the edit no longer applies to {EditedSpec}");
        }
        _warmWithSpecEdit = _warm.ReplaceAdditionalText(spec, new InMemoryText(spec.Path, edited));
    }

    [Benchmark(Description = "cold driver, every shipped spec")]
    public GeneratorDriver ColdRun() => CSharpGeneratorDriver.Create(new[] { new EffNetGenerator().AsSourceGenerator() }, _specs,
            new CSharpParseOptions(LanguageVersion.Latest), new OptionsProvider(new System.Collections.Generic.Dictionary<string, string>()))
        .RunGenerators(_compilation!);

    [Benchmark(Description = "re-run after an unrelated C# edit")]
    public GeneratorDriver UnrelatedEdit() => _warm!.RunGenerators(_compilationWithEdit!);

    [Benchmark(Description = "re-run after editing one spec")]
    public GeneratorDriver SpecEdit() => _warmWithSpecEdit!.RunGenerators(_compilation!);
}
