namespace EffNetGen.Dsl.Model;

/// <summary>Activation functions a layer may use (DSL names: silu, relu, relu6, hswish, gelu).</summary>
public enum Activation
{
    /// <summary>x·sigmoid(x), a.k.a. swish. The EfficientNet default.</summary>
    SiLU,

    /// <summary>max(0, x).</summary>
    ReLU,

    /// <summary>min(max(0, x), 6).</summary>
    ReLU6,

    /// <summary>x·relu6(x + 3)/6.</summary>
    HardSwish,

    /// <summary>Gaussian error linear unit.</summary>
    GELU,
}

/// <summary>How the depth multiplier turns a stage's repeats into a block count.</summary>
public enum DepthRounding
{
    /// <summary>ceil(repeats × depth), as in the paper, TF and torchvision.</summary>
    Ceil,

    /// <summary>round-half-to-even(repeats × depth), timm's <c>depth_trunc='round'</c>.</summary>
    Round,
}
