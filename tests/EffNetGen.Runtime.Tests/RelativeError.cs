using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>How far an output is from a reference: ‖actual − expected‖ / ‖expected‖, computed in float64.</summary>
internal static class RelativeError
{
    public static double Of(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var reference = expected.to(ScalarType.Float64);
        return (actual.to(ScalarType.Float64) - reference).norm().item<double>() / reference.norm().item<double>();
    }
}
