using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Runtime.Inference;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Platform;

/// <summary>One convolution computed in float32 and in float64 on this machine.</summary>
/// <param name="Case">What was computed, e.g. <c>3×3 conv 24→192 s2, 8×32×32, NCHW</c>.</param>
/// <param name="RelativeError">‖float32 − float64‖ / ‖float64‖; about 3e-7 where the kernel is correct.</param>
public sealed record ConvolutionCheck(string Case, double RelativeError)
{
    /// <summary>Whether float32 agrees with float64 to 1e-4 (a correct kernel: 1e-7 to 1e-6).</summary>
    public bool Correct => RelativeError < 1e-4;
}

/// <summary>
/// The shapes libtorch 2.10's oneDNN was seen to compute wrong in float32 on an AVX-512 CPU (issue 15), each computed
/// in float32 and float64 at the current thread count. Used by the tests, <c>tools/EffNetGen.PlatformCheck</c>, and
/// once per process by the runtime on AVX-512 CPUs to warn when <see cref="OneDnnGuard"/> came too late.
/// </summary>
public static class OneDnnProbe
{
    private static readonly Lazy<bool> DenseDefect = new(() => Run(CaseKind.Dense).Any(c => !c.Correct));
    private static readonly HashSet<string> Warned = new(StringComparer.Ordinal);

    /// <summary>Which convolutions <see cref="Run"/> computes.</summary>
    [Flags]
    public enum CaseKind
    {
        /// <summary>Dense 3×3 convolutions of 24 channels (the fused and edge blocks' shape), NCHW and channels-last.</summary>
        Dense = 1,

        /// <summary>
        /// Channels-last stride-1 1×1 convolutions (240→40, 672→112, 256→1024) by <c>conv2d</c>: oneDNN's
        /// <c>brgconv_1x1</c>, wrong for the first two and a SIGFPE for the third on the affected machine. Run these
        /// in a child process (as PlatformCheck does).
        /// </summary>
        PointwiseByConvolution = 2,

        /// <summary>The same 1×1 shapes as the inference path computes them (<c>ForInference()</c>: a matrix product).</summary>
        PointwiseByInferencePath = 4,
    }

    /// <summary>
    /// Computes the <paramref name="kinds"/> cases now, in this process, with fixed random data. A 1×1 case asked for
    /// both ways appears twice under the same name, by convolution first.
    /// </summary>
    public static IReadOnlyList<ConvolutionCheck> Run(CaseKind kinds)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new TorchSharp.torch.Generator(15);
        var checks = new List<ConvolutionCheck>();
        if (kinds.HasFlag(CaseKind.Dense))
        {
            foreach (var channelsLast in new[] { false, true })
            {
                checks.Add(Check($"3×3 conv 24→192 s2, 8×32×32, {Layout(channelsLast)}", generator, 8, 24, 192, 32, 3, channelsLast,
                    (x, w) => nn.functional.conv2d(x, w, strides: new long[] { 2, 2 }, padding: new long[] { 1, 1 })));
            }
        }
        foreach (var (batch, input, output, size) in new[] { (1L, 240L, 40L, 28L), (1, 672, 112, 14), (1, 256, 1024, 14) })
        {
            var name = $"1×1 conv {input}→{output}, {batch}×{size}×{size}, channels-last";
            if (kinds.HasFlag(CaseKind.PointwiseByConvolution))
            {
                checks.Add(Check(name, generator, batch, input, output, size, 1, true, (x, w) => nn.functional.conv2d(x, w)));
            }
            if (kinds.HasFlag(CaseKind.PointwiseByInferencePath))
            {
                checks.Add(Check(name, generator, batch, input, output, size, 1, true,
                    (x, w) => FoldedConv.Pointwise(x, w.flatten(1).t(), null)));
            }
        }
        return checks;
    }

    /// <summary>
    /// On an AVX-512 CPU, for a model with layers of the affected shape, once per process: whether oneDNN's
    /// dense-convolution defect is live despite the guard (a convolution ran before EffNetGen was loaded, or the user's
    /// own ISA setting); if so, a warning on standard error naming those layers, once per model name.
    /// </summary>
    internal static void WarnIfAffected(EfficientNetModule model)
    {
        if (!OneDnnGuard.CpuHasAvx512)
        {
            return;
        }
        // Dense k×k convolutions whose input channels are not a multiple of 16; 3-channel stems were measured correct.
        var affected = model.Plan.Units.SelectMany(u => u.Layers).OfType<ConvLayer>()
            .Where(c => c.Groups == 1 && c.Kernel > 1 && c.InputChannels % 16 != 0 && c.InputChannels != 3)
            .Select(c => c.Path)
            .ToList();
        if (affected.Count == 0 || !DenseDefect.Value)
        {
            return;
        }
        lock (Warned)
        {
            if (!Warned.Add(model.GetName()))
            {
                return;
            }
        }
        Console.Error.WriteLine(
            $"EffNetGen warning: libtorch's oneDNN computes dense float32 convolutions with input channels not a multiple of 16 " +
            $"wrong on this CPU ({OneDnnGuard.Description}; the guard must act before the process's first convolution, see " +
            $"docs/reliability.md). Affected layers of {model.GetName()}: {string.Join(", ", affected)}. Run in float64, or set " +
            $"ONEDNN_MAX_CPU_ISA=AVX2 before starting the process.");
    }

    private static string Layout(bool channelsLast) => channelsLast ? "channels-last" : "NCHW";

    private static ConvolutionCheck Check(
        string name, TorchSharp.torch.Generator generator, long batch, long input, long output, long size, long kernel, bool channelsLast,
        Func<Tensor, Tensor, Tensor> convolve)
    {
        var x = randn(new[] { batch, input, size, size }, ScalarType.Float32, generator: generator);
        var w = randn(new[] { output, input, kernel, kernel }, ScalarType.Float32, generator: generator) / Math.Sqrt(input * kernel * kernel);
        if (channelsLast)
        {
            (x, w) = (ChannelsLast.Of(x), ChannelsLast.Of(w));
        }
        var single = convolve(x, w).to(ScalarType.Float64);
        var exact = convolve(x.to(ScalarType.Float64), w.to(ScalarType.Float64));
        return new ConvolutionCheck(name, (single - exact).norm().item<double>() / exact.norm().item<double>());
    }
}
