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
/// the managed MemoryDiagnoser cannot see): the peak is reset before the actual run and read after it, from /proc.
/// </summary>
internal sealed class PeakRssDiagnoser : IDiagnoser
{
    private readonly Dictionary<BenchmarkCase, long> _peakKiB = new();

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
        }
        else if (signal == HostSignal.AfterActualRun)
        {
            _peakKiB[parameters.BenchmarkCase] = ProcStatus.ReadKiB(parameters.Process.Id, "VmHWM:");
        }
    }

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results) =>
        _peakKiB.TryGetValue(results.BenchmarkCase, out var kib)
            ? new[] { new Metric(PeakRss.Instance, kib / 1024.0) }
            : Enumerable.Empty<Metric>();

    public void DisplayResults(ILogger logger)
    {
    }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) =>
        OperatingSystem.IsLinux()
            ? Enumerable.Empty<ValidationError>()
            : new[] { new ValidationError(true, "peak RSS is read from Linux /proc") };

    private sealed class PeakRss : IMetricDescriptor
    {
        public static readonly PeakRss Instance = new();

        public string Id => nameof(PeakRss);

        public string DisplayName => "Peak RSS MiB";

        public string Legend => "Peak resident set of the benchmark process during the measured iterations (MiB)";

        public string NumberFormat => "F0";

        public UnitType UnitType => UnitType.Dimensionless;

        public string Unit => "MiB";

        public bool TheGreaterTheBetter => false;

        public int PriorityInCategory => 0;

        public bool GetIsAvailable(Metric metric) => true;
    }
}
