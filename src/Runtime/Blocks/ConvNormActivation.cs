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
        (Stride, Groups, SamePadding, ActivationKind) = (stride, groups, _conv is Conv2dSame, activation);
        register_module("0", _conv);
        register_module("1", _norm);
        if (_activation is not null)
        {
            register_module("2", _activation);
        }
    }

    /// <summary>The convolution's stride.</summary>
    public long Stride { get; }

    /// <summary>The convolution's groups (the channels for a depthwise conv).</summary>
    public long Groups { get; }

    /// <summary>Whether the convolution pads like TensorFlow ('same', from the input size).</summary>
    public bool SamePadding { get; }

    /// <summary>The activation after the BatchNorm.</summary>
    public Activation ActivationKind { get; }

    /// <summary>The convolution kernel, [out, in/groups, k, k].</summary>
    public Tensor ConvWeight => _conv is Conv2dSame same ? same.weight : ((TorchSharp.Modules.Conv2d)_conv).weight;

    /// <summary>The BatchNorm layer.</summary>
    public TorchSharp.Modules.BatchNorm2d Norm => (TorchSharp.Modules.BatchNorm2d)_norm;

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
