using System;
using System.Collections.Generic;
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
            family.Name, variant.Name, variant.ModelName ?? family.ModelPrefix + variant.Name.ToLowerInvariant(), family.Namespace, variant.Width, variant.Depth,
            new PreprocessSettings(variant.Resolution, variant.CropPct ?? family.Preprocess.CropPct, variant.Interpolation ?? family.Preprocess.Interpolation, family.Preprocess.Normalization),
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
        var plan = new PlanBuilder(family.Name + variant.Name, resolution, variant.Norm, defaults.Padding, variant.ModuleLayout, variant.OutputStride)
            .Stem(stemChannels, layout.Stem.Kernel, layout.Stem.Stride, layout.Stem.Activation ?? defaults.Activation);
        var stages = new List<ResolvedStage>();
        var channels = stemChannels;
        foreach (var rows in Stages(layout.Stages))
        {
            plan.Stage();
            var index = stages.Count == 0 ? 1 : stages[stages.Count - 1].Index + 1;
            var repeats = rows[0].FixedRepeats ? rows.Select(r => r.Repeats).ToArray() : Rounding.ScaleRepeats(rows.Select(r => r.Repeats).ToList(), depth, scaling.DepthRounding);
            var first = 0;
            foreach (var (spec, count) in rows.Zip(repeats, (spec, count) => (spec, count)))
            {
                var stage = new ResolvedStage(index, spec.Kind, spec.Kernel, spec.Stride, spec.Expansion, Scale(spec.Channels), count, spec.SeRatio, first);
                for (var j = 0; j < count; j++)
                {
                    // Only a stage's first block changes stride (torchvision, timm, TF alike).
                    AddBlock(plan, spec, channels, stage.Channels, first + j == 0 ? spec.Stride : 1, defaults, scaling.Divisor, Scale);
                    channels = stage.Channels;
                }
                stages.Add(stage);
                first += count;
            }
        }
        if (layout.Head is { } head)
        {
            var headChannels = head.LastMultiple is { } multiple ? multiple * channels
                : head.Fixed ? head.Channels
                : head.Shrinks ? Scale(head.Channels) : Math.Max(head.Channels, Scale(head.Channels));
            plan.Head(headChannels, head.Kernel, head.Activation ?? defaults.Activation);
        }
        if (family.Hidden is { } hidden)
        {
            plan.Hidden(hidden.Width, hidden.Activation, hidden.Norm);
        }
        return (stages.ToEquatableArray(), plan.Build(family.Classes, variant.Dropout, variant.StochasticDepth));
    }

    /// <summary>The stage table's rows grouped by stage: a <c>stage</c> row and the <c>then</c> rows after it.</summary>
    private static IEnumerable<List<StageSpec>> Stages(IEnumerable<StageSpec> rows)
    {
        var stage = new List<StageSpec>();
        foreach (var row in rows)
        {
            if (!row.Continues && stage.Count > 0)
            {
                yield return stage;
                stage = new List<StageSpec>();
            }
            stage.Add(row);
        }
        if (stage.Count > 0)
        {
            yield return stage;
        }
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
        int? Squeeze(int expanded) => spec.SeRatio > 0 ? SqueezeWidth(input, expanded, spec, defaults, divisor) : null;
        var (activation, skip, se) = (spec.Activation ?? defaults.Activation, spec.Skip != false, defaults.SeActivation);
        int[]? Mixed(EquatableArray<int> kernels) => kernels.Count > 0 ? kernels.ToArray() : null;
        switch (spec.Kind)
        {
            case BlockKind.MBConv when Expand(input) is var expanded && expanded != input:
                plan.InvertedResidual(expanded, output, spec.Kernel, stride, activation, Squeeze(expanded), defaults.SeGate, skip, se,
                    Mixed(spec.Kernels), Mixed(spec.ExpandKernels), Mixed(spec.ProjectKernels));
                break;
            case BlockKind.MBConv or BlockKind.DepthwiseSeparable:
                plan.DepthwiseSeparable(output, spec.Kernel, stride, activation, Squeeze(input), defaults.SeGate, skip, se,
                    spec.PointwiseActivation ? activation : Activation.None, Mixed(spec.Kernels), Mixed(spec.ProjectKernels));
                break;
            case BlockKind.Fused when spec.Expansion == 1:
                plan.ConvNormAct(output, spec.Kernel, stride, activation, skip);
                break;
            case BlockKind.Fused:
                plan.EdgeResidual(Expand(input), output, spec.Kernel, stride, activation, Squeeze(Expand(input)), defaults.SeGate, skip, se);
                break;
            case BlockKind.UniversalInvertedResidual:
                plan.UniversalInvertedResidual(Expand(input), output, stride, activation, spec.UirKernels.Start, spec.Kernel, spec.UirKernels.End,
                    Squeeze(Expand(input)), defaults.SeGate, skip, se);
                break;
            default:
                var edge = Expand(spec.ForcedInput is { } forced ? scale(forced) : input);
                plan.EdgeResidual(edge, output, spec.Kernel, stride, activation, Squeeze(edge), defaults.SeGate, skip, se);
                break;
        }
    }

    /// <summary>
    /// The squeeze width, by the family's SE convention: the ratio of the block's input (torchvision:
    /// <c>max(1, input // 4)</c>; timm: the ratio over the expansion, of the expanded width) or of the expanded width
    /// (timm's <c>se_from_exp</c>), floored, rounded half to even, or rounded to the divisor (MobileNetV3); at least 1.
    /// </summary>
    private static int SqueezeWidth(int input, int expanded, StageSpec spec, DefaultsSpec defaults, int divisor)
    {
        var exact = defaults.SeBase == SeBase.Expanded ? expanded * spec.SeRatio
            : defaults.SeRounding == SeRounding.Floor ? input * spec.SeRatio
            : expanded * (spec.SeRatio / spec.Expansion);
        var width = defaults.SeRounding switch
        {
            SeRounding.Floor => Math.Floor(exact),
            SeRounding.Round => Math.Round(exact, MidpointRounding.ToEven),
            _ => Rounding.RoundChannels(exact, divisor),
        };
        return Math.Max(1, (int)width);
    }
}
