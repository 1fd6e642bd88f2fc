using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>How to build a generated model; every unset option takes the spec's value.</summary>
public sealed record ModelOptions
{
    /// <summary>Classifier outputs (spec: usually 1000).</summary>
    public long? NumClasses { get; init; }

    /// <summary>Image channels: 1 for grayscale, 4 for RGB + another band. Loading 3-channel weights adapts the stem.</summary>
    public long InChannels { get; init; } = 3;

    /// <summary>Dropout before the classifier.</summary>
    public double? Dropout { get; init; }

    /// <summary>The largest stochastic-depth rate (the last block's); earlier blocks get proportionally less.</summary>
    public double? StochasticDepth { get; init; }

    /// <summary>Where to create the parameters (default device; <c>torch.META</c>: shapes only).</summary>
    public Device? Device { get; init; }
}
