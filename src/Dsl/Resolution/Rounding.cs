using System;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

/// <summary>
/// The reference rounding rules, written once. They must agree with torchvision/timm to the bit,
/// since a channel count that is off by one changes every parameter count after it.
/// </summary>
public static class Rounding
{
    /// <summary>
    /// torchvision/timm <c>_make_divisible</c>: the nearest multiple of <paramref name="divisor"/>
    /// (at least <paramref name="minimum"/>, default the divisor), bumped up one divisor if rounding
    /// down lost more than 10% of <paramref name="channels"/>.
    /// </summary>
    public static int RoundChannels(double channels, int divisor, int? minimum = null)
    {
        // Python: max(min_value, int(v + divisor / 2) // divisor * divisor); int() truncates, v > 0.
        var rounded = Math.Max(minimum ?? divisor, (int)(channels + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * channels ? rounded + divisor : rounded;
    }

    /// <summary>Blocks of a depth-scaled stage: ceil, or round-half-even but at least 1 (timm), of <c>repeats × depth</c>.</summary>
    public static int ScaleRepeats(int repeats, double depth, DepthRounding rounding) => rounding switch
    {
        DepthRounding.Ceil => (int)Math.Ceiling(repeats * depth),
        _ => Math.Max(1, (int)Math.Round(repeats * depth, MidpointRounding.ToEven)),
    };

    /// <summary>A resolution from the compound-scaling formula: the nearest multiple of 8 (half to even), at least 8.</summary>
    public static int RoundResolution(double resolution) =>
        Math.Max(8, (int)Math.Round(resolution / 8, MidpointRounding.ToEven) * 8);
}
