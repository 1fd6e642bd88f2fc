using System.Linq;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// A block of a plan (<see cref="PlanUnit"/>: timm's <c>ds</c>, <c>ir</c>, <c>er</c> or <c>cn</c>): its layers in a child
/// named <c>block</c> (keys <c>block.0.0.weight</c>, <c>block.2.fc1.weight</c>, … as torchvision's <c>MBConv</c> and
/// <c>FusedMBConv</c>), plus the input through stochastic depth when the plan says the block is residual.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _block;
    private readonly nn.Module<Tensor, Tensor> _stochasticDepth;

    /// <summary>Creates the layers of <paramref name="unit"/>, dropping the residual branch at <paramref name="stochasticDepth"/> while training.</summary>
    public ResidualBlock(PlanUnit unit, NormSettings norm, double stochasticDepth, Device? device = null)
        : base(nameof(ResidualBlock))
    {
        Unit = unit;
        _block = nn.Sequential(unit.Layers.Select(layer => LayerModules.Create(layer, norm, device)).ToList());
        _stochasticDepth = new StochasticDepth(stochasticDepth);
        register_module("block", _block);
        register_module("stochastic_depth", _stochasticDepth);
    }

    /// <summary>What this block is.</summary>
    public PlanUnit Unit { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = _block.call(input);
        if (Unit.Residual)
        {
            output = _stochasticDepth.call(output) + input;
        }
        return output.MoveToOuterDisposeScope();
    }
}
