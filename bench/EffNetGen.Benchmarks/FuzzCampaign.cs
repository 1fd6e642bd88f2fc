using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using CsCheck;
using EffNetGen.Dsl;
using EffNetGen.Generator.Tests;
using EffNetGen.Tests.Shared;
using Microsoft.CodeAnalysis;

namespace EffNetGen.Benchmarks;

/// <summary>
/// The long fuzz campaign (<c>-- fuzz [count] [seed]</c>): hostile specs through the DSL and the generator. A crash
/// is any exception, a generator exception, a span outside the text, or generated C# that does not parse (every
/// accepted input) or compile (accepted inputs among every 50th). CsCheck stops at the first one and prints it shrunk.
/// </summary>
internal static class FuzzCampaign
{
    /// <summary>
    /// The smallest input whose time per 100 KB is tracked: below it the generator's fixed cost per run (a few
    /// milliseconds) dominates, and 2 ms for 200 characters would read as 1 s per 100 KB. The rate is the generator's
    /// alone, as issue 21 measured it (a build runs the generator; the campaign runs the DSL once more before it).
    /// </summary>
    private const int RateFloor = 10 * 1024;

    public static int Run(long count, string? seed)
    {
        var tried = 0L;
        var accepted = 0L;
        var compiled = 0L;
        var slowest = (Ms: 0.0, Text: "");
        // Among inputs of 10 KB or more, the ten slowest per 100 KB and the ten slowest in the generator as the campaign
        // timed them (two threads, GC pauses, a shared machine: several times the time alone); timed again alone below.
        var slowestRates = new List<(double MsPer100K, double GeneratorMs, string Text)>();
        var slowestLarge = new List<(double MsPer100K, double GeneratorMs, string Text)>();
        var gate = new object();
        foreach (var spec in SpecFuzz.ShippedSpecs)
        {
            Check(spec, compileOutput: true); // JIT warm-up, so the slowest input is not the first one
        }
        var clock = Stopwatch.StartNew();
        try
        {
            SpecFuzz.Inputs.Sample(text =>
            {
                var (generated, fullyCompiled, ms, generatorMs) = Check(text, Interlocked.Increment(ref tried) % 50 == 0);
                if (generated)
                {
                    Interlocked.Increment(ref accepted);
                }
                if (fullyCompiled)
                {
                    Interlocked.Increment(ref compiled);
                }
                lock (gate)
                {
                    slowest = ms > slowest.Ms ? (ms, text) : slowest;
                    if (text.Length >= RateFloor)
                    {
                        var candidate = (MsPer100K: Per100K(generatorMs, text), GeneratorMs: generatorMs, Text: text);
                        slowestRates = slowestRates.Append(candidate).OrderByDescending(r => r.MsPer100K).Take(10).ToList();
                        slowestLarge = slowestLarge.Append(candidate).OrderByDescending(r => r.GeneratorMs).Take(10).ToList();
                    }
                }
            }, iter: count, seed: seed, threads: Environment.ProcessorCount);
        }
        catch (CsCheckException e)
        {
            Console.WriteLine($"CRASH after {tried:N0} inputs:\n{e.Message}");
            return 1;
        }
        Console.WriteLine("## Fuzz campaign");
        Console.WriteLine();
        // Each candidate again alone (median of five): the slowest of them is the campaign's slowest per 100 KB.
        var rate = slowestRates.Union(slowestLarge).Select(r => (r.MsPer100K, r.GeneratorMs, r.Text, Alone: Median(() => Check(r.Text, compileOutput: false).GeneratorMs)))
            .OrderByDescending(r => Per100K(r.Alone, r.Text)).FirstOrDefault();
        Console.WriteLine("| inputs tried | accepted (generated C#) | compiled | crashes | wall time | slowest input (DSL + generator) | slowest per 100 KB in the generator (inputs of 10 KB or more, timed alone) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {tried:N0} | {accepted:N0} | {compiled:N0} | 0 | {clock.Elapsed.TotalSeconds:F0} s | {slowest.Ms:F1} ms, {slowest.Text.Length:N0} chars " +
            $"({F(Per100K(slowest.Ms, slowest.Text))} ms per 100 KB) | {F(Per100K(rate.Alone, rate.Text ?? ""))} ms per 100 KB: {F(rate.Alone)} ms, {rate.Text?.Length ?? 0:N0} chars |");
        File.WriteAllText("fuzz-slowest.effnet", slowest.Text);
        File.WriteAllText("fuzz-slowest-per-100k.effnet", rate.Text ?? "");
        Console.WriteLine();
        Console.WriteLine($"The slowest input (fuzz-slowest.effnet) takes {F(Median(() => Check(slowest.Text, compileOutput: false).Ms))} ms timed again alone " +
            $"(median of 5). In the campaign, the slowest per 100 KB (fuzz-slowest-per-100k.effnet) took {F(rate.MsPer100K)} ms per 100 KB ({F(rate.GeneratorMs)} ms).");
        Console.WriteLine();
        Console.WriteLine("| large spec | diagnostics at 1 MiB | compile 256 KiB | compile 1 MiB | ratio (linear: 4) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var kind in new[] { "line", "comment", "specs", "statements", "blocks", "nesting" })
        {
            var (quarter, _) = TimeCompile(SpecFuzz.Large(kind, 1 << 18));
            var (full, diagnostics) = TimeCompile(SpecFuzz.Large(kind));
            Console.WriteLine($"| {kind} | {diagnostics:N0} | {F(quarter)} ms | {F(full)} ms | {(full / quarter).ToString("F1", CultureInfo.InvariantCulture)} |");
        }
        return 0;
    }

    /// <summary>Median of five compilations of <paramref name="text"/> after a warm-up, and its diagnostic count.</summary>
    private static (double Ms, int Diagnostics) TimeCompile(string text)
    {
        var diagnostics = SpecCompiler.Compile(text).Diagnostics.Count;
        var times = Enumerable.Range(0, 5).Select(_ =>
        {
            var started = Stopwatch.GetTimestamp();
            SpecCompiler.Compile(text);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }).OrderBy(t => t).ToList();
        return (times[2], diagnostics);
    }

    private static double Median(Func<double> time) => Enumerable.Range(0, 5).Select(_ => time()).OrderBy(t => t).ElementAt(2);

    /// <summary>Milliseconds per 100 KB (102,400 characters) of <paramref name="text"/>.</summary>
    private static double Per100K(double ms, string text) => ms * 102_400 / Math.Max(1, text.Length);

    private static string F(double ms) => ms.ToString(ms < 10 ? "F2" : "F0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Compiles <paramref name="text"/> and runs the generator over it: did it generate code, was that compiled, how
    /// long the DSL and the generator took (without the C# compilation), and the generator alone.
    /// </summary>
    private static (bool Generated, bool Compiled, double Ms, double GeneratorMs) Check(string text, bool compileOutput)
    {
        var started = Stopwatch.GetTimestamp();
        var compilation = SpecCompiler.Compile(text);
        foreach (var d in compilation.Diagnostics)
        {
            if (d.Span.Start < 0 || d.Span.Length < 0 || d.Span.Start + d.Span.Length > text.Length || d.Span.Line < 1 || d.Span.Column < 1)
            {
                throw new InvalidOperationException($"{d.Id} span {d.Span.Start}+{d.Span.Length} at ({d.Span.Line},{d.Span.Column}) outside a {text.Length}-char text");
            }
        }
        var input = GeneratorHarness.Compilation();
        var generatorStarted = Stopwatch.GetTimestamp();
        GeneratorHarness.Driver(new InMemoryText("/fuzz.effnet", text)).RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        var (ms, generatorMs) = (Stopwatch.GetElapsedTime(started).TotalMilliseconds, Stopwatch.GetElapsedTime(generatorStarted).TotalMilliseconds);
        if (diagnostics.FirstOrDefault(d => d.Id is "CS8785" or "EFF0099") is { } thrown)
        {
            throw new InvalidOperationException(thrown.ToString());
        }
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) || output.SyntaxTrees.Count() == input.SyntaxTrees.Count())
        {
            return (false, false, ms, generatorMs);
        }
        var errors = compileOutput
            ? output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
            : output.SyntaxTrees.SelectMany(t => t.GetDiagnostics());
        if (errors.FirstOrDefault() is { } error)
        {
            throw new InvalidOperationException("generated C# does not compile: " + error);
        }
        return (true, compileOutput, ms, generatorMs);
    }
}
