using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Formats;
using Padding = EffNetGen.Dsl.Model.Padding;

namespace EffNetGen.Cli.Onnx;

/// <summary>
/// The plan of the model a resolved variant generates, without building it: the same layers, widths and state_dict
/// paths as the generated constructor and the runtime's blocks (a runtime test compares the two for every variant).
/// </summary>
public static class SpecPlan
{
    /// <summary>
    /// The plan of <paramref name="n"/>'s generated model, built with <paramref name="inputChannels"/> and
    /// <paramref name="classes"/> (its options <c>InChannels</c> and <c>NumClasses</c>; by default the spec's).
    /// </summary>
    public static NetworkPlan Of(ResolvedNetwork n, int? inputChannels = null, int? classes = null)
    {
        var stem = inputChannels is { } channels ? n.Stem with { InputChannels = channels } : n.Stem;
        var levels = FeatureLevels.Of(n).Select(l => l.Index).ToHashSet();
        var units = new List<PlanUnit> { new("features.0", new[] { Conv(n, "features.0", stem) }, Residual: false, levels.Contains(0)) };
        foreach (var stage in n.Stages)
        {
            for (var i = 0; i < stage.Blocks.Count; i++)
            {
                var path = $"features.{stage.Index}.{i}";
                var last = i == stage.Blocks.Count - 1;
                units.Add(new PlanUnit(path, BlockLayers(n, stage.Blocks[i], path + ".block."), stage.Blocks[i].Residual, last && levels.Contains(stage.Index)));
            }
        }
        if (n.Head is { } head)
        {
            var path = $"features.{n.Stages.Count + 1}";
            units.Add(new PlanUnit(path, new[] { Conv(n, path, head) }, Residual: false, FeatureLevel: false));
        }
        return new NetworkPlan(n.ClassName, stem.InputChannels, units, n.FeatureChannels, classes ?? n.Classes);
    }

    /// <summary>MBConv: [1×1 expansion], k×k depthwise, [SE], 1×1 projection; Fused-MBConv: k×k expansion, [SE], 1×1 projection, or one k×k conv.</summary>
    private static IReadOnlyList<PlanLayer> BlockLayers(ResolvedNetwork n, ResolvedBlock b, string prefix)
    {
        var layers = new List<PlanLayer>();
        string Next() => prefix + layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (expanded, activation) = (b.ExpandedChannels, Map(b.Activation));
        if (b.Kind == ResolvedBlockKind.Inverted)
        {
            // The runtime's MBConv expands exactly when the expanded width differs from the input's.
            if (expanded != b.InputChannels)
            {
                layers.Add(Conv(n, Next(), b.InputChannels, expanded, 1, 1, 1, activation));
            }
            layers.Add(Conv(n, Next(), expanded, expanded, b.Kernel, b.Stride, expanded, activation));
        }
        else if (b.HasExpansion)
        {
            layers.Add(Conv(n, Next(), b.InputChannels, expanded, b.Kernel, b.Stride, 1, activation));
        }
        else
        {
            layers.Add(Conv(n, Next(), b.InputChannels, b.OutputChannels, b.Kernel, b.Stride, 1, activation));
            return layers;
        }
        if (b.HasSqueezeExcitation)
        {
            layers.Add(new SqueezeLayer(Next(), expanded, b.SqueezeChannels, activation));
        }
        layers.Add(Conv(n, Next(), expanded, b.OutputChannels, 1, 1, 1, LayerActivation.None));
        return layers;
    }

    private static ConvLayer Conv(ResolvedNetwork n, string path, ResolvedConv c) =>
        Conv(n, path, c.InputChannels, c.OutputChannels, c.Kernel, c.Stride, 1, Map(c.Activation));

    private static ConvLayer Conv(ResolvedNetwork n, string path, int input, int output, int kernel, int stride, int groups, LayerActivation activation) =>
        new(path, input, output, kernel, stride, groups, n.Padding == Padding.Same && SamePadding.Differs(kernel, stride), n.Norm.Eps, activation);

    /// <summary>The DSL's activations and the plan's have the same names (a test covers every one).</summary>
    internal static LayerActivation Map(Dsl.Model.Activation activation) => (LayerActivation)Enum.Parse(typeof(LayerActivation), activation.ToString());
}
