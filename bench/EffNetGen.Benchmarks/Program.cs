using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using EffNetGen.Benchmarks;
using EffNetGen.Runtime;
using EffNetGen.Runtime.Inference;
using static TorchSharp.torch;

// Prints the tables of docs/performance.md. `--quick`: fewer iterations (a smoke run).
var quick = args.Contains("--quick");
set_num_threads(2);
Console.WriteLine($"# {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, torch threads {get_num_threads()}");
Console.WriteLine();

Memory.PrintB7();
Console.WriteLine();
Inference.PrintTable(quick);
Console.WriteLine();
GeneratorTiming.Print(quick);

internal static class Report
{
    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The process's peak and current resident set (Linux /proc), in MiB.</summary>
    public static (double Peak, double Current) Rss()
    {
        double Read(string key) => File.ReadLines("/proc/self/status").Where(l => l.StartsWith(key, StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).FirstOrDefault();
        return (Read("VmHWM:"), Read("VmRSS:"));
    }
}

internal static class Memory
{
    public static void PrintB7()
    {
        using (randn(8)) { } // loads libtorch: the baseline
        GC.Collect();
        var before = Report.Rss().Current;
        using var model = new EfficientNetB7();
        var after = Report.Rss();
        var weights = EfficientNetB7.ParameterCount * 4 / 1024.0 / 1024.0;
        Console.WriteLine("## Instantiating B7");
        Console.WriteLine();
        Console.WriteLine("| fp32 parameters | RSS before | RSS after | increase | increase / parameters | peak RSS |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| {Report.F(weights, "F0")} MiB | {Report.F(before, "F0")} MiB | {Report.F(after.Current, "F0")} MiB | {Report.F(after.Current - before, "F0")} MiB | {Report.F((after.Current - before) / weights, "F2")}× | {Report.F(after.Peak, "F0")} MiB |");
    }
}

internal static class Inference
{
    public static void PrintTable(bool quick)
    {
        Console.WriteLine("## Inference latency (eval, 2 threads)");
        Console.WriteLine();
        Console.WriteLine("| model | batch | implementation | median ms | images/s | GFLOP/s | managed bytes/call | peak RSS MiB | speed-up vs (a) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, resolution, macs, width, depth, create) in new (string, int, long, double, double, Func<EfficientNetModule>)[]
                 {
                     ("B0", 224, EfficientNetB0.Macs, 1.0, 1.0, () => new EfficientNetB0()),
                     ("B3", 300, EfficientNetB3.Macs, 1.2, 1.4, () => new EfficientNetB3()),
                 })
        {
            foreach (var batch in new[] { 1, 8 })
            {
                using var baseline = new TorchvisionStyle(width, depth);
                using var generated = create();
                baseline.eval();
                generated.eval();
                using var folded = generated.ForInference();
                using var contiguous = generated.ForInference(channelsLast: false);
                using var input = randn(batch, 3, resolution, resolution);
                var iterations = quick ? 3 : batch == 1 ? 30 : 8;
                var reference = 0.0;
                foreach (var (label, run) in new (string, Func<Tensor>)[]
                         {
                             ("(a) module-per-layer", () => NoGrad(() => baseline.call(input))),
                             ("(b) generated, eval", () => NoGrad(() => generated.call(input))),
                             ("(c) generated, ForInference", () => folded.Forward(input)),
                             ("(c') ForInference, NCHW", () => contiguous.Forward(input)),
                         })
                {
                    var (median, allocated) = Measure(run, iterations);
                    reference = label.StartsWith("(a)", StringComparison.Ordinal) ? median : reference;
                    var flops = 2.0 * macs * batch / (median / 1000) / 1e9;
                    Console.WriteLine($"| {name} @{resolution} | {batch} | {label} | {Report.F(median, "F1")} | {Report.F(batch / (median / 1000), "F1")} | {Report.F(flops, "F1")} | {allocated:N0} | {Report.F(Report.Rss().Peak, "F0")} | {Report.F(reference / median, "F2")}× |");
                }
            }
        }
    }

    private static Tensor NoGrad(Func<Tensor> run)
    {
        using var noGrad = no_grad();
        return run();
    }

    /// <summary>Median wall time (ms) and managed bytes allocated per call, after warm-up.</summary>
    private static (double Median, long Allocated) Measure(Func<Tensor> run, int iterations)
    {
        for (var i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            run();
        }
        var times = new List<double>();
        var allocated = 0L;
        for (var i = 0; i < iterations; i++)
        {
            using var scope = NewDisposeScope();
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            run();
            clock.Stop();
            allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], allocated / iterations);
    }
}
