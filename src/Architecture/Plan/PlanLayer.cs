using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Architecture;

/// <summary>A tensor of a layer: our (torchvision's) state_dict name, timm's name for it, its shape, whether it is learnable.</summary>
public sealed record PlanTensor(string Name, string TimmName, IReadOnlyList<long> Shape, bool Learnable)
{
    /// <summary>timm's shape of the tensor where it differs (a hidden linear layer that timm keeps as a 1×1 convolution).</summary>
    public IReadOnlyList<long>? TimmShape { get; init; }

    /// <summary>A BatchNorm's tensors at <paramref name="path"/> (timm's <paramref name="timmPath"/>): learnable scale and shift, running statistics.</summary>
    public static IEnumerable<PlanTensor> BatchNorm(string path, string timmPath, int channels) =>
        new[] { ("weight", true), ("bias", true), ("running_mean", false), ("running_var", false) }
            .Select(s => new PlanTensor($"{path}.{s.Item1}", $"{timmPath}.{s.Item1}", new long[] { channels }, s.Item2));

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
/// With <see cref="Kernels"/>, a mixed convolution (MixConv, timm's <c>MixedConv2d</c>): the channels split into groups,
/// one convolution each (<c>{Path}.0.{i}.weight</c>), depthwise when <paramref name="Groups"/> is the input width and
/// dense otherwise; <paramref name="Kernel"/> is then the largest kernel.
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
    /// <summary>The spacing of the kernel's taps (timm's output-stride dilation); 1 for an ordinary convolution.</summary>
    public int Dilation { get; init; } = 1;

    /// <summary>Symmetric padding on each side: dilation · (k − 1) / 2 (timm's <c>get_padding</c>), keeping the size at stride 1.</summary>
    public int SymmetricPadding => Dilation * (Kernel - 1) / 2;

    /// <summary>The kernels of a mixed convolution's channel groups, in order; empty: one convolution.</summary>
    public EquatableArray<int> Kernels { get; init; }

    /// <summary>Whether the channels are split over several convolutions (<see cref="Kernels"/>).</summary>
    public bool IsMixed => Kernels.Count > 0;

    /// <summary>Whether every output channel sees only its own input channel.</summary>
    public bool IsDepthwise => Groups == InputChannels && Groups == OutputChannels && Groups > 1;

    /// <summary>
    /// The convolutions that make the layer: one, or one per group of a mixed convolution, whose widths are timm's
    /// <c>_split_channels</c> (equal shares, the remainder to the first), each placed in <see cref="Equivalent"/>'s kernel.
    /// </summary>
    public IReadOnlyList<ConvPart> Parts()
    {
        if (!IsMixed)
        {
            return new[] { new ConvPart("", InputChannels, OutputChannels, Kernel, Groups, 0, 0, 0) };
        }
        var (inputs, outputs) = (Split(InputChannels, Kernels.Count), Split(OutputChannels, Kernels.Count));
        var grouped = Equivalent().Groups > 1 && !IsDepthwise;
        var parts = new List<ConvPart>();
        var (input, output) = (0, 0);
        for (var i = 0; i < Kernels.Count; i++)
        {
            // Depthwise groups and equal dense groups are a grouped convolution's groups; unequal dense groups sit on the
            // diagonal of one dense kernel (zeros elsewhere).
            var column = IsDepthwise || grouped ? 0 : input;
            parts.Add(new ConvPart("." + i.ToString(System.Globalization.CultureInfo.InvariantCulture), inputs[i], outputs[i], Kernels[i],
                IsDepthwise ? inputs[i] : 1, output, column, (Kernel - Kernels[i]) / 2));
            (input, output) = (input + inputs[i], output + outputs[i]);
        }
        return parts;
    }

    /// <summary>
    /// One convolution that computes what the parts do (for folding and export): the largest kernel with the smaller
    /// ones centred in it (exact with symmetric padding), and the groups — depthwise; as many as parts when the dense
    /// parts are equal; else one.
    /// </summary>
    public (int Kernel, int Groups) Equivalent()
    {
        if (!IsMixed || IsDepthwise)
        {
            return (Kernel, Groups);
        }
        var count = Kernels.Count;
        var equal = InputChannels % count == 0 && OutputChannels % count == 0;
        return (Kernel, equal ? count : 1);
    }

    private static int[] Split(int channels, int groups)
    {
        var split = new int[groups];
        for (var i = 0; i < groups; i++)
        {
            split[i] = channels / groups;
        }
        split[0] += channels - (channels / groups * groups);
        return split;
    }

    /// <inheritdoc />
    public override IEnumerable<PlanTensor> Tensors()
    {
        foreach (var part in Parts())
        {
            yield return new($"{Path}.0{part.Suffix}.weight", $"{TimmConv}{part.Suffix}.weight",
                new long[] { part.OutputChannels, part.InputChannels / part.Groups, part.Kernel, part.Kernel }, true);
        }
        foreach (var norm in PlanTensor.BatchNorm($"{Path}.1", TimmNorm, OutputChannels))
        {
            yield return norm;
        }
    }

    /// <inheritdoc />
    public override long Macs => Parts().Sum(p => (long)OutputSize * OutputSize * p.OutputChannels * (p.InputChannels / p.Groups) * p.Kernel * p.Kernel);
}

/// <summary>
/// One convolution of a <see cref="ConvLayer"/>: its tensor-name suffix (<c>.{i}</c> in a mixed convolution), widths,
/// kernel and groups, and where its kernel sits in the layer's <see cref="ConvLayer.Equivalent"/> kernel: from output
/// channel <paramref name="OutputOffset"/>, input column <paramref name="InputOffset"/>, and <paramref name="KernelOffset"/>
/// rows and columns in (a smaller kernel centred in the largest).
/// </summary>
public sealed record ConvPart(string Suffix, int InputChannels, int OutputChannels, int Kernel, int Groups, int OutputOffset, int InputOffset, int KernelOffset);

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
