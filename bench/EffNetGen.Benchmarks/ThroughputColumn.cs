using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EffNetGen.Benchmarks;

/// <summary>
/// Images per second and achieved GFLOP/s (2 × the generated <c>Macs</c> constant × batch / median) of an
/// <see cref="InferenceBenchmarks"/> case; absent from tables without a Batch parameter.
/// </summary>
internal sealed class ThroughputColumn(ThroughputColumn.Kind kind) : IColumn
{
    public enum Kind
    {
        ImagesPerSecond,
        GigaFlopsPerSecond,
    }

    public string Id => nameof(ThroughputColumn) + kind;

    public string ColumnName => kind == Kind.ImagesPerSecond ? "images/s" : "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind == Kind.ImagesPerSecond
        ? "Images per second: batch / median"
        : "Achieved GFLOP/s: 2 × the generated Macs constant × batch / median";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => c.Parameters.Items.Any(p => p.Name == nameof(InferenceBenchmarks.Batch)));

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } statistics)
        {
            return "-";
        }
        var batch = (int)benchmarkCase.Parameters[nameof(InferenceBenchmarks.Batch)];
        var seconds = statistics.Median / 1e9;
        var value = kind == Kind.ImagesPerSecond
            ? batch / seconds
            : 2.0 * InferenceBenchmarks.Variant((string)benchmarkCase.Parameters[nameof(InferenceBenchmarks.Model)]).Macs * batch / seconds / 1e9;
        return value.ToString("F1", CultureInfo.InvariantCulture);
    }
}
