using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// Fused-MBConv (torchvision's <c>FusedMBConv</c>, timm's <c>EdgeResidual</c>): a k×k expansion conv, optional
/// squeeze-excitation, a linear 1×1 projection; or, with <c>expandedChannels</c> 0, a single k×k conv
/// (torchvision's e = 1 case). Child <c>block</c> holds them, so keys are <c>block.0.0.weight</c>, …
/// </summary>
public sealed class FusedMBConv : ResidualBlock
{
    /// <summary>Creates the block. Channel counts are exact: the generator has already rounded them.</summary>
    public FusedMBConv(
        long inputChannels, long expandedChannels, long squeezeChannels, long outputChannels,
        long kernelSize, long stride, double stochasticDepth, LayerSettings settings, Activation activation = Activation.SiLU,
        bool residual = true)
        : base(nameof(FusedMBConv), BuildLayers(inputChannels, expandedChannels, squeezeChannels, outputChannels, kernelSize, stride, settings, activation),
               residual && stride == 1 && inputChannels == outputChannels, stochasticDepth)
    {
    }

    private static List<nn.Module<Tensor, Tensor>> BuildLayers(
        long input, long expanded, long squeeze, long output, long kernel, long stride, LayerSettings settings, Activation activation)
    {
        if (expanded == 0)
        {
            return new List<nn.Module<Tensor, Tensor>> { new ConvNormActivation(input, output, kernel, stride, settings, activation) };
        }
        var layers = new List<nn.Module<Tensor, Tensor>> { new ConvNormActivation(input, expanded, kernel, stride, settings, activation) };
        if (squeeze > 0)
        {
            layers.Add(new SqueezeExcitation(expanded, squeeze, activation, settings.Device));
        }
        layers.Add(new ConvNormActivation(expanded, output, 1, 1, settings, Activation.None));
        return layers;
    }
}
