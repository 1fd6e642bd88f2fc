using System;
using System.Linq;

namespace EffNetGen.Architecture;

/// <summary>What a unit of the feature extractor is: the stem, a block of one of timm's block types, or the head.</summary>
public enum UnitKind
{
    /// <summary>The stem convolution (timm's <c>conv_stem</c>, <c>bn1</c>).</summary>
    Stem,

    /// <summary>timm's <c>ds</c>: k×k depthwise, [SE], 1×1 projection (an MBConv whose expansion would not change the width).</summary>
    DepthwiseSeparable,

    /// <summary>timm's <c>ir</c>: 1×1 expansion, k×k depthwise, [SE], 1×1 projection (torchvision's <c>MBConv</c>).</summary>
    InvertedResidual,

    /// <summary>timm's <c>er</c>: k×k expansion, [SE], 1×1 projection (torchvision's <c>FusedMBConv</c> with expansion).</summary>
    EdgeResidual,

    /// <summary>timm's <c>cn</c>: one k×k conv-norm-activation (torchvision's <c>FusedMBConv</c> with expansion ratio 1).</summary>
    ConvNormAct,

    /// <summary>timm's <c>uir</c> (MobileNetV4): [depthwise], 1×1 expansion, [depthwise], [SE], 1×1 projection, [depthwise].</summary>
    UniversalInvertedResidual,

    /// <summary>The head convolution (timm's <c>conv_head</c>, <c>bn2</c>).</summary>
    Head,
}

/// <summary>A block's place in the stochastic-depth schedule: block <paramref name="Block"/> of <paramref name="Blocks"/>.</summary>
public readonly record struct DropPath(int Block, int Blocks)
{
    /// <summary>The block's drop rate when the last block's is <paramref name="rate"/>: linear in the block index (torchvision, timm).</summary>
    public double Rate(double rate) => rate * Block / Blocks;
}

/// <summary>
/// A step of the feature extractor: <c>features.{Stage}</c> (stem, head) or <c>features.{Stage}.{Index}</c> (a block, its
/// layers in <c>.block.{i}</c>), which adds its input when <paramref name="Residual"/>, through stochastic depth at
/// <paramref name="DropPath"/> (blocks only).
/// </summary>
public sealed record PlanUnit(UnitKind Kind, int Stage, int Index, string Path, EquatableArray<PlanLayer> Layers, bool Residual, DropPath? DropPath)
{
    /// <summary>
    /// The stride the block was asked for; past an output stride its convolutions keep stride 1 and dilate instead, so
    /// this is what building the block again (the generated class) must ask for.
    /// </summary>
    public int Stride { get; init; } = 1;

    /// <summary>The <c>features</c> child the unit is or belongs to (<c>features.{n}</c>): its stage, or its own number in a flat layout.</summary>
    public int FeatureChild => int.Parse(Path.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the unit is a <c>features</c> child itself (<c>features.{n}</c>), not a block inside a stage's <c>Sequential</c>.</summary>
    public bool IsFeaturesChild => Path.IndexOf('.') == Path.LastIndexOf('.');

    /// <summary>Whether the unit is a single layer at its own path (a stem, a head, a bare convolution of a flat layout).</summary>
    public bool IsBare => Layers.Count == 1 && Layers[0].Path == Path;

    /// <summary>Whether this unit is a block (not the stem or the head).</summary>
    public bool IsBlock => Kind is not (UnitKind.Stem or UnitKind.Head);

    /// <summary>The unit's convolutions, in order.</summary>
    public ConvLayer[] Convolutions => Layers.OfType<ConvLayer>().ToArray();

    /// <summary>
    /// The k×k convolution that carries the unit's kernel, stride and activation: the depthwise one of an inverted
    /// residual; of a universal one, the strided convolution, else its first depthwise one.
    /// </summary>
    public ConvLayer Spatial => Kind switch
    {
        UnitKind.InvertedResidual => Convolutions[1],
        UnitKind.UniversalInvertedResidual => Convolutions.FirstOrDefault(c => c.Stride > 1) ?? Convolutions.FirstOrDefault(c => c.IsDepthwise) ?? Convolutions[0],
        _ => Convolutions[0],
    };

    /// <summary>
    /// A universal inverted residual's depthwise kernels before the expansion, between expansion and projection, and
    /// after the projection (0: none), read from where its layers sit around the two 1×1 convolutions.
    /// </summary>
    public (int Start, int Middle, int End) DepthwiseKernels
    {
        get
        {
            var convs = Convolutions;
            var (expand, project) = (Array.FindIndex(convs, c => !c.IsDepthwise), Array.FindLastIndex(convs, c => !c.IsDepthwise));
            int At(int i) => i >= 0 && i < convs.Length && convs[i].IsDepthwise ? convs[i].Kernel : 0;
            return (At(expand - 1), expand + 1 < project ? At(expand + 1) : 0, At(project + 1));
        }
    }

    /// <summary>The squeeze-excitation gate, if the unit has one.</summary>
    public SqueezeLayer? Squeeze => Layers.OfType<SqueezeLayer>().FirstOrDefault();

    /// <summary>Channels in.</summary>
    public int InputChannels => Convolutions[0].InputChannels;

    /// <summary>Whether the block expands to a wider inner width (timm's <c>ir</c>, <c>er</c> and <c>uir</c>).</summary>
    public bool Expands => Kind is UnitKind.InvertedResidual or UnitKind.EdgeResidual or UnitKind.UniversalInvertedResidual;

    /// <summary>The width inside the block: what the depthwise conv or the SE gate sees.</summary>
    public int ExpandedChannels => Kind == UnitKind.UniversalInvertedResidual ? Convolutions.First(c => !c.IsDepthwise).OutputChannels : Spatial.OutputChannels;

    /// <summary>Channels out.</summary>
    public int OutputChannels => Convolutions[Convolutions.Length - 1].OutputChannels;

    /// <summary>Feature-map size in, at the plan's resolution.</summary>
    public int InputSize => Convolutions[0].InputSize;

    /// <summary>Feature-map size out, at the plan's resolution.</summary>
    public int OutputSize => Convolutions[Convolutions.Length - 1].OutputSize;

    /// <summary>Learnable parameters.</summary>
    public long Parameters => Layers.SelectMany(l => l.Tensors()).Where(t => t.Learnable).Sum(t => t.Elements);

    /// <summary>Multiply-accumulates of one image.</summary>
    public long Macs => Layers.Sum(l => l.Macs);

    /// <summary>
    /// The residual rule: a block can add its input when it keeps the shape (stride 1, as many channels out as in).
    /// Whether it does also depends on the spec (timm's <c>noskip</c>).
    /// </summary>
    public static bool KeepsShape(int stride, int input, int output) => stride == 1 && input == output;
}
