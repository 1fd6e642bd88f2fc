using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// Mobile inverted bottleneck (torchvision's <c>MBConv</c>): optional 1×1 expansion, k×k depthwise,
/// optional squeeze-excitation, linear 1×1 projection, in a child named <c>block</c> so state_dict keys
/// match (<c>block.0.0.weight</c>, <c>block.2.fc1.weight</c>, …). Residual with stochastic depth when
/// stride is 1 and input equals output channels.
/// </summary>
public sealed class MBConv : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _block;
    private readonly nn.Module<Tensor, Tensor> _stochasticDepth;

    /// <summary>Creates the block. Channel counts are exact: the generator has already rounded them.</summary>
    public MBConv(
        long inputChannels, long expandedChannels, long squeezeChannels, long outputChannels,
        long kernelSize, long stride, double stochasticDepth, NormSettings norm, Activation activation = Activation.SiLU)
        : base(nameof(MBConv))
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        if (expandedChannels != inputChannels)
        {
            layers.Add(new ConvNormActivation(inputChannels, expandedChannels, 1, 1, norm, activation));
        }
        layers.Add(new ConvNormActivation(expandedChannels, expandedChannels, kernelSize, stride, norm, activation, groups: expandedChannels));
        if (squeezeChannels > 0)
        {
            layers.Add(new SqueezeExcitation(expandedChannels, squeezeChannels, activation));
        }
        layers.Add(new ConvNormActivation(expandedChannels, outputChannels, 1, 1, norm, Activation.None));

        UsesResidual = stride == 1 && inputChannels == outputChannels;
        _block = nn.Sequential(layers);
        _stochasticDepth = new StochasticDepth(stochasticDepth);
        register_module("block", _block);
        register_module("stochastic_depth", _stochasticDepth);
    }

    /// <summary>Whether the input is added to the block's output.</summary>
    public bool UsesResidual { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = _block.call(input);
        if (UsesResidual)
        {
            output = _stochasticDepth.call(output) + input;
        }
        return output.MoveToOuterDisposeScope();
    }
}
