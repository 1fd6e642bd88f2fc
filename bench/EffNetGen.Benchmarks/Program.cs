using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;
using EffNetGen.Benchmarks;

// No arguments: the tables of docs/performance.md — the B7 memory table (this process), then BenchmarkDotNet's
// inference table (each case in its own process) and generator table; `--quick` for a short smoke run.
// `fuzz [count] [seed]`: the long fuzz campaign of docs/reliability.md; `soak`: RSS over long loops;
// `train-memory`: peak memory of training steps of B0–B3 by batch size (docs/training.md). The serving table of
// docs/deployment.md is bench/EffNetGen.Serving.Benchmarks.
var quick = args.Contains("--quick");
Console.WriteLine($"# {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine();
switch (args.FirstOrDefault())
{
    case "fuzz":
        return FuzzCampaign.Run(args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 100_000, args.Length > 2 ? args[2] : null);
    case "soak":
        Soak.Run();
        return 0;
    case "train-memory":
        TrainingMemory.Print();
        return 0;
    case "train-memory-case":
        return TrainingMemory.RunCase(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
    default:
        B7Memory.Print();
        Console.WriteLine();
        BenchmarkRunner.Run<InferenceBenchmarks>(BenchmarkConfig.Inference(quick));
        BenchmarkRunner.Run<GeneratorBenchmarks>(BenchmarkConfig.Generator(quick));
        return 0;
}
