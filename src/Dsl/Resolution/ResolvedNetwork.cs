using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

// A variant with compound scaling applied: exact integers for every layer, ready to emit as code.

/// <summary>A conv-norm-activation layer (stem or head) with its feature-map sizes.</summary>
public sealed record ResolvedConv(
    int InputChannels, int OutputChannels, int Kernel, int Stride, Activation Activation, int InputSize, int OutputSize);

/// <summary>
/// One MBConv block: 1×1 expansion (absent when <see cref="ExpandedChannels"/> equals the input),
/// k×k depthwise, squeeze-excitation (absent when <see cref="SqueezeChannels"/> is 0), 1×1 projection,
/// and a residual connection when stride is 1 and input equals output channels.
/// </summary>
public sealed record ResolvedBlock(
    int Stage,
    int Index,
    int InputChannels,
    int ExpandedChannels,
    int SqueezeChannels,
    int OutputChannels,
    int Kernel,
    int Stride,
    bool Residual,
    double StochasticDepth,
    Activation Activation,
    int InputSize,
    int OutputSize)
{
    /// <summary>Whether the block starts with a 1×1 expansion convolution.</summary>
    public bool HasExpansion => ExpandedChannels != InputChannels;

    /// <summary>Whether the block has a squeeze-excitation gate.</summary>
    public bool HasSqueezeExcitation => SqueezeChannels > 0;
}

/// <summary>A stage: the scaled row of the stage table and its unrolled blocks.</summary>
public sealed record ResolvedStage(
    int Index, int Kernel, int Stride, double Expansion, int Channels, int Repeats, double SeRatio, EquatableArray<ResolvedBlock> Blocks);

/// <summary>A fully resolved variant, with its analytic parameter and multiply-accumulate counts.</summary>
public sealed record ResolvedNetwork(
    string Family,
    string Variant,
    string? Namespace,
    int Resolution,
    double Width,
    double Depth,
    double Dropout,
    double StochasticDepth,
    NormSpec Norm,
    ResolvedConv Stem,
    EquatableArray<ResolvedStage> Stages,
    ResolvedConv Head,
    int Classes,
    long Parameters,
    long Macs)
{
    /// <summary>The generated C# class name: family and variant joined, e.g. <c>EfficientNetB0</c>.</summary>
    public string ClassName => Family + Variant;

    /// <summary>timm-style model name, e.g. <c>efficientnet_b0</c>.</summary>
    public string ModelName => (Family + "_" + Variant).ToLowerInvariant();
}
