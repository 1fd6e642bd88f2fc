using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using EffNetGen.Runtime.Training;
using static TorchSharp.torch;

namespace EffNetGen.Benchmarks;

/// <summary>
/// Peak resident memory of training steps (forward, backward, RMSProp step, EMA update) for B0–B3 at their native
/// resolutions, by batch size: each case in a fresh process (this program with <c>train-memory-case</c>), so the peak
/// is that case's alone. Above the libtorch baseline: weights, gradients, optimizer state, EMA and the activations
/// kept for backward (SiLU keeps its input).
/// </summary>
internal static class TrainingMemory
{
    private static readonly string[] Models = { "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3" };
    private static readonly int[] Batches = { 1, 2, 4, 8, 16 };

    public static void Print()
    {
        Console.WriteLine("## Training memory (peak RSS above libtorch, one process per case)");
        Console.WriteLine();
        Console.WriteLine($"| model | resolution | {string.Join(" | ", Batches.Select(b => $"batch {b}"))} | per image | fixed | largest batch in 4 / 8 / 16 GiB |");
        Console.WriteLine($"|---|---|{string.Concat(Batches.Select(_ => "---|"))}---|---|---|");
        foreach (var model in Models)
        {
            var peaks = Batches.Select(b => Case(model, b)).ToArray();
            // Least-squares line through (batch, peak): activation memory per image and what does not grow with the batch.
            var (meanB, meanP) = (Batches.Average(), peaks.Average());
            var perImage = Batches.Zip(peaks, (b, p) => (b - meanB) * (p - meanP)).Sum() / Batches.Sum(b => (b - meanB) * (b - meanB));
            var fixedPart = meanP - (perImage * meanB);
            string Fits(double gib) => Math.Max(0, Math.Floor(((gib * 1024) - fixedPart) / perImage)).ToString("F0", CultureInfo.InvariantCulture);
            Console.WriteLine($"| {model} | {EffNetModels.Find(model)!.Resolution} | {string.Join(" | ", peaks.Select(p => $"{F(p)} MiB"))} | {F(perImage)} MiB | {F(fixedPart)} MiB | {Fits(4)} / {Fits(8)} / {Fits(16)} |");
        }
    }

    /// <summary>Runs one case in a child process and returns its peak RSS above the baseline, in MiB.</summary>
    private static double Case(string model, int batch)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{typeof(TrainingMemory).Assembly.Location}\" train-memory-case {model} {batch}")
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').Last(l => l.StartsWith("peak ", StringComparison.Ordinal));
        return double.Parse(line["peak ".Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>The child: two training steps of <paramref name="model"/> on random images; prints "peak MiB".</summary>
    public static int RunCase(string model, int batch)
    {
        using (randn(8)) { } // loads libtorch: the baseline
        GC.Collect();
        var baseline = ProcStatus.OwnMiB("VmRSS:");
        var info = EffNetModels.Find(model)!;
        using var network = info.Create();
        using var trainer = new Trainer(network, info.Training!, new TrainerOptions(batch, StepsPerEpoch: 10));
        var size = info.Resolution;
        for (var step = 0; step < 2; step++)
        {
            using var images = randn(batch, 3, size, size);
            using var labels = randint(0, 1000, new long[] { batch });
            trainer.TrainStep(images, labels);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak {ProcStatus.OwnMiB("VmHWM:") - baseline:F0}"));
        return 0;
    }

    private static string F(double value) => value.ToString("F0", CultureInfo.InvariantCulture);
}
