using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

/// <summary>Applies a variant's width and depth multipliers to its family's baseline.</summary>
public static class NetworkResolver
{
    /// <summary>The input image channels (RGB).</summary>
    public const int ImageChannels = 3;

    /// <summary>Resolves <paramref name="variant"/> of <paramref name="family"/> to exact blocks.</summary>
    public static ResolvedNetwork Resolve(FamilySpec family, VariantSpec variant)
    {
        var divisor = family.Scaling.Divisor;
        int Scale(int channels) => Rounding.ScaleChannels(channels, variant.Width, divisor);

        var stem = Conv(family.Stem, ImageChannels, Scale(family.Stem.Channels), variant.Resolution);
        var repeats = family.Stages.Select(s => Rounding.ScaleRepeats(s.Repeats, variant.Depth, family.Scaling.DepthRounding)).ToList();
        var totalBlocks = repeats.Sum();

        var stages = new List<ResolvedStage>();
        var (channels, size, blockId) = (stem.OutputChannels, stem.OutputSize, 0);
        for (var i = 0; i < family.Stages.Count; i++)
        {
            var spec = family.Stages[i];
            var output = Scale(spec.Channels);
            var blocks = new List<ResolvedBlock>();
            for (var j = 0; j < repeats[i]; j++)
            {
                // Only a stage's first block changes stride and channels (torchvision, timm, TF alike).
                var stride = j == 0 ? spec.Stride : 1;
                var outputSize = Rounding.ConvOutputSize(size, spec.Kernel, stride);
                blocks.Add(new ResolvedBlock(
                    Stage: i + 1,
                    Index: j,
                    InputChannels: channels,
                    ExpandedChannels: Rounding.RoundChannels(channels * spec.Expansion, divisor),
                    SqueezeChannels: spec.SeRatio > 0 ? Math.Max(1, (int)(channels * spec.SeRatio)) : 0,
                    OutputChannels: output,
                    Kernel: spec.Kernel,
                    Stride: stride,
                    Residual: stride == 1 && channels == output,
                    // Linear in the block index over the whole network, as torchvision: p·id/total.
                    StochasticDepth: variant.StochasticDepth * blockId / totalBlocks,
                    Activation: spec.Activation,
                    InputSize: size,
                    OutputSize: outputSize));
                (channels, size, blockId) = (output, outputSize, blockId + 1);
            }
            stages.Add(new ResolvedStage(i + 1, spec.Kernel, spec.Stride, spec.Expansion, output, repeats[i], spec.SeRatio, blocks.ToEquatableArray()));
        }

        var head = Conv(family.Head, channels, Scale(family.Head.Channels), size);
        var resolvedStages = stages.ToEquatableArray();
        return new ResolvedNetwork(
            family.Name, variant.Name, family.Namespace, variant.Resolution, variant.Width, variant.Depth,
            variant.Dropout, variant.StochasticDepth, variant.Norm, stem, resolvedStages, head, family.Classes,
            CostModel.Parameters(stem, resolvedStages, head, family.Classes),
            CostModel.Macs(stem, resolvedStages, head, family.Classes));
    }

    private static ResolvedConv Conv(ConvSpec spec, int input, int output, int size) =>
        new(input, output, spec.Kernel, spec.Stride, spec.Activation, size, Rounding.ConvOutputSize(size, spec.Kernel, spec.Stride));
}
