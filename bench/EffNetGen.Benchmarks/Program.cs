using System;
using System.Linq;
using BenchmarkDotNet.Running;
using EffNetGen.Benchmarks;

// Prints the tables of docs/performance.md: the B7 memory table (this process), then BenchmarkDotNet's inference
// table (each case in its own process) and generator table. `--quick`: a short smoke run.
var quick = args.Contains("--quick");
Console.WriteLine($"# {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine();
B7Memory.Print();
Console.WriteLine();
BenchmarkRunner.Run<InferenceBenchmarks>(BenchmarkConfig.Inference(quick));
BenchmarkRunner.Run<GeneratorBenchmarks>(BenchmarkConfig.Generator(quick));
