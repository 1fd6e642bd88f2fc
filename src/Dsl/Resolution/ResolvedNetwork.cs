using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Resolution;

// A variant with compound scaling applied: exact integers for every layer, ready to emit as code.

/// <summary>A conv-norm-activation layer (stem or head) with its feature-map sizes.</summary>
public sealed record ResolvedConv(
    int InputChannels, int OutputChannels, int Kernel, int Stride, Activation Activation, int InputSize, int OutputSize);

/// <summary>The two block structures every block type resolves to.</summary>
public enum ResolvedBlockKind
{
    /// <summary>Optional 1×1 expansion, k×k depthwise, optional SE, 1×1 projection (mbconv, dsconv).</summary>
    Inverted,

    /// <summary>k×k expansion, optional SE, 1×1 projection; or a single k×k conv without expansion (fused, edge).</summary>
    Fused,
}

/// <summary>
/// One block with exact widths. <see cref="ExpandedChannels"/> is the width the depthwise (inverted) or
/// expansion (fused) conv produces; without an expansion it equals the input. <see cref="SqueezeChannels"/>
/// is 0 without squeeze-excitation. Residual when allowed, stride 1 and input equals output channels.
/// </summary>
public sealed record ResolvedBlock(
    ResolvedBlockKind Kind,
    int Stage,
    int Index,
    int InputChannels,
    bool HasExpansion,
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
    /// <summary>Whether the block has a squeeze-excitation gate.</summary>
    public bool HasSqueezeExcitation => SqueezeChannels > 0;
}

/// <summary>A stage: the scaled row of the stage table and its unrolled blocks.</summary>
public sealed record ResolvedStage(
    int Index, BlockKind Kind, int Kernel, int Stride, double Expansion, int Channels, int Repeats, double SeRatio, EquatableArray<ResolvedBlock> Blocks);

/// <summary>A fully resolved variant, with its analytic parameter and multiply-accumulate counts.</summary>
/// <param name="ModelName">timm/torchvision-style name, e.g. <c>efficientnet_b0</c>.</param>
/// <param name="Preprocess">Evaluation preprocessing, the variant's crop applied.</param>
/// <param name="Head">Null when the network has no head convolution.</param>
/// <param name="Phi">The compound coefficient the variant was declared with, if any.</param>
/// <param name="RequestedFlopsRatio">(alpha·beta²·gamma²)^phi, for <paramref name="Phi"/> variants.</param>
/// <param name="RealisedFlopsRatio">MACs over the unscaled layout's MACs at the base resolution, for <paramref name="Phi"/> variants.</param>
/// <param name="Training">The training recipe, when the spec gives one.</param>
public sealed record ResolvedNetwork(
    string Family,
    string Variant,
    string ModelName,
    string? Namespace,
    int Resolution,
    double Width,
    double Depth,
    double Dropout,
    double StochasticDepth,
    PreprocessSpec Preprocess,
    NormSpec Norm,
    Padding Padding,
    ResolvedConv Stem,
    EquatableArray<ResolvedStage> Stages,
    ResolvedConv? Head,
    int Classes,
    long Parameters,
    long Macs,
    double? Phi = null,
    double? RequestedFlopsRatio = null,
    double? RealisedFlopsRatio = null,
    TrainingSpec? Training = null)
{
    /// <summary>The generated C# class name: family and variant joined, e.g. <c>EfficientNetB0</c>.</summary>
    public string ClassName => Family + Variant;

    /// <summary>Channels into the classifier: the head's, or the last stage's without a head.</summary>
    public int FeatureChannels => Head?.OutputChannels ?? Stages[Stages.Count - 1].Channels;
}
