using System;
using System.Text;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Reference;

/// <summary>
/// The fixtures' "counter-hash" tensors, exactly as tools/make_reference_fixtures.py computes them: element i of the
/// tensor named n is u·sqrt(3 / fanIn), computed in double and rounded once to float, where u ∈ [−1, 1) is the top 24
/// bits of splitmix64(fnv1a64(n) + (i + 1)·golden), centred and scaled by 2^-23. Both sides use only exactly rounded
/// IEEE operations, so the float32 tensors are bit-identical.
/// </summary>
internal static class CounterHash
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    public static Tensor Create(string name, long[] shape, long fanIn)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            count *= dimension;
        }
        var seed = Fnv1a64(name);
        var scale = Math.Sqrt(3.0 / fanIn);
        var values = new float[count];
        for (long i = 0; i < count; i++)
        {
            var u = ((double)(SplitMix64(unchecked(seed + ((ulong)(i + 1) * Golden))) >> 40) - 8388608.0) / 8388608.0;
            values[i] = (float)(u * scale);
        }
        return tensor(values, shape);
    }

    private static ulong Fnv1a64(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 0x100000001B3UL);
        }
        return hash;
    }

    private static ulong SplitMix64(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
