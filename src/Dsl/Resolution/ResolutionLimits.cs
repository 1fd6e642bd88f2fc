using System;
using System.Globalization;
using System.Linq;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

/// <summary>
/// Sizes beyond which a variant is rejected before anything is resolved, so a typo such as
/// <c>depth 1e9</c> or <c>width 100000</c> cannot hang or exhaust the IDE. Far above any published
/// EfficientNet (L2: 88 blocks, 8,256 channels, 800 px).
/// </summary>
public static class ResolutionLimits
{
    /// <summary>Channels of any one layer, expansion included.</summary>
    public const int MaxChannels = 1_000_000;

    /// <summary>Input height and width.</summary>
    public const int MaxResolution = 65_536;

    /// <summary>Why <paramref name="variant"/> is too large to resolve, or null. Computed in doubles: nothing overflows.</summary>
    public static string? Problem(VariantSpec variant, Budget budget)
    {
        var layout = variant.Layout;
        var blocks = layout.Stages.Sum(s => Math.Ceiling(s.Repeats * variant.Depth));
        if (blocks > budget.MaxBlocks)
        {
            return $"resolves to {Grouped(blocks)} blocks, over the budget of {Grouped(budget.MaxBlocks)} (EffNetGenMaxBlocks)";
        }
        var channels = layout.Stages.Select(s => Math.Max(s.Channels, s.ForcedInput ?? 0) * Math.Max(1, s.Expansion))
            .Concat(new double[] { layout.Stem.Channels, layout.Head?.Channels ?? 0, (layout.Head?.LastMultiple ?? 0) * layout.Stages.Max(s => s.Channels) })
            .Max() * variant.Width;
        if (channels > MaxChannels)
        {
            return $"resolves to layers of {Grouped(channels)} channels; at most {Grouped(MaxChannels)} are supported";
        }
        return variant.Resolution > MaxResolution
            ? $"resolution {Grouped(variant.Resolution)} is above the supported {Grouped(MaxResolution)}"
            : null;
    }

    private static string Grouped(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
