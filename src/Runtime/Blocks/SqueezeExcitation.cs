using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// Squeeze-and-excitation gate (torchvision's <c>SqueezeExcitation</c>): global average pool,
/// 1×1 conv to the squeeze width, activation, 1×1 conv back, sigmoid, channel-wise scale.
/// </summary>
public sealed class SqueezeExcitation : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _avgpool = nn.AdaptiveAvgPool2d(1);
    private readonly nn.Module<Tensor, Tensor> _fc1;
    private readonly nn.Module<Tensor, Tensor> _fc2;
    private readonly nn.Module<Tensor, Tensor> _activation;
    private readonly nn.Module<Tensor, Tensor> _scaleActivation;

    /// <summary>Creates the gate <paramref name="layer"/> describes, its parameters on <paramref name="device"/>.</summary>
    public SqueezeExcitation(SqueezeLayer layer, Device? device = null)
        : base(nameof(SqueezeExcitation))
    {
        Layer = layer;
        _fc1 = nn.Conv2d(layer.Channels, layer.SqueezeChannels, 1, device: device);
        _fc2 = nn.Conv2d(layer.SqueezeChannels, layer.Channels, 1, device: device);
        _activation = Activations.Create(layer.Activation) ?? nn.Identity();
        _scaleActivation = layer.Gate == Gate.HardSigmoid ? nn.Hardsigmoid() : nn.Sigmoid();
        register_module("avgpool", _avgpool);
        register_module("fc1", _fc1);
        register_module("fc2", _fc2);
        register_module("activation", _activation);
        register_module("scale_activation", _scaleActivation);
    }

    /// <summary>What this gate is: widths and the activation between the two 1×1 convolutions.</summary>
    public SqueezeLayer Layer { get; }

    /// <summary>The reducing 1×1 convolution (<c>fc1</c>).</summary>
    public TorchSharp.Modules.Conv2d Reduce => (TorchSharp.Modules.Conv2d)_fc1;

    /// <summary>The expanding 1×1 convolution (<c>fc2</c>).</summary>
    public TorchSharp.Modules.Conv2d Expand => (TorchSharp.Modules.Conv2d)_fc2;

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var scale = _scaleActivation.call(_fc2.call(_activation.call(_fc1.call(_avgpool.call(input)))));
        return (scale * input).MoveToOuterDisposeScope();
    }
}
