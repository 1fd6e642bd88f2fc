using System;
using System.Collections.Generic;
using System.Linq;
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

    /// <summary>
    /// Blocks of each row of a depth-scaled stage (timm's <c>_scale_stage_depth</c>): the stage's total repeats scaled —
    /// ceil, or round-half-even but at least 1 — then shared out in proportion from the last row back (at least one
    /// each), so a stage's first row is the last to grow. One row: <c>ceil(r × d)</c>, as the paper and torchvision.
    /// </summary>
    public static int[] ScaleRepeats(IReadOnlyList<int> repeats, double depth, DepthRounding rounding)
    {
        var total = repeats.Sum();
        var scaled = rounding switch
        {
            DepthRounding.Ceil => (int)Math.Ceiling(total * depth),
            _ => Math.Max(1, (int)Math.Round(total * depth, MidpointRounding.ToEven)),
        };
        var result = new int[repeats.Count];
        for (var i = repeats.Count - 1; i >= 0; i--)
        {
            // Python: max(1, round(r / num_repeat * num_repeat_scaled)), in that order of operations.
            result[i] = Math.Max(1, (int)Math.Round((double)repeats[i] / total * scaled, MidpointRounding.ToEven));
            total -= repeats[i];
            scaled -= result[i];
        }
        return result;
    }

    /// <summary>A resolution from the compound-scaling formula: the nearest multiple of 8 (half to even), at least 8.</summary>
    public static int RoundResolution(double resolution) =>
        Math.Max(8, (int)Math.Round(resolution / 8, MidpointRounding.ToEven) * 8);
}
