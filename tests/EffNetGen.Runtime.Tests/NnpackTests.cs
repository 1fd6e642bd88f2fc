using System;
using EffNetGen.Runtime.Platform;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// libtorch prints "Could not initialize NNPACK! Reason: Unsupported hardware." for every convolution oneDNN declines,
/// on CPUs NNPACK does not support (issue 17: 80 lines in the main job). Building a model switches NNPACK off at its
/// source, so libtorch never asks.
/// </summary>
public class NnpackTests
{
    [Fact]
    public void Building_a_model_switches_libtorchs_NNPACK_off()
    {
        using var model = new EfficientNetB0(device: META);

        // As libtorch itself reports it (at::globalContext().userEnabledNNPACK(); true until switched off).
        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? false : null, NnpackSwitch.Enabled);
    }

    [Fact]
    public void The_main_job_prints_no_NNPACK_line()
    {
        var sample = Repository.PathOf("samples", "EffNetGen.Sample", "bin", Repository.Configuration, "net10.0", "EffNetGen.Sample.dll");

        var (exitCode, output) = ProcessRunner.Run("dotnet", $"\"{sample}\"", Repository.Root);

        Assert.True(exitCode == 0, output);
        Assert.Contains("EfficientNetB0 forward", output); // it got as far as the convolutions
        Assert.DoesNotContain(output.Split('\n'), line => line.Contains("NNPACK", StringComparison.OrdinalIgnoreCase));
    }
}
