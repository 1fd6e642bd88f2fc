namespace EffNetGen.Architecture;

/// <summary>The activation after a convolution's norm, or inside a squeeze-excitation gate.</summary>
public enum Activation
{
    /// <summary>Identity: a block's linear projection. Specs cannot ask for it.</summary>
    None,

    /// <summary>x·sigmoid(x), a.k.a. swish. The EfficientNet default.</summary>
    SiLU,

    /// <summary>max(0, x).</summary>
    ReLU,

    /// <summary>min(max(0, x), 6).</summary>
    ReLU6,

    /// <summary>x·relu6(x + 3)/6.</summary>
    HardSwish,

    /// <summary>Gaussian error linear unit (exact, erf-based, as torch's default).</summary>
    GELU,

    /// <summary>1 / (1 + e^−x) (timm's <c>sigmoid</c> activation).</summary>
    Sigmoid,

    /// <summary>max(0, x) + 0.01·min(0, x) (torch's and timm's default slope).</summary>
    LeakyReLU,

    /// <summary>x·tanh(softplus(x)) (timm's <c>nmi</c> blocks).</summary>
    Mish,
}

/// <summary>The gate of a squeeze-excitation: what turns its second 1×1 convolution into per-channel scales.</summary>
public enum Gate
{
    /// <summary>1 / (1 + e^−x) (the paper, torchvision, timm's EfficientNet).</summary>
    Sigmoid,

    /// <summary>relu6(x + 3) / 6 (MobileNetV3, timm's <c>hard_sigmoid</c> gate).</summary>
    HardSigmoid,
}
