using System.Collections.Generic;

namespace EffNetGen.Dsl.Resolution;

/// <summary>A multi-scale feature map: the <c>features</c> child that produces it, its stride and its channels.</summary>
public sealed record FeatureLevel(int Index, int Stride, int Channels);

/// <summary>The feature maps a detection or segmentation backbone takes from a network (timm's <c>features_only</c>).</summary>
public static class FeatureLevels
{
    /// <summary>The last <c>features</c> child at each stride (stem and stages; not the head).</summary>
    public static IReadOnlyList<FeatureLevel> Of(ResolvedNetwork n)
    {
        var levels = new List<FeatureLevel> { new(0, n.Stem.Stride, n.Stem.OutputChannels) };
        foreach (var stage in n.Stages)
        {
            var stride = levels[levels.Count - 1].Stride * stage.Stride;
            if (stride == levels[levels.Count - 1].Stride)
            {
                levels.RemoveAt(levels.Count - 1);
            }
            levels.Add(new FeatureLevel(stage.Index, stride, stage.Channels));
        }
        return levels;
    }
}
