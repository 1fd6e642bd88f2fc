using EffNetGen.Dsl.Text;

namespace EffNetGen.Dsl.Model;

// The bound model: a family's baseline and its variants with every default applied and every value
// checked, still unscaled. Spans point back at the statement each value came from.

/// <summary>Compound-scaling constants and rounding rules.</summary>
public sealed record ScalingSpec(double Alpha, double Beta, double Gamma, int Divisor, DepthRounding DepthRounding);

/// <summary>BatchNorm settings: epsilon and running-statistics momentum (PyTorch convention).</summary>
public sealed record NormSpec(double Eps, double Momentum);

/// <summary>A plain conv-norm-activation layer (the stem and the head).</summary>
public sealed record ConvSpec(int Kernel, int Stride, int Channels, Activation Activation, SourceSpan Span);

/// <summary>One row of the stage table: an MBConv block repeated <see cref="Repeats"/> times.</summary>
public sealed record StageSpec(
    int Kernel,
    int Stride,
    double Expansion,
    int Channels,
    int Repeats,
    double SeRatio,
    Activation Activation,
    SourceSpan Span);

/// <summary>A named variant: multipliers and per-variant settings.</summary>
public sealed record VariantSpec(
    string Name,
    double Width,
    double Depth,
    int Resolution,
    double Dropout,
    double StochasticDepth,
    NormSpec Norm,
    SourceSpan Span);

/// <summary>A family: the baseline network plus its variants.</summary>
public sealed record FamilySpec(
    string Name,
    string? Namespace,
    ScalingSpec Scaling,
    ConvSpec Stem,
    EquatableArray<StageSpec> Stages,
    ConvSpec Head,
    int Classes,
    EquatableArray<VariantSpec> Variants,
    SourceSpan Span);
