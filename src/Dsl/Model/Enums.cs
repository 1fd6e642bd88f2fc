namespace EffNetGen.Dsl.Model;

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

    /// <summary><c>uir</c>: MobileNetV4's universal inverted residual: optional depthwise convs before (<c>a</c>), between (<c>k</c>) and after (<c>p</c>) the 1×1 expansion and projection.</summary>
    UniversalInvertedResidual,
}

/// <summary>The spec's names of the block types (<c>stage mbconv …</c>).</summary>
public static class BlockKinds
{
    /// <summary>Spec name → block type.</summary>
    public static System.Collections.Generic.IReadOnlyDictionary<string, BlockKind> ByName { get; } = new System.Collections.Generic.Dictionary<string, BlockKind>
    {
        ["mbconv"] = BlockKind.MBConv, ["dsconv"] = BlockKind.DepthwiseSeparable, ["fused"] = BlockKind.Fused, ["edge"] = BlockKind.Edge,
        ["uir"] = BlockKind.UniversalInvertedResidual,
    };

    /// <summary>The spec's name of <paramref name="kind"/>.</summary>
    public static string Name(BlockKind kind) => System.Linq.Enumerable.Single(ByName, p => p.Value == kind).Key;
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

    /// <summary>To a multiple of the divisor, like any channel count (timm's MobileNetV3: <c>round_channels(mid_chs * 0.25)</c>).</summary>
    Divisor,
}

/// <summary>How an MBConv block's expanded width is rounded.</summary>
public enum ExpandRounding
{
    /// <summary>Like any channel count: to a multiple of the divisor (torchvision and timm EfficientNet).</summary>
    Divisor,

    /// <summary>round-half-even(input × e) (torchvision MobileNetV2's <c>int(round(inp * t))</c>).</summary>
    Nearest,
}
