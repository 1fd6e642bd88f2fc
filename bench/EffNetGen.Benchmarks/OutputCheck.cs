using System;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Benchmarks;

/// <summary>
/// Every benchmark case computes once and is compared with float64 before anything is timed, so that a fast path that
/// computes something else (libtorch's oneDNN on AVX-512 CPUs, issue 15: 20–70 % off) fails instead of being reported
/// as a speed-up.
/// </summary>
internal static class OutputCheck
{
    /// <summary>
    /// The float64 eval output of <paramref name="model"/> for an input, computed on a converted copy of its weights
    /// (float32 → float64 → float32 is exact; the model is left in float32).
    /// </summary>
    public static Func<Tensor, Tensor> Float64Eval(nn.Module<Tensor, Tensor> model) => input =>
    {
        using var noGrad = no_grad();
        model.to(ScalarType.Float64);
        try
        {
            using var converted = input.to(ScalarType.Float64);
            return model.call(converted);
        }
        finally
        {
            model.to(ScalarType.Float32);
        }
    };

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/> to 1e-4 relative L2.</summary>
    public static void Require(string what, Tensor actual, Tensor expected)
    {
        using var difference = actual.to(ScalarType.Float64) - expected;
        var relative = difference.norm().item<double>() / expected.norm().item<double>();
        if (!(relative < 1e-4))
        {
            throw new InvalidOperationException(
                $"{what}: float32 output differs from float64 eval by {relative:E2} (relative L2); not timing a wrong result. " +
                "See docs/reliability.md (libtorch's oneDNN defect) and run tools/EffNetGen.PlatformCheck.");
        }
    }
}
