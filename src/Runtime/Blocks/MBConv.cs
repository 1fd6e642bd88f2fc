using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// Mobile inverted bottleneck (torchvision's <c>MBConv</c>): optional 1×1 expansion, k×k depthwise,
/// optional squeeze-excitation, linear 1×1 projection, in a child named <c>block</c> so state_dict keys
/// match (<c>block.0.0.weight</c>, <c>block.2.fc1.weight</c>, …). Residual with stochastic depth when
/// stride is 1, input equals output channels and <c>residual</c> is not turned off (timm's <c>noskip</c>).
/// With expanded equal to input channels it is also timm's depthwise-separable block.
/// </summary>
public sealed class MBConv : ResidualBlock
{
    /// <summary>Creates the block. Channel counts are exact: the generator has already rounded them.</summary>
    public MBConv(
        long inputChannels, long expandedChannels, long squeezeChannels, long outputChannels,
        long kernelSize, long stride, double stochasticDepth, LayerSettings settings, Activation activation = Activation.SiLU,
        bool residual = true)
        : base(nameof(MBConv), BuildLayers(inputChannels, expandedChannels, squeezeChannels, outputChannels, kernelSize, stride, settings, activation),
               residual && stride == 1 && inputChannels == outputChannels, stochasticDepth)
    {
    }

    private static List<nn.Module<Tensor, Tensor>> BuildLayers(
        long input, long expanded, long squeeze, long output, long kernel, long stride, LayerSettings settings, Activation activation)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        if (expanded != input)
        {
            layers.Add(new ConvNormActivation(input, expanded, 1, 1, settings, activation));
        }
        layers.Add(new ConvNormActivation(expanded, expanded, kernel, stride, settings, activation, groups: expanded));
        if (squeeze > 0)
        {
            layers.Add(new SqueezeExcitation(expanded, squeeze, activation, settings.Device));
        }
        layers.Add(new ConvNormActivation(expanded, output, 1, 1, settings, Activation.None));
        return layers;
    }
}
