using System.Collections.Generic;

namespace EffNetGen.Architecture;

/// <summary>A tensor of a layer: our (torchvision's) state_dict name, timm's name for it, its shape, whether it is learnable.</summary>
public sealed record PlanTensor(string Name, string TimmName, IReadOnlyList<long> Shape, bool Learnable)
{
    /// <summary>timm's shape of the tensor where it differs (a hidden linear layer that timm keeps as a 1×1 convolution).</summary>
    public IReadOnlyList<long>? TimmShape { get; init; }

    /// <summary>The number of elements.</summary>
    public long Elements
    {
        get
        {
            var product = 1L;
            foreach (var d in Shape)
            {
                product *= d;
            }
            return product;
        }
    }
}

/// <summary>A layer of the feature extractor at its module path (torchvision's state_dict names), with timm's names for its tensors.</summary>
public abstract record PlanLayer(string Path)
{
    /// <summary>Every tensor of the layer (parameters and BatchNorm statistics), with its shape.</summary>
    public abstract IEnumerable<PlanTensor> Tensors();

    /// <summary>Multiply-accumulates of one image.</summary>
    public abstract long Macs { get; }
}

/// <summary>
/// Convolution without bias, BatchNorm and activation (torchvision's <c>Conv2dNormActivation</c>): <c>{Path}.0.weight</c>
/// [out, in / groups, k, k] and <c>{Path}.1.{weight, bias, running_mean, running_var}</c> [out]; timm calls them
/// <paramref name="TimmConv"/> and <paramref name="TimmNorm"/>. <paramref name="SamePadding"/>: TensorFlow 'same' padding
/// that differs from symmetric (k − 1) / 2 (the extra row and column at the end). Sizes are at the plan's resolution.
/// </summary>
public sealed record ConvLayer(
    string Path,
    string TimmConv,
    string TimmNorm,
    int InputChannels,
    int OutputChannels,
    int Kernel,
    int Stride,
    int Groups,
    bool SamePadding,
    Activation Activation,
    int InputSize,
    int OutputSize)
    : PlanLayer(Path)
{
    /// <inheritdoc />
    public override IEnumerable<PlanTensor> Tensors()
    {
        yield return new($"{Path}.0.weight", $"{TimmConv}.weight", new long[] { OutputChannels, InputChannels / Groups, Kernel, Kernel }, true);
        foreach (var (statistic, learnable) in new[] { ("weight", true), ("bias", true), ("running_mean", false), ("running_var", false) })
        {
            yield return new($"{Path}.1.{statistic}", $"{TimmNorm}.{statistic}", new long[] { OutputChannels }, learnable);
        }
    }

    /// <inheritdoc />
    public override long Macs => (long)OutputSize * OutputSize * OutputChannels * (InputChannels / Groups) * Kernel * Kernel;
}

/// <summary>
/// Squeeze-excitation (torchvision's <c>SqueezeExcitation</c>, timm's <c>se</c>): global average pool, <c>{Path}.fc1</c>
/// (1×1 conv with bias, to <paramref name="SqueezeChannels"/>), <paramref name="Activation"/>, <c>{Path}.fc2</c> (back to
/// <paramref name="Channels"/>), the <paramref name="Gate"/>, and the product with the input.
/// </summary>
public sealed record SqueezeLayer(string Path, string TimmPath, int Channels, int SqueezeChannels, Activation Activation, Gate Gate) : PlanLayer(Path)
{
    /// <inheritdoc />
    public override IEnumerable<PlanTensor> Tensors()
    {
        yield return new($"{Path}.fc1.weight", $"{TimmPath}.conv_reduce.weight", new long[] { SqueezeChannels, Channels, 1, 1 }, true);
        yield return new($"{Path}.fc1.bias", $"{TimmPath}.conv_reduce.bias", new long[] { SqueezeChannels }, true);
        yield return new($"{Path}.fc2.weight", $"{TimmPath}.conv_expand.weight", new long[] { Channels, SqueezeChannels, 1, 1 }, true);
        yield return new($"{Path}.fc2.bias", $"{TimmPath}.conv_expand.bias", new long[] { Channels }, true);
    }

    /// <inheritdoc />
    public override long Macs => 2L * Channels * SqueezeChannels;
}
