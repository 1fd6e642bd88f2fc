using System;
using System.Linq;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

/// <summary>Applies a variant's width and depth multipliers to its layout and lowers the result to a <see cref="NetworkPlan"/>.</summary>
public static class NetworkResolver
{
    /// <summary>Resolves <paramref name="variant"/> of <paramref name="family"/> to exact blocks.</summary>
    public static ResolvedNetwork Resolve(FamilySpec family, VariantSpec variant)
    {
        var (stages, plan) = Build(family, variant, variant.Width, variant.Depth, variant.Resolution);
        var network = new ResolvedNetwork(
            family.Name, variant.Name, family.ModelPrefix + variant.Name.ToLowerInvariant(), family.Namespace, variant.Width, variant.Depth,
            new PreprocessSettings(variant.Resolution, variant.CropPct ?? family.Preprocess.CropPct, family.Preprocess.Interpolation, family.Preprocess.Normalization),
            stages, plan, Training: variant.Training);
        if (variant.Phi is not { } phi)
        {
            return network;
        }
        var s = family.Scaling;
        var baseline = Build(family, variant, 1.0, 1.0, s.BaseResolution).Plan;
        return network with
        {
            Phi = phi,
            RequestedFlopsRatio = Math.Pow(s.Alpha * s.Beta * s.Beta * s.Gamma * s.Gamma, phi),
            RealisedFlopsRatio = (double)plan.Macs / baseline.Macs,
        };
    }

    private static (EquatableArray<ResolvedStage> Stages, NetworkPlan Plan) Build(FamilySpec family, VariantSpec variant, double width, double depth, int resolution)
    {
        var (scaling, defaults, layout) = (family.Scaling, family.Defaults, variant.Layout);
        int Scale(int channels) => Rounding.RoundChannels(channels * width, scaling.Divisor, scaling.MinChannels);

        var stemChannels = layout.Stem.Fixed ? layout.Stem.Channels : Scale(layout.Stem.Channels);
        var plan = new PlanBuilder(family.Name + variant.Name, resolution, variant.Norm, defaults.Padding)
            .Stem(stemChannels, layout.Stem.Kernel, layout.Stem.Stride, layout.Stem.Activation ?? defaults.Activation);
        var stages = layout.Stages.Select((spec, i) => new ResolvedStage(
            i + 1, spec.Kind, spec.Kernel, spec.Stride, spec.Expansion, Scale(spec.Channels),
            spec.FixedRepeats ? spec.Repeats : Rounding.ScaleRepeats(spec.Repeats, depth, scaling.DepthRounding), spec.SeRatio)).ToEquatableArray();

        var channels = stemChannels;
        foreach (var (spec, stage) in layout.Stages.Zip(stages, (spec, stage) => (spec, stage)))
        {
            plan.Stage();
            for (var j = 0; j < stage.Repeats; j++)
            {
                // Only a stage's first block changes stride and channels (torchvision, timm, TF alike).
                AddBlock(plan, spec, channels, stage.Channels, j == 0 ? spec.Stride : 1, defaults, scaling.Divisor, Scale);
                channels = stage.Channels;
            }
        }
        if (layout.Head is { } head)
        {
            var headChannels = head.LastMultiple is { } multiple ? multiple * channels : head.Fixed ? head.Channels : Scale(head.Channels);
            plan.Head(headChannels, head.Kernel, head.Activation ?? defaults.Activation);
        }
        return (stages, plan.Build(family.Classes, variant.Dropout, variant.StochasticDepth));
    }

    /// <summary>
    /// Lowers one block of a stage to timm's block types. An MBConv whose expansion would not change the width has no
    /// expansion conv (torchvision), which makes it timm's depthwise-separable block; a Fused-MBConv with expansion ratio 1
    /// is a single k×k conv (torchvision); timm's EdgeResidual always expands, from a forced input width when given.
    /// </summary>
    private static void AddBlock(PlanBuilder plan, StageSpec spec, int input, int output, int stride, DefaultsSpec defaults, int divisor, Func<int, int> scale)
    {
        int Expand(double basis) => defaults.ExpandRounding == ExpandRounding.Nearest
            ? (int)Math.Round(basis * spec.Expansion, MidpointRounding.ToEven)
            : Rounding.RoundChannels(basis * spec.Expansion, divisor);
        int? Squeeze(int expanded) => spec.SeRatio > 0 ? SqueezeWidth(input, expanded, spec, defaults) : null;
        var (activation, skip) = (spec.Activation ?? defaults.Activation, spec.Skip != false);
        switch (spec.Kind)
        {
            case BlockKind.MBConv when Expand(input) is var expanded && expanded != input:
                plan.InvertedResidual(expanded, output, spec.Kernel, stride, activation, Squeeze(expanded), defaults.SeGate, skip);
                break;
            case BlockKind.MBConv or BlockKind.DepthwiseSeparable:
                plan.DepthwiseSeparable(output, spec.Kernel, stride, activation, Squeeze(input), defaults.SeGate, skip);
                break;
            case BlockKind.Fused when spec.Expansion == 1:
                plan.ConvNormAct(output, spec.Kernel, stride, activation, skip);
                break;
            case BlockKind.Fused:
                plan.EdgeResidual(Expand(input), output, spec.Kernel, stride, activation, Squeeze(Expand(input)), defaults.SeGate, skip);
                break;
            default:
                var edge = Expand(spec.ForcedInput is { } forced ? scale(forced) : input);
                plan.EdgeResidual(edge, output, spec.Kernel, stride, activation, Squeeze(edge), defaults.SeGate, skip);
                break;
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
}
