using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace EffNetGen.Benchmarks;

/// <summary>Reads Linux /proc/PID/status memory lines ("VmHWM:   123456 kB").</summary>
internal static class ProcStatus
{
    public static long ReadKiB(int processId, string key) => File.ReadLines($"/proc/{processId}/status")
        .Where(l => l.StartsWith(key, StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture))
        .First();

    /// <summary>A memory line of this process (VmRSS: current, VmHWM: peak), in MiB.</summary>
    public static double OwnMiB(string key) => ReadKiB(Environment.ProcessId, key) / 1024.0;

    /// <summary>The process's minor page faults so far: field 10 of /proc/PID/stat (after the parenthesised name).</summary>
    public static long MinorFaults(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], CultureInfo.InvariantCulture);
    }

    /// <summary>Resets the process's peak resident set (VmHWM) to its current one (Linux ≥ 4.0: "5" to clear_refs).</summary>
    public static void ResetPeak(int processId) => File.WriteAllText($"/proc/{processId}/clear_refs", "5");
}
