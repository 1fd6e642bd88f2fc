using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// A plan's <see cref="ConvLayer"/>: convolution (no bias), BatchNorm, optional activation — torchvision's
/// <c>Conv2dNormActivation</c>, with its child names <c>0</c>, <c>1</c>, <c>2</c> so state_dict keys match.
/// </summary>
public sealed class ConvNormActivation : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _conv;
    private readonly nn.Module<Tensor, Tensor> _norm;
    private readonly nn.Module<Tensor, Tensor>? _activation;

    /// <summary>Creates the layer <paramref name="layer"/> describes, its parameters on <paramref name="device"/> (null: the default device).</summary>
    public ConvNormActivation(ConvLayer layer, NormSettings norm, Device? device = null)
        : base(nameof(ConvNormActivation))
    {
        Layer = layer;
        _conv = Convolutions.Create(layer, device);
        _norm = nn.BatchNorm2d(layer.OutputChannels, eps: norm.Eps, momentum: norm.Momentum, device: device);
        _activation = Activations.Create(layer.Activation);
        register_module("0", _conv);
        register_module("1", _norm);
        if (_activation is not null)
        {
            register_module("2", _activation);
        }
    }

    /// <summary>What this layer is: channels, kernel, stride, groups, padding, activation.</summary>
    public ConvLayer Layer { get; }

    /// <summary>The convolution kernel, [out, in/groups, k, k].</summary>
    /// <remarks>A mixed convolution's is its equivalent single kernel (<see cref="ConvLayer.Equivalent"/>), a new tensor.</remarks>
    public Tensor ConvWeight => Convolutions.Weight(_conv);

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
