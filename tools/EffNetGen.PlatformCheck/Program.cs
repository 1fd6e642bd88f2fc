using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using EffNetGen.Runtime.Platform;
using static TorchSharp.torch;

// Without arguments: a table of the convolutions libtorch 2.10's oneDNN computed wrong on an AVX-512 CPU (issue 15),
// float32 against float64, with the guard off (plain conv2d) and on (what EffNetGen runs), at 1 and 2 threads. Each
// column runs in a child process of this program, `case off|on THREADS`, so that a crash (SIGFPE) is reported, not fatal.
if (args.Length == 3 && args[0] == "case")
{
    // Before EffNetGen's runtime is loaded (its module initializer decides): no oneDNN cap inherited from a guarded
    // parent or set by the user, and the guard on or off, so each column is what a fresh process does by default.
    unsetenv("ONEDNN_MAX_CPU_ISA");
    unsetenv("DNNL_MAX_CPU_ISA");
    Environment.SetEnvironmentVariable(OneDnnGuard.SwitchVariable, args[1] == "off" ? "0" : null);
    set_num_threads(int.Parse(args[2], CultureInfo.InvariantCulture));
    var kinds = OneDnnProbe.CaseKind.Dense | (args[1] == "off" ? OneDnnProbe.CaseKind.PointwiseByConvolution : OneDnnProbe.CaseKind.PointwiseByInferencePath);
    foreach (var check in OneDnnProbe.Run(kinds))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{check.Case}\t{check.RelativeError:0.00e+00}"));
    }
    return 0;
}

Console.WriteLine($"CPU: {CpuName()}, AVX-512F: {(OneDnnGuard.CpuHasAvx512 ? "yes" : "no")}, {Environment.ProcessorCount} cores");
Console.WriteLine($"{OneDnnGuard.Description} (in this process)");
var columns = new List<(string Title, Dictionary<string, string> Cells)>();
var rows = new List<string>();
foreach (var threads in new[] { 1, 2 })
{
    foreach (var guard in new[] { "off", "on" })
    {
        var (cells, note) = RunCase(guard, threads);
        columns.Add(($"guard {guard}, {threads} thr", cells));
        rows.AddRange(cells.Keys.Where(k => !rows.Contains(k)));
        if (note is not null)
        {
            Console.WriteLine($"guard {guard}, {threads} thread(s): {note}");
        }
    }
}
var width = rows.Max(r => r.Length);
Console.WriteLine();
Console.WriteLine($"{"float32 vs float64, relative L2".PadRight(width)}  {string.Join("  ", columns.Select(c => c.Title.PadLeft(18)))}");
foreach (var row in rows)
{
    Console.WriteLine($"{row.PadRight(width)}  {string.Join("  ", columns.Select(c => (c.Cells.TryGetValue(row, out var cell) ? cell : "died").PadLeft(18)))}");
}
// A guarded case that is missing (its process died) counts as wrong.
var wrong = columns.Where(c => c.Title.StartsWith("guard on", StringComparison.Ordinal)).Sum(c => rows.Count(r => !c.Cells.TryGetValue(r, out var cell) || !Correct(cell)));
Console.WriteLine();
Console.WriteLine(wrong == 0 ? "With the guard: every case within 1e-4 on this machine." : $"With the guard: {wrong} case(s) wrong on this machine — please report it (docs/reliability.md).");
return wrong == 0 ? 0 : 1;

static bool Correct(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var error) && error < 1e-4;

static (Dictionary<string, string> Cells, string? Note) RunCase(string guard, int threads)
{
    var start = new ProcessStartInfo("dotnet", $"\"{System.Reflection.Assembly.GetEntryAssembly()!.Location}\" case {guard} {threads}")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    using var process = Process.Start(start)!;
    var standardError = process.StandardError.ReadToEndAsync();
    var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    process.WaitForExit();
    var cells = lines.Where(l => l.Length == 2).ToDictionary(l => l[0], l => l[1]);
    return (cells, process.ExitCode == 0 ? null
        : $"the process died (exit code {process.ExitCode}{(process.ExitCode == 136 ? ", SIGFPE" : "")}): {standardError.Result.Trim().Split('\n').LastOrDefault()}");
}

static string CpuName() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
        : "unknown";

[System.Runtime.InteropServices.DllImport("libc")]
static extern int unsetenv(string name);
