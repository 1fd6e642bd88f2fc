using System;
using System.Globalization;
using System.Linq;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

/// <summary>
/// Sizes beyond which a variant is rejected before anything is resolved, so a typo such as
/// <c>depth 1e9</c>, <c>width 100000</c> or <c>divisor 8e6</c> cannot hang, overflow or exhaust the IDE. Far above any
/// published EfficientNet (L2: 88 blocks, 8,256 channels, 800 px, about 10^11 multiply-accumulates).
/// </summary>
public static class ResolutionLimits
{
    /// <summary>Channels of any one layer, expansion included.</summary>
    public const int MaxChannels = 1_000_000;

    /// <summary>Input height and width.</summary>
    public const int MaxResolution = 65_536;

    /// <summary>Parameter and multiply-accumulate counts are 64-bit; this leaves a factor of two of headroom.</summary>
    private const double MaxCount = 4.6e18;

    /// <summary>Why <paramref name="variant"/> of <paramref name="family"/> is too large to resolve, or null. Computed in doubles: nothing overflows.</summary>
    public static string? Problem(FamilySpec family, VariantSpec variant, Budget budget)
    {
        var layout = variant.Layout;
        var blocks = layout.Stages.Select(s => s.FixedRepeats ? s.Repeats : Math.Ceiling(s.Repeats * variant.Depth)).ToArray();
        if (blocks.Sum() > budget.MaxBlocks)
        {
            return $"resolves to {Grouped(blocks.Sum())} blocks, over the budget of {Grouped(budget.MaxBlocks)} (EffNetGenMaxBlocks)";
        }
        var channels = WidestLayer(family.Scaling, variant, family.Hidden?.Width ?? 0);
        if (channels > MaxChannels)
        {
            return $"resolves to layers of up to {Grouped(channels)} channels; at most {Grouped(MaxChannels)} are supported";
        }
        if (variant.Resolution > MaxResolution)
        {
            return $"resolution {Grouped(variant.Resolution)} is above the supported {Grouped(MaxResolution)}";
        }
        var macs = CountBound(family, variant, blocks, channels);
        return macs > MaxCount
            ? $"is too large to count: up to {macs.ToString("0.0E0", CultureInfo.InvariantCulture)} multiply-accumulates, more than 64-bit counts hold"
            : null;
    }

    /// <summary>
    /// An upper bound of any layer's width after scaling and rounding: rounding to the divisor adds less than one
    /// divisor (make_divisible's 10 % rule included) and never goes below the channel minimum.
    /// </summary>
    private static double WidestLayer(ScalingSpec scaling, VariantSpec variant, double hidden)
    {
        var layout = variant.Layout;
        var widest = layout.Stages.Select(s => Math.Max(s.Channels, s.ForcedInput ?? 0) * Math.Max(1, s.Expansion))
            .Concat(new double[] { layout.Stem.Channels, layout.Head?.Channels ?? 0, (layout.Head?.LastMultiple ?? 0) * layout.Stages.Max(s => s.Channels), hidden })
            .Max() * variant.Width;
        return Math.Max(scaling.MinChannels ?? scaling.Divisor, widest) + scaling.Divisor;
    }

    /// <summary>
    /// An upper bound of the multiply-accumulates (which also bounds the parameters): at most four convolutions per
    /// block, each at most <paramref name="channels"/>² × k² weights applied at every position of the stage's input,
    /// whose side is at most the resolution over the strides before it, plus one; the classifier is channels × classes.
    /// </summary>
    private static double CountBound(FamilySpec family, VariantSpec variant, double[] blocks, double channels)
    {
        var layout = variant.Layout;
        var kernel = layout.Stages.Select(s => s.Kernel).Append(layout.Stem.Kernel).Append(layout.Head?.Kernel ?? 1).Max();
        var perPosition = 4 * channels * channels * kernel * kernel;
        double Positions(double stride) => Math.Pow((variant.Resolution / stride) + 1, 2);
        var total = perPosition * Positions(1) + (channels * family.Classes);
        var stride = (double)layout.Stem.Stride;
        for (var i = 0; i < blocks.Length; i++)
        {
            total += blocks[i] * perPosition * Positions(stride);
            stride *= layout.Stages[i].Stride;
        }
        return total + (perPosition * Positions(stride));
    }

    private static string Grouped(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
