using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// Convolution (no bias), BatchNorm, optional activation: torchvision's <c>Conv2dNormActivation</c>,
/// with its child names <c>0</c>, <c>1</c>, <c>2</c> so state_dict keys match.
/// </summary>
public sealed class ConvNormActivation : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _conv;
    private readonly nn.Module<Tensor, Tensor> _norm;
    private readonly nn.Module<Tensor, Tensor>? _activation;

    /// <summary>Creates the layer; <paramref name="groups"/> equal to the channels makes it depthwise.</summary>
    public ConvNormActivation(
        long inputChannels, long outputChannels, long kernelSize, long stride, LayerSettings settings, Activation activation, long groups = 1)
        : base(nameof(ConvNormActivation))
    {
        _conv = Convolutions.Create(inputChannels, outputChannels, kernelSize, stride, groups, bias: false, settings);
        _norm = nn.BatchNorm2d(outputChannels, eps: settings.Norm.Eps, momentum: settings.Norm.Momentum, device: settings.Device);
        _activation = Activations.Create(activation);
        register_module("0", _conv);
        register_module("1", _norm);
        if (_activation is not null)
        {
            register_module("2", _activation);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = _norm.call(_conv.call(input));
        if (_activation is not null)
        {
            output = _activation.call(output);
        }
        return output.MoveToOuterDisposeScope();
    }
}
