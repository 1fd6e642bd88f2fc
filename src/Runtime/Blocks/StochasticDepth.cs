using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>
/// Stochastic depth in "row" mode (torchvision's <c>StochasticDepth</c>): while training, zeroes a whole
/// residual branch per sample with probability <see cref="Probability"/> and rescales survivors by
/// 1/(1−p); the identity in eval mode.
/// </summary>
public sealed class StochasticDepth : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with drop probability <paramref name="probability"/>.</summary>
    public StochasticDepth(double probability)
        : base(nameof(StochasticDepth)) => Probability = probability;

    /// <summary>The probability of dropping a sample's branch.</summary>
    public double Probability { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training || Probability == 0.0)
        {
            return input.alias();
        }
        using var scope = NewDisposeScope();
        var survival = 1.0 - Probability;
        var shape = new long[input.dim()];
        shape[0] = input.shape[0];
        for (var i = 1; i < shape.Length; i++)
        {
            shape[i] = 1;
        }
        var noise = empty(shape, input.dtype, input.device).bernoulli_(survival);
        if (survival > 0.0)
        {
            noise.div_(survival);
        }
        return (input * noise).MoveToOuterDisposeScope();
    }
}
