using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EffNetGen.Runtime.Platform;

/// <summary>What <see cref="OneDnnGuard"/> did in this process.</summary>
public enum OneDnnGuardState
{
    /// <summary>The CPU has no AVX-512: oneDNN's AVX-512 kernels, where the defect lives, never run.</summary>
    NotNeeded,

    /// <summary>AVX-512 CPU: oneDNN's instruction set was capped at AVX2 before its first primitive.</summary>
    Engaged,

    /// <summary>AVX-512 CPU, but not Linux: the guard cannot set the native environment; set <c>ONEDNN_MAX_CPU_ISA=AVX2</c> yourself.</summary>
    Unsupported,

    /// <summary>AVX-512 CPU, and libc's <c>setenv</c> failed: oneDNN is not capped.</summary>
    Failed,

    /// <summary><c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c> was set by the user and is left as it is.</summary>
    UserSetting,

    /// <summary><c>EFFNETGEN_ONEDNN_GUARD=0</c>: switched off (to reproduce the defect).</summary>
    Disabled,
}

/// <summary>
/// Keeps libtorch 2.10's bundled oneDNN 3.7.1 off its AVX-512 convolution kernels, which compute some float32
/// convolutions wrong (dense k×k convolutions whose input channels are not a multiple of 16 — 20–40 % off, sometimes
/// NaN — and channels-last 1×1 convolutions at 2 threads) on AVX-512 CPUs; see docs/reliability.md.
/// </summary>
/// <remarks>
/// oneDNN reads <c>ONEDNN_MAX_CPU_ISA</c> from the C environment once, when it creates its first primitive (the first
/// convolution of the process). This assembly's module initializer, which runs before any of its code (so before a
/// generated model is built), sets it to <c>AVX2</c> through libc's <c>setenv</c> (.NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach native code) when the CPU has
/// AVX-512F. A process that ran a convolution before touching EffNetGen is past that point:
/// <see cref="OneDnnProbe"/> then finds the defect and names the affected layers on standard error.
/// </remarks>
public static class OneDnnGuard
{
    /// <summary>Set to <c>0</c> to leave oneDNN alone.</summary>
    public const string SwitchVariable = "EFFNETGEN_ONEDNN_GUARD";

    private const string IsaVariable = "ONEDNN_MAX_CPU_ISA";
    private const string LegacyIsaVariable = "DNNL_MAX_CPU_ISA";

    /// <summary>What the guard did in this process.</summary>
    public static OneDnnGuardState State { get; private set; }

    /// <summary>Whether the CPU reports AVX-512F (CPUID leaf 7, EBX bit 16), whatever .NET itself is allowed to use.</summary>
    public static bool CpuHasAvx512 => X86Base.IsSupported && (X86Base.CpuId(7, 0).Ebx & (1 << 16)) != 0;

    /// <summary>One line for logs: the CPU's instruction set and what the guard did.</summary>
    public static string Description => State switch
    {
        OneDnnGuardState.NotNeeded => "oneDNN guard: not needed (no AVX-512)",
        OneDnnGuardState.Engaged => $"oneDNN guard: engaged (AVX-512 CPU, {IsaVariable}=AVX2)",
        OneDnnGuardState.Unsupported => $"oneDNN guard: cannot act on this OS (AVX-512 CPU; set {IsaVariable}=AVX2 before starting the process)",
        OneDnnGuardState.Failed => $"oneDNN guard: failed (AVX-512 CPU, setenv of {IsaVariable} failed)",
        OneDnnGuardState.UserSetting => $"oneDNN guard: left to the user's {IsaVariable}={Environment.GetEnvironmentVariable(IsaVariable) ?? Environment.GetEnvironmentVariable(LegacyIsaVariable)}",
        _ => $"oneDNN guard: disabled ({SwitchVariable}=0)",
    };

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Must run before the process's first convolution, which may be this library's first use.")]
    internal static void Initialize() => State = Decide();

    private static OneDnnGuardState Decide()
    {
        if (Environment.GetEnvironmentVariable(SwitchVariable) == "0")
        {
            return OneDnnGuardState.Disabled;
        }
        if (Environment.GetEnvironmentVariable(IsaVariable) is not null || Environment.GetEnvironmentVariable(LegacyIsaVariable) is not null)
        {
            return OneDnnGuardState.UserSetting;
        }
        if (!CpuHasAvx512)
        {
            return OneDnnGuardState.NotNeeded;
        }
        if (!OperatingSystem.IsLinux())
        {
            return OneDnnGuardState.Unsupported;
        }
        // Measured on an AVX-512 AMD EPYC (issue 15): AVX2 kernels compute every affected shape correctly, at about
        // the same speed. Child processes inherit the setting, so libtorch in them is capped too.
        return setenv(IsaVariable, "AVX2", 0) == 0 ? OneDnnGuardState.Engaged : OneDnnGuardState.Failed;
    }

    [DllImport("libc")]
    private static extern int setenv(string name, string value, int overwrite);
}
