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

/// <summary>The block a stage repeats.</summary>
public enum BlockKind
{
    /// <summary><c>mbconv</c>: inverted residual (1×1 expand unless the expansion is a no-op, k×k depthwise, SE, 1×1 project).</summary>
    MBConv,

    /// <summary><c>dsconv</c>: depthwise-separable (timm's <c>ds</c>): k×k depthwise, SE, 1×1 project; never an expansion.</summary>
    DepthwiseSeparable,

    /// <summary><c>fused</c>: Fused-MBConv (k×k expand, 1×1 project), or a single k×k conv when e = 1 (torchvision).</summary>
    Fused,

    /// <summary><c>edge</c>: timm's EdgeResidual <c>er</c>: k×k expand (optionally from a forced input width), SE, 1×1 project.</summary>
    Edge,
}

/// <summary>The spec's names of the block types (<c>stage mbconv …</c>).</summary>
public static class BlockKinds
{
    /// <summary>Spec name → block type.</summary>
    public static System.Collections.Generic.IReadOnlyDictionary<string, BlockKind> ByName { get; } = new System.Collections.Generic.Dictionary<string, BlockKind>
    {
        ["mbconv"] = BlockKind.MBConv, ["dsconv"] = BlockKind.DepthwiseSeparable, ["fused"] = BlockKind.Fused, ["edge"] = BlockKind.Edge,
    };

    /// <summary>The spec's name of <paramref name="kind"/>.</summary>
    public static string Name(BlockKind kind) => System.Linq.Enumerable.Single(ByName, p => p.Value == kind).Key;
}

/// <summary>Convolution padding.</summary>
public enum Padding
{
    /// <summary>(k−1)/2 on every side (PyTorch).</summary>
    Symmetric,

    /// <summary>TensorFlow 'same': computed from the input size; on stride-2 convs the extra pixel goes bottom/right.</summary>
    Same,
}

/// <summary>Which width the squeeze-excitation ratio applies to.</summary>
public enum SeBase
{
    /// <summary>The block's input channels (the paper, torchvision, timm's EfficientNet).</summary>
    Input,

    /// <summary>The expanded channels (timm's <c>se_from_exp</c>, MobileNetV3).</summary>
    Expanded,
}

/// <summary>How the squeeze width is rounded.</summary>
public enum SeRounding
{
    /// <summary>max(1, floor(input × ratio)) (torchvision: <c>input_channels // 4</c>).</summary>
    Floor,

    /// <summary>round-half-even(expanded × ratio / expansion) (timm: <c>round(mid_chs * se_ratio / exp_ratio)</c>).</summary>
    Round,
}

/// <summary>How evaluation images are resized.</summary>
public enum Interpolation
{
    /// <summary>Bicubic (torchvision's EfficientNet-B0–B7, timm).</summary>
    Bicubic,

    /// <summary>Bilinear (torchvision's EfficientNetV2 and MobileNetV2).</summary>
    Bilinear,
}

/// <summary>Per-channel input normalisation.</summary>
public enum Normalization
{
    /// <summary>ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).</summary>
    ImageNet,

    /// <summary>Inception: mean and std 0.5 (maps [0, 1] to [−1, 1]); EfficientNet-Lite.</summary>
    Inception,
}

/// <summary>How an MBConv block's expanded width is rounded.</summary>
public enum ExpandRounding
{
    /// <summary>Like any channel count: to a multiple of the divisor (torchvision and timm EfficientNet).</summary>
    Divisor,

    /// <summary>round-half-even(input × e) (torchvision MobileNetV2's <c>int(round(inp * t))</c>).</summary>
    Nearest,
}

/// <summary>The optimizer a training recipe names (DSL names: rmsprop, sgd).</summary>
public enum Optimizer
{
    /// <summary>RMSProp as TensorFlow defines it (epsilon inside the square root, mean square started at 1, learning rate inside the momentum).</summary>
    RmsPropTF,

    /// <summary>SGD with momentum (PyTorch's).</summary>
    Sgd,
}

/// <summary>The data augmentation a training recipe names (DSL names: none, autoaugment, randaugment).</summary>
public enum Augmentation
{
    /// <summary>Random resized crop and flip only.</summary>
    None,

    /// <summary>AutoAugment's ImageNet policy (Cubuk et al., 2019), as the EfficientNet paper.</summary>
    AutoAugment,

    /// <summary>RandAugment (Cubuk et al., 2020), as EfficientNetV2.</summary>
    RandAugment,
}
