using System;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>The module of each kind of plan layer.</summary>
public static class LayerModules
{
    /// <summary>A new module for <paramref name="layer"/>, its parameters on <paramref name="device"/>.</summary>
    public static nn.Module<Tensor, Tensor> Create(PlanLayer layer, NormSettings norm, Device? device) => layer switch
    {
        ConvLayer conv => new ConvNormActivation(conv, norm, device),
        SqueezeLayer se => new SqueezeExcitation(se, device),
        _ => throw new ArgumentException($"no module for a {layer.GetType().Name} at {layer.Path}", nameof(layer)),
    };
}
