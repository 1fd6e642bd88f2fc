using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using EffNetGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace EffNetGen.Benchmarks;

/// <summary>The source generator over every shipped spec: cold, after an unrelated C# edit, after a spec edit.</summary>
internal static class GeneratorTiming
{
    public static void Print(bool quick)
    {
        var specs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "specs"), "*.effnet", SearchOption.AllDirectories)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (AdditionalText)new Text(p, File.ReadAllText(p)))
            .ToArray();
        var compilation = CSharpCompilation.Create("Consumer", new[] { CSharpSyntaxTree.ParseText("class Program { }") },
            Basic.Reference.Assemblies.Net100.References.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var runs = quick ? 3 : 20;

        var first = Run(specs, compilation).GetRunResult(); // also the JIT warm-up
        if (first.Results.Single().Exception is { } exception)
        {
            throw new InvalidOperationException("the generator failed", exception);
        }
        var cold = Time(runs, () => Run(specs, compilation));
        var warm = Run(specs, compilation);
        var unrelated = Time(runs, () => warm.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }"))));
        var edited = specs.Select(s => s.Path.EndsWith("efficientnet_lite.effnet", StringComparison.Ordinal)
            ? new Text(s.Path, s.GetText()!.ToString().Replace("dropout 0.2  crop 0.875", "dropout 0.25  crop 0.875")) : s).ToArray();
        var oneSpec = Time(runs, () => warm.ReplaceAdditionalText(specs.Single(s => s.Path.EndsWith("efficientnet_lite.effnet", StringComparison.Ordinal)),
            edited.Single(s => s.Path.EndsWith("efficientnet_lite.effnet", StringComparison.Ordinal))).RunGenerators(compilation));

        Console.WriteLine($"## Generator ({specs.Length} spec files, {Sources(warm)} generated files)");
        Console.WriteLine();
        Console.WriteLine("| run | median ms | managed bytes |");
        Console.WriteLine("|---|---|---|");
        foreach (var (label, (median, bytes)) in new[] { ("cold driver, every shipped spec", cold), ("re-run after an unrelated C# edit", unrelated), ("re-run after editing one spec", oneSpec) })
        {
            Console.WriteLine($"| {label} | {Report.F(median, "F1")} | {bytes:N0} |");
        }
    }

    private static GeneratorDriver Run(AdditionalText[] specs, Compilation compilation) =>
        CSharpGeneratorDriver.Create(new[] { new EffNetGenerator().AsSourceGenerator() }, specs,
                new CSharpParseOptions(LanguageVersion.Latest), new Options(),
                new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false))
            .RunGenerators(compilation);

    private static int Sources(GeneratorDriver driver) => driver.GetRunResult().Results.Single().GeneratedSources.Length;

    private static (double Median, long Bytes) Time(int runs, Func<GeneratorDriver> run)
    {
        var times = new List<double>();
        var bytes = 0L;
        for (var i = 0; i < runs; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            run();
            times.Add(clock.Elapsed.TotalMilliseconds);
            bytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        times.Sort();
        return (times[times.Count / 2], bytes / runs);
    }

    private sealed class Text(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class Options : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
    {
        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions { get; } = new Empty();

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;

        private sealed class Empty : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
            {
                value = "";
                return false;
            }
        }
    }
}
