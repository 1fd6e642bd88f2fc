using System;
using System.Runtime.InteropServices;

namespace EffNetGen.Runtime.Platform;

/// <summary>
/// Turns libtorch's NNPACK off (<c>torch.backends.nnpack.set_flags(False)</c> in PyTorch), which TorchSharp does not
/// expose. On CPUs NNPACK does not support, libtorch asks it whether it is available for every convolution oneDNN does
/// not take (EfficientNet's SE convolutions and small 1×1 layers at batch 1), and each ask prints "Could not initialize
/// NNPACK! Reason: Unsupported hardware." to standard error. With NNPACK switched off the question is never asked; no
/// EffNetGen model uses NNPACK where it is available either (it only takes batches of 16 or more that oneDNN
/// declines, and oneDNN takes every batch above 1).
/// </summary>
/// <remarks>
/// The switch is <c>at::globalContext().setUserEnabledNNPACK(false)</c>, reached through the C++ symbols libtorch_cpu
/// exports (Itanium ABI: Linux and macOS; <c>this</c> is the first argument). It is set when the first model is
/// built, after TorchSharp has loaded libtorch and before the model's first convolution. Elsewhere, or if the symbols
/// are missing, nothing changes and <see cref="Enabled"/> is null.
/// </remarks>
public static unsafe class NnpackSwitch
{
    private const string GlobalContext = "_ZN2at13globalContextEv";
    private const string SetUserEnabled = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private const string UserEnabled = "_ZNK2at7Context17userEnabledNNPACKEv";

    private static readonly Lazy<IntPtr> Library = new(Load);

    /// <summary>Whether libtorch may use NNPACK, as libtorch itself reports it; null where the switch cannot be reached.</summary>
    public static bool? Enabled =>
        Export(GlobalContext) is var context && context != IntPtr.Zero && Export(UserEnabled) is var get && get != IntPtr.Zero
            ? ((delegate* unmanaged<IntPtr, byte>)get)(((delegate* unmanaged<IntPtr>)context)()) != 0
            : null;

    /// <summary>Switches NNPACK off for this process (idempotent).</summary>
    public static void TurnOff()
    {
        if (Export(GlobalContext) is var context && context != IntPtr.Zero && Export(SetUserEnabled) is var set && set != IntPtr.Zero)
        {
            ((delegate* unmanaged<IntPtr, byte, void>)set)(((delegate* unmanaged<IntPtr>)context)(), 0);
        }
    }

    private static IntPtr Export(string name) =>
        Library.Value != IntPtr.Zero && NativeLibrary.TryGetExport(Library.Value, name, out var address) ? address : IntPtr.Zero;

    /// <summary>libtorch_cpu as TorchSharp loaded it (the loader returns the copy already in the process).</summary>
    private static IntPtr Load()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return IntPtr.Zero;
        }
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        return NativeLibrary.TryLoad(OperatingSystem.IsLinux() ? "libtorch_cpu.so" : "libtorch_cpu.dylib", out var handle) ? handle : IntPtr.Zero;
    }
}
