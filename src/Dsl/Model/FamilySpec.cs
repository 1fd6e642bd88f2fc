using EffNetGen.Dsl.Text;

namespace EffNetGen.Dsl.Model;

// The bound model: a family's settings and each variant's layers with every default applied and every
// value checked, still unscaled. Spans point back at the statement each value came from.

/// <summary>Compound-scaling constants and rounding rules.</summary>
/// <param name="MinChannels">Lower bound of a rounded channel count (default: the divisor).</param>
/// <param name="BaseResolution">Resolution of the baseline, scaled by gamma^phi for <c>phi</c> variants.</param>
public sealed record ScalingSpec(
    double Alpha, double Beta, double Gamma, int Divisor, int? MinChannels, DepthRounding DepthRounding, int BaseResolution);

/// <summary>Family-wide block conventions; stages may override the activation.</summary>
/// <param name="SeGate">The squeeze-excitation gate of every block.</param>
/// <param name="SeActivation">The activation inside every squeeze-excitation; null: the block's (timm's <c>force_act_layer</c>).</param>
public sealed record DefaultsSpec(Activation Activation, Padding Padding, SeBase SeBase, SeRounding SeRounding, ExpandRounding ExpandRounding, Gate SeGate, Activation? SeActivation);

/// <summary>Evaluation preprocessing: resize (shorter side to resolution / crop) with <paramref name="Interpolation"/>, centre crop, normalise.</summary>
public sealed record PreprocessSpec(Interpolation Interpolation, Normalization Normalization, double CropPct);

/// <summary>A conv-BatchNorm-activation layer: the stem or the head.</summary>
/// <param name="Channels">Output channels, scaled by width unless <paramref name="Fixed"/>.</param>
/// <param name="LastMultiple">Head only: channels = this × the last stage's channels (torchvision's 4×), instead of <paramref name="Channels"/>.</param>
/// <param name="Activation">Null: the family default.</param>
public sealed record ConvSpec(int Kernel, int Stride, int Channels, int? LastMultiple, Activation? Activation, bool Fixed, SourceSpan Span)
{
    /// <summary>False: a width multiplier below 1 leaves the channels as they are, one above 1 scales them (<c>max(c, scaled c)</c>, MobileNetV2's and TinyNet's head).</summary>
    public bool Shrinks { get; init; } = true;
}

/// <summary>
/// One row of the stage table: a block repeated <see cref="Repeats"/> times. A stage is a <c>stage</c> row and the
/// <c>then</c> rows after it (<see cref="Continues"/>): several block definitions, as timm's stage lists.
/// </summary>
/// <param name="SeRatio">0: no squeeze-excitation.</param>
/// <param name="Activation">Null: the family default.</param>
/// <param name="ForcedInput">Edge blocks: the expansion width derives from this (scaled) width instead of the input (timm's <c>fc</c>).</param>
/// <param name="Skip">False: never a residual connection (timm's <c>noskip</c>); true: asked for explicitly; null: the default (on).</param>
/// <param name="FixedRepeats">True: repeats are not scaled by depth (timm's <c>fix_first_last</c>).</param>
public sealed record StageSpec(
    BlockKind Kind,
    int Kernel,
    int Stride,
    double Expansion,
    int Channels,
    int Repeats,
    double SeRatio,
    Activation? Activation,
    int? ForcedInput,
    bool? Skip,
    bool FixedRepeats,
    SourceSpan Span)
{
    /// <summary>A <c>then</c> row: more blocks of the stage the row before opened.</summary>
    public bool Continues { get; init; }

    /// <summary><c>dsconv</c>: the pointwise projection is activated too (timm's <c>dsa</c>: MobileNetV1, LCNet).</summary>
    public bool PointwiseActivation { get; init; }

    /// <summary><c>k3.5.7</c>: a mixed depthwise convolution, one channel group per kernel (MixNet); empty: <see cref="Kernel"/> alone.</summary>
    public EquatableArray<int> Kernels { get; init; }

    /// <summary><c>a1.1</c> (<c>mbconv</c>): the 1×1 expansion in groups of its own (MixNet); empty: one convolution.</summary>
    public EquatableArray<int> ExpandKernels { get; init; }

    /// <summary><c>p1.1</c> (<c>mbconv</c>, <c>dsconv</c>): the 1×1 projection in groups of its own; empty: one convolution.</summary>
    public EquatableArray<int> ProjectKernels { get; init; }

    /// <summary><c>uir</c>: the depthwise kernel before the expansion (<c>a</c>) and after the projection (<c>p</c>); 0: none. <see cref="Kernel"/> is the middle one.</summary>
    public (int Start, int End) UirKernels { get; init; }
}

/// <summary>A network's layers: stem, stage table and head (null: no head conv).</summary>
public sealed record LayoutSpec(ConvSpec Stem, EquatableArray<StageSpec> Stages, ConvSpec? Head);

/// <summary>A checked property of a variant: <c>expect { params 5.3M }</c> (<paramref name="Metric"/> "parameters" or "MACs").</summary>
public sealed record Expectation(string Metric, double Low, double High, string Text, SourceSpan Span);

/// <summary>A named variant: multipliers, settings and its layers (the family's unless it overrides them).</summary>
/// <param name="Phi">The compound coefficient, when the variant was given one.</param>
/// <param name="CropPct">Evaluation centre-crop fraction, when the spec gives one.</param>
public sealed record VariantSpec(
    string Name,
    double Width,
    double Depth,
    int Resolution,
    double? Phi,
    double Dropout,
    double StochasticDepth,
    double? CropPct,
    NormSettings Norm,
    LayoutSpec Layout,
    SourceSpan Span)
{
    /// <summary>What the spec says the resolved variant must be; checked after resolution.</summary>
    public EquatableArray<Expectation> Expectations { get; init; }

    /// <summary>How the modules are named: torchvision's EfficientNet (by stage) or MobileNetV3 (flat) state_dict keys.</summary>
    public FeatureLayout ModuleLayout { get; init; }

    /// <summary><c>output_stride 16</c> (or 8): the feature maps shrink no further, later strides become dilations (timm's <c>output_stride</c>).</summary>
    public int? OutputStride { get; init; }

    /// <summary>The evaluation resize interpolation, when the variant's differs from its family's (torchvision's weights: bilinear).</summary>
    public Interpolation? Interpolation { get; init; }

    /// <summary>The model name <c>EffNetModels.Create</c> accepts, when the variant names it (<c>model mobilenetv2_100</c>); null: the family's prefix and the variant name.</summary>
    public string? ModelName { get; init; }

    /// <summary>The training recipe; null when neither the variant nor its family has a <c>training</c> section.</summary>
    public TrainingRecipe? Training { get; init; }
}

/// <summary>A family: shared settings and its variants.</summary>
/// <param name="ModelPrefix">Model names are this plus the lower-cased variant name (timm's <c>tf_efficientnet_</c> + <c>b0</c>).</param>
public sealed record FamilySpec(
    string Name,
    string? Namespace,
    string ModelPrefix,
    ScalingSpec Scaling,
    DefaultsSpec Defaults,
    PreprocessSpec Preprocess,
    int Classes,
    EquatableArray<VariantSpec> Variants,
    SourceSpan Span)
{
    /// <summary>A hidden classifier layer between the pooling and the output layer (MobileNetV3); not scaled by width.</summary>
    public HiddenLayer? Hidden { get; init; }
}
