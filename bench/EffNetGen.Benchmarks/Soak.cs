using System;
using System.Globalization;
using EffNetGen.Runtime;
using EffNetGen.Runtime.Inference;
using static TorchSharp.torch;

namespace EffNetGen.Benchmarks;

/// <summary>
/// Native memory over long loops (<c>-- soak</c>): process RSS after a warm-up, half-way and at the end of 2,000 eval and
/// 2,000 inference forward passes of B0 at batch 1, and 200 training steps. TorchSharp tensors are native memory, so a
/// forgotten dispose shows here and not in the managed heap.
/// </summary>
internal static class Soak
{
    public static void Run()
    {
        set_num_threads(2);
        manual_seed(0);
        Console.WriteLine("## Soak: process RSS over long loops");
        Console.WriteLine();
        Console.WriteLine("| loop | iterations | RSS after warm-up (50) | RSS half-way | RSS at the end | growth, first half | growth, second half | peak RSS |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        using (var model = new EfficientNetB0())
        using (var input = randn(1, 3, 224, 224))
        {
            model.eval();
            Loop("B0 eval forward, batch 1, 224", 2000, () =>
            {
                using var noGrad = no_grad();
                model.call(input).Dispose();
            });
            using var folded = model.ForInference();
            Loop("B0 ForInference, batch 1, 224", 2000, () => folded.Forward(input).Dispose());
        }
        using (var model = new EfficientNetB0(new ModelOptions { NumClasses = 10 }))
        using (var optimizer = optim.RMSProp(model.parameters(), 1e-3, alpha: 0.9, momentum: 0.9))
        using (var input = randn(4, 3, 128, 128))
        using (var target = tensor(new long[] { 1, 2, 3, 4 }))
        {
            model.train();
            Loop("B0 training step (RMSprop), batch 4, 128", 200, () =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.call(input), target).backward();
                optimizer.step();
            });
        }
    }

    private static void Loop(string name, int iterations, Action step)
    {
        for (var i = 0; i < 50; i++)
        {
            step();
        }
        // A leak grows RSS in both halves alike; allocator caches settle in the first.
        var warm = Rss("VmRSS:");
        var half = warm;
        for (var i = 0; i < iterations; i++)
        {
            step();
            half = i == iterations / 2 - 1 ? Rss("VmRSS:") : half;
        }
        var end = Rss("VmRSS:");
        Console.WriteLine($"| {name} | {iterations:N0} | {F(warm)} MiB | {F(half)} MiB | {F(end)} MiB | {F(half - warm)} MiB | {F(end - half)} MiB | {F(Rss("VmHWM:"))} MiB |");
    }

    /// <summary>After a full garbage collection, so managed garbage (and tensors only a finalizer would free) is not counted.</summary>
    private static double Rss(string key)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return ProcStatus.OwnMiB(key);
    }

    private static string F(double mib) => (Math.Round(mib) + 0.0).ToString("F0", CultureInfo.InvariantCulture); // no "-0"
}
