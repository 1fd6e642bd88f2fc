using System;
using System.Globalization;
using static TorchSharp.torch;

namespace EffNetGen.Benchmarks;

/// <summary>Resident memory that instantiating B7 adds over the libtorch baseline, against its fp32 parameter bytes.</summary>
internal static class B7Memory
{
    public static void Print()
    {
        using (randn(8)) { } // loads libtorch: the baseline
        GC.Collect();
        var before = ProcStatus.OwnMiB("VmRSS:");
        using var model = new EfficientNetB7();
        var after = ProcStatus.OwnMiB("VmRSS:");
        var weights = EfficientNetB7.ParameterCount * 4 / 1024.0 / 1024.0;
        Console.WriteLine("## Instantiating B7");
        Console.WriteLine();
        Console.WriteLine("| fp32 parameters | RSS before | RSS after | increase | increase / parameters | peak RSS |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| {F(weights, "F0")} MiB | {F(before, "F0")} MiB | {F(after, "F0")} MiB | {F(after - before, "F0")} MiB | {F((after - before) / weights, "F2")}× | {F(ProcStatus.OwnMiB("VmHWM:"), "F0")} MiB |");
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
