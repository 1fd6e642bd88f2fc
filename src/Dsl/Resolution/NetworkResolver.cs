using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

/// <summary>Applies a variant's width and depth multipliers to its layout.</summary>
public static class NetworkResolver
{
    /// <summary>The input image channels (RGB).</summary>
    public const int ImageChannels = 3;

    /// <summary>Resolves <paramref name="variant"/> of <paramref name="family"/> to exact blocks.</summary>
    public static ResolvedNetwork Resolve(FamilySpec family, VariantSpec variant)
    {
        var network = Build(family, variant, variant.Width, variant.Depth, variant.Resolution);
        if (variant.Phi is not { } phi)
        {
            return network;
        }
        var s = family.Scaling;
        var baseline = Build(family, variant, 1.0, 1.0, s.BaseResolution);
        return network with
        {
            Phi = phi,
            RequestedFlopsRatio = Math.Pow(s.Alpha * s.Beta * s.Beta * s.Gamma * s.Gamma, phi),
            RealisedFlopsRatio = (double)network.Macs / baseline.Macs,
        };
    }

    private static ResolvedNetwork Build(FamilySpec family, VariantSpec variant, double width, double depth, int resolution)
    {
        var scaling = family.Scaling;
        var defaults = family.Defaults;
        var layout = variant.Layout;
        int Scale(int channels) => Rounding.RoundChannels(channels * width, scaling.Divisor, scaling.MinChannels);

        var stemChannels = layout.Stem.Fixed ? layout.Stem.Channels : Scale(layout.Stem.Channels);
        var stem = Conv(layout.Stem, ImageChannels, stemChannels, resolution, defaults.Activation);
        var repeats = layout.Stages.Select(s => s.FixedRepeats ? s.Repeats : Rounding.ScaleRepeats(s.Repeats, depth, scaling.DepthRounding)).ToList();
        var totalBlocks = repeats.Sum();

        var stages = new List<ResolvedStage>();
        var (channels, size, blockId) = (stem.OutputChannels, stem.OutputSize, 0);
        for (var i = 0; i < layout.Stages.Count; i++)
        {
            var spec = layout.Stages[i];
            var output = Scale(spec.Channels);
            var blocks = new List<ResolvedBlock>();
            for (var j = 0; j < repeats[i]; j++)
            {
                // Only a stage's first block changes stride and channels (torchvision, timm, TF alike).
                var stride = j == 0 ? spec.Stride : 1;
                var outputSize = Rounding.ConvOutputSize(size, spec.Kernel, stride);
                var (kind, hasExpansion, expanded) = Expansion(spec, channels, defaults, scaling.Divisor, Scale);
                blocks.Add(new ResolvedBlock(
                    Kind: kind,
                    Stage: i + 1,
                    Index: j,
                    InputChannels: channels,
                    HasExpansion: hasExpansion,
                    ExpandedChannels: expanded,
                    SqueezeChannels: spec.SeRatio > 0 ? SqueezeWidth(channels, expanded, spec, defaults) : 0,
                    OutputChannels: output,
                    Kernel: spec.Kernel,
                    Stride: stride,
                    Residual: spec.Skip != false && stride == 1 && channels == output,
                    // Linear in the block index over the whole network (torchvision and timm): p·id/total.
                    StochasticDepth: variant.StochasticDepth * blockId / totalBlocks,
                    Activation: spec.Activation ?? defaults.Activation,
                    InputSize: size,
                    OutputSize: outputSize));
                (channels, size, blockId) = (output, outputSize, blockId + 1);
            }
            stages.Add(new ResolvedStage(i + 1, spec.Kind, spec.Kernel, spec.Stride, spec.Expansion, output, repeats[i], spec.SeRatio, blocks.ToEquatableArray()));
        }

        var head = layout.Head is { } h ? Conv(h, channels, HeadChannels(h, channels, Scale), size, defaults.Activation) : null;
        var resolvedStages = stages.ToEquatableArray();
        var features = head?.OutputChannels ?? channels;
        return new ResolvedNetwork(
            family.Name, variant.Name, family.ModelPrefix + variant.Name.ToLowerInvariant(), family.Namespace, resolution, width, depth, variant.Dropout, variant.StochasticDepth,
            variant.CropPct is { } crop ? family.Preprocess with { CropPct = crop } : family.Preprocess, variant.Norm, defaults.Padding, stem, resolvedStages, head, family.Classes,
            CostModel.Parameters(stem, resolvedStages, head, features, family.Classes),
            CostModel.Macs(stem, resolvedStages, head, features, family.Classes),
            Training: variant.Training);
    }

    /// <summary>The resolved structure and the width of a block's expanded (or depthwise) stage.</summary>
    private static (ResolvedBlockKind Kind, bool HasExpansion, int Expanded) Expansion(
        StageSpec spec, int input, DefaultsSpec defaults, int divisor, Func<int, int> scale)
    {
        int Expand(double basis) => defaults.ExpandRounding == ExpandRounding.Nearest
            ? (int)Math.Round(basis * spec.Expansion, MidpointRounding.ToEven)
            : Rounding.RoundChannels(basis * spec.Expansion, divisor);
        switch (spec.Kind)
        {
            case BlockKind.MBConv:
                // torchvision omits the 1x1 expansion exactly when it would not change the width.
                var expanded = Expand(input);
                return (ResolvedBlockKind.Inverted, expanded != input, expanded);
            case BlockKind.DepthwiseSeparable:
                return (ResolvedBlockKind.Inverted, false, input);
            case BlockKind.Fused:
                // torchvision's FusedMBConv is a single k×k conv when e = 1.
                return spec.Expansion == 1 ? (ResolvedBlockKind.Fused, false, input) : (ResolvedBlockKind.Fused, true, Expand(input));
            default:
                // timm's EdgeResidual always expands, from the forced input width when given (itself width-scaled).
                return (ResolvedBlockKind.Fused, true, Expand(spec.ForcedInput is { } forced ? scale(forced) : input));
        }
    }

    /// <summary>The squeeze width, by the family's SE convention.</summary>
    private static int SqueezeWidth(int input, int expanded, StageSpec spec, DefaultsSpec defaults)
    {
        var width = (defaults.SeBase, defaults.SeRounding) switch
        {
            // torchvision: max(1, input_channels // 4) for ratio 0.25.
            (SeBase.Input, SeRounding.Floor) => Math.Floor(input * spec.SeRatio),
            // timm: the ratio is divided by the expansion, then applied to the expanded width and rounded.
            (SeBase.Input, SeRounding.Round) => Math.Round(expanded * (spec.SeRatio / spec.Expansion), MidpointRounding.ToEven),
            (SeBase.Expanded, SeRounding.Floor) => Math.Floor(expanded * spec.SeRatio),
            _ => Math.Round(expanded * spec.SeRatio, MidpointRounding.ToEven),
        };
        return Math.Max(1, (int)width);
    }

    private static int HeadChannels(ConvSpec head, int lastStage, Func<int, int> scale) =>
        head.LastMultiple is { } multiple ? multiple * lastStage : head.Fixed ? head.Channels : scale(head.Channels);

    private static ResolvedConv Conv(ConvSpec spec, int input, int output, int size, Activation fallback) =>
        new(input, output, spec.Kernel, spec.Stride, spec.Activation ?? fallback, size, Rounding.ConvOutputSize(size, spec.Kernel, spec.Stride));
}
