using System;
using System.Linq;
using System.Runtime.InteropServices;
using EffNetGen.Runtime.Platform;
using EffNetGen.Runtime.Tests.Training;
using EffNetGen.Tests.Shared;
using Xunit.Abstractions;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// libtorch 2.10's oneDNN float32 defect (issue 15) on this machine: plain libtorch reproduced without the guard (in a
/// child process, so that a SIGFPE is a result, not the end of the test run), and the guarded computations checked.
/// </summary>
[Collection(SequentialRandomCollection.Name)] // sets libtorch's thread count, which is global to the process
public class PlatformTests(ITestOutputHelper output)
{
    [Fact]
    public void The_guard_caps_oneDNN_exactly_on_AVX512_CPUs()
    {
        output.WriteLine($"{OneDnnGuard.Description}; CPU AVX-512F: {OneDnnGuard.CpuHasAvx512}");
        switch (OneDnnGuard.State)
        {
            case OneDnnGuardState.Engaged:
                Assert.True(OneDnnGuard.CpuHasAvx512);
                Assert.Equal("AVX2", Marshal.PtrToStringAnsi(getenv("ONEDNN_MAX_CPU_ISA"))); // what oneDNN itself reads
                break;
            case OneDnnGuardState.NotNeeded:
                Assert.False(OneDnnGuard.CpuHasAvx512);
                break;
            case OneDnnGuardState.Unsupported:
                Assert.True(OneDnnGuard.CpuHasAvx512 && !OperatingSystem.IsLinux());
                break;
            case OneDnnGuardState.Failed:
                Assert.Fail($"{OneDnnGuard.Description}");
                break;
            case OneDnnGuardState.UserSetting:
                Assert.True(getenv("ONEDNN_MAX_CPU_ISA") != IntPtr.Zero || getenv("DNNL_MAX_CPU_ISA") != IntPtr.Zero);
                break;
            default:
                Assert.Equal("0", Environment.GetEnvironmentVariable(OneDnnGuard.SwitchVariable));
                break;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_probed_convolution_is_correct_as_EffNetGen_computes_it(int threads)
    {
        using var count = ThreadCount.Set(threads);

        // Includes the 1×1 shape that died with SIGFPE in libtorch's channels-last convolution (256→1024, 14×14).
        var checks = OneDnnProbe.Run(OneDnnProbe.CaseKind.Dense | OneDnnProbe.CaseKind.PointwiseByInferencePath);

        Assert.Equal(5, checks.Count);
        Assert.All(checks, c => Assert.True(c.Correct, $"{c.Case}: float32 vs float64 {c.RelativeError:E2} ({OneDnnGuard.Description})"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Plain_libtorch_without_the_guard_is_wrong_only_where_the_guard_engages(int threads)
    {
        var check = Repository.PathOf("tools", "EffNetGen.PlatformCheck", "bin", Repository.Configuration, "net10.0", "EffNetGen.PlatformCheck.dll");
        // The child unsets any inherited oneDNN cap and switches the guard off before loading EffNetGen's runtime.
        var (exitCode, log) = ProcessRunner.Run("dotnet", $"\"{check}\" case off {threads}", Repository.Root);
        var cells = log.Split('\n').Select(l => l.Split('\t')).Where(f => f.Length == 2).ToList();
        var wrong = cells.Where(c => !(double.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture) < 1e-4)).Select(c => $"{c[0]}: {c[1]}").ToList();
        var affected = exitCode != 0 || wrong.Count > 0;

        output.WriteLine($"AVX-512F: {OneDnnGuard.CpuHasAvx512}, {threads} thread(s), guard off: " +
            (affected ? $"AFFECTED (exit code {exitCode}; {string.Join("; ", wrong)})" : $"not affected ({cells.Count} cases within 1e-4)"));
        // Either every case ran, or libtorch killed the process with a signal (SIGFPE: exit code 136); anything else,
        // such as a missing tool, is a failure of the test, not a finding.
        Assert.True((exitCode == 0 && cells.Count == 5) || exitCode > 128, log);
        Assert.True(!affected || OneDnnGuard.CpuHasAvx512, $"the defect shows on a CPU without AVX-512F, where the guard does not engage:\n{log}");
    }

    [DllImport("libc")]
    private static extern IntPtr getenv(string name);
}
