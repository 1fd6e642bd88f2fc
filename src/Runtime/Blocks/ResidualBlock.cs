using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// A block of layers in a child named <c>block</c>, plus a residual connection through stochastic depth when
/// the block keeps its shape and the spec allows it: what <see cref="MBConv"/> and <see cref="FusedMBConv"/> share.
/// </summary>
public abstract class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _block;
    private readonly nn.Module<Tensor, Tensor> _stochasticDepth;

    /// <summary>Registers <paramref name="layers"/> as <c>block.0</c>, <c>block.1</c>, … and <c>stochastic_depth</c>.</summary>
    protected ResidualBlock(string name, IList<nn.Module<Tensor, Tensor>> layers, bool residual, double stochasticDepth)
        : base(name)
    {
        UsesResidual = residual;
        _block = nn.Sequential(layers);
        _stochasticDepth = new StochasticDepth(stochasticDepth);
        register_module("block", _block);
        register_module("stochastic_depth", _stochasticDepth);
    }

    /// <summary>The block's layers in order: <see cref="ConvNormActivation"/> and <see cref="SqueezeExcitation"/>.</summary>
    public IEnumerable<nn.Module> Layers => _block.children();

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
