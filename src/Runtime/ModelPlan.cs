using System;
using System.Linq;
using EffNetGen.Formats;
using EffNetGen.Runtime.Blocks;
using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>
/// A model's structure as a <see cref="NetworkPlan"/> (layer kinds, widths, strides, state_dict paths), read from its
/// modules: what the ONNX export writes and timm's names are derived from.
/// </summary>
public static class ModelPlan
{
    /// <summary>The plan of <paramref name="model"/>'s modules.</summary>
    public static NetworkPlan Of(EfficientNetModule model)
    {
        var units = model.FeatureUnits()
            .Select(u => new PlanUnit(u.Path, u.Layers.Select(l => Layer(l.Path, l.Layer)).ToList(), u.Residual, u.EndsLevel))
            .ToList();
        var linear = model.ClassifierLinear.weight!;
        return new NetworkPlan(model.GetType().Name, (int)model.InputChannels, units, (int)linear.shape[1], (int)linear.shape[0]);
    }

    private static PlanLayer Layer(string path, nn.Module layer)
    {
        if (layer is SqueezeExcitation se)
        {
            var reduce = se.Reduce.weight.shape;
            return new SqueezeLayer(path, (int)reduce[1], (int)reduce[0], Map(se.ActivationKind));
        }
        var conv = (ConvNormActivation)layer;
        var shape = conv.ConvWeight.shape;
        return new ConvLayer(path, (int)(shape[1] * conv.Groups), (int)shape[0], (int)shape[2], (int)conv.Stride, (int)conv.Groups, conv.SamePadding,
            conv.Norm.eps, Map(conv.ActivationKind));
    }

    /// <summary>The runtime's activations and the plan's have the same names (a test covers every one).</summary>
    internal static LayerActivation Map(Activation activation) => Enum.Parse<LayerActivation>(activation.ToString());
}
