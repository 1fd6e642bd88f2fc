using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;

namespace EffNetGen.Benchmarks;

/// <summary>
/// The benchmark process's peak resident set during the measured iterations (native libtorch memory included, which
/// the managed MemoryDiagnoser cannot see): the peak is reset before the actual run and read after it, from /proc. Also
/// the minor page faults per operation over the same iterations (/proc/PID/stat): memory mapped afresh and touched
/// page by page on every forward pass shows here.
/// </summary>
internal sealed class PeakRssDiagnoser : IDiagnoser
{
    private readonly Dictionary<BenchmarkCase, long> _peakKiB = new();
    private readonly Dictionary<BenchmarkCase, long> _faults = new();

    public IEnumerable<string> Ids => new[] { nameof(PeakRssDiagnoser) };

    public IEnumerable<IExporter> Exporters => Array.Empty<IExporter>();

    public IEnumerable<IAnalyser> Analysers => Array.Empty<IAnalyser>();

    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public bool RequiresBlockingAcknowledgments(BenchmarkCase benchmarkCase) => true;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
        if (signal == HostSignal.BeforeActualRun)
        {
            ProcStatus.ResetPeak(parameters.Process.Id);
            _faults[parameters.BenchmarkCase] = ProcStatus.MinorFaults(parameters.Process.Id);
        }
        else if (signal == HostSignal.AfterActualRun)
        {
            _peakKiB[parameters.BenchmarkCase] = ProcStatus.ReadKiB(parameters.Process.Id, "VmHWM:");
            _faults[parameters.BenchmarkCase] = ProcStatus.MinorFaults(parameters.Process.Id) - _faults[parameters.BenchmarkCase];
        }
    }

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results)
    {
        if (_peakKiB.TryGetValue(results.BenchmarkCase, out var kib))
        {
            yield return new Metric(PeakRss, kib / 1024.0);
        }
        if (_faults.TryGetValue(results.BenchmarkCase, out var faults) && results.TotalOperations > 0)
        {
            yield return new Metric(FaultsPerOperation, (double)faults / results.TotalOperations);
        }
    }

    public void DisplayResults(ILogger logger)
    {
    }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) =>
        OperatingSystem.IsLinux()
            ? Enumerable.Empty<ValidationError>()
            : new[] { new ValidationError(true, "peak RSS is read from Linux /proc") };

    private static readonly ProcessMetric PeakRss = new(
        "PeakRss", "Peak RSS MiB", "Peak resident set of the benchmark process during the measured iterations (MiB)", "F0", "MiB", 0);

    private static readonly ProcessMetric FaultsPerOperation = new(
        "FaultsPerOperation", "Page faults/op", "Minor page faults of the benchmark process per operation during the measured iterations", "N0", "faults", 1);

    /// <summary>A column of this diagnoser: dimensionless, lower is better.</summary>
    private sealed record ProcessMetric(string Id, string DisplayName, string Legend, string NumberFormat, string Unit, int PriorityInCategory) : IMetricDescriptor
    {
        public UnitType UnitType => UnitType.Dimensionless;

        public bool TheGreaterTheBetter => false;

        public bool GetIsAvailable(Metric metric) => true;
    }
}
