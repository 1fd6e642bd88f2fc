using System.IO;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace EffNetGen.Benchmarks;

/// <summary>The benchmark configurations: medians, managed allocations, and for inference peak RSS and throughput.</summary>
internal static class BenchmarkConfig
{
    /// <summary>Every case in its own process, so its peak RSS is its own model's.</summary>
    public static IConfig Inference(bool quick) => Common(quick)
        .AddColumn(new ThroughputColumn(ThroughputColumn.Kind.ImagesPerSecond), new ThroughputColumn(ThroughputColumn.Kind.GigaFlopsPerSecond))
        .AddDiagnoser(new PeakRssDiagnoser());

    /// <summary>
    /// In process, as the compiler and the IDE run generators. (A separate process cannot load the generator's
    /// dependencies here: its GetTargetPath hook keeps them out of the generated project's deps.json.)
    /// </summary>
    public static IConfig Generator(bool quick) => Common(quick, job => job.WithToolchain(InProcessEmitToolchain.Instance));

    private static ManualConfig Common(bool quick, System.Func<Job, Job>? adjust = null)
    {
        var job = quick
            ? Job.Dry.WithWarmupCount(1).WithIterationCount(3).WithId("quick")
            : Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15);
        return ManualConfig.CreateEmpty()
            .AddJob(adjust?.Invoke(job) ?? job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts"))
            // The benchmark executable's build runs the source generator over every spec: on two busy cores it can take
            // longer than BenchmarkDotNet's two-minute default.
            .WithBuildTimeout(System.TimeSpan.FromMinutes(10));
    }
}
