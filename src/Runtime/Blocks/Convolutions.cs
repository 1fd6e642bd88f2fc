using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Blocks;

/// <summary>Creates a plan's convolutions.</summary>
public static class Convolutions
{
    /// <summary>
    /// The convolution of <paramref name="layer"/>, without bias: a plain <c>Conv2d</c> with symmetric padding, or
    /// <see cref="Conv2dSame"/> where the plan says TensorFlow's 'same' padding differs from it.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(ConvLayer layer, Device? device) =>
        layer.IsMixed ? new MixedConv(layer, device)
        : layer.SamePadding
            ? new Conv2dSame(layer.InputChannels, layer.OutputChannels, layer.Kernel, layer.Stride, layer.Groups, bias: false, device, layer.Dilation)
            : nn.Conv2d(layer.InputChannels, layer.OutputChannels, layer.Kernel, stride: layer.Stride, padding: layer.SymmetricPadding,
                dilation: layer.Dilation, groups: layer.Groups, bias: false, device: device);

    /// <summary>The kernel of a plain convolution module (<c>Conv2d</c>, <see cref="Conv2dSame"/>), or a mixed one's equivalent kernel.</summary>
    public static Tensor Weight(nn.Module<Tensor, Tensor> conv) => conv switch
    {
        MixedConv mixed => mixed.EquivalentWeight(),
        Conv2dSame same => same.weight,
        _ => ((TorchSharp.Modules.Conv2d)conv).weight,
    };
}

/// <summary>
/// A mixed convolution (MixConv, timm's <c>MixedConv2d</c>): the input channels split into groups, each convolved with
/// its own kernel (children <c>0</c>, <c>1</c>, … as timm names them), the outputs concatenated.
/// </summary>
public sealed class MixedConv : nn.Module<Tensor, Tensor>
{
    private readonly ConvLayer _layer;
    private readonly IReadOnlyList<ConvPart> _parts;
    private readonly TorchSharp.Modules.Conv2d[] _convs;

    /// <summary>Creates the parts of <paramref name="layer"/>, without bias.</summary>
    public MixedConv(ConvLayer layer, Device? device = null)
        : base(nameof(MixedConv))
    {
        (_layer, _parts) = (layer, layer.Parts());
        _convs = _parts.Select(p => nn.Conv2d(p.InputChannels, p.OutputChannels, p.Kernel, stride: layer.Stride, padding: layer.Dilation * (p.Kernel - 1) / 2,
            dilation: layer.Dilation, groups: p.Groups, bias: false, device: device)).ToArray();
        for (var i = 0; i < _convs.Length; i++)
        {
            register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _convs[i]);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var pieces = input.split(_parts.Select(p => (long)p.InputChannels).ToArray(), 1);
        return cat(pieces.Select((piece, i) => _convs[i].call(piece)).ToList(), 1).MoveToOuterDisposeScope();
    }

    /// <summary>One kernel that computes the same (<see cref="ConvLayer.Equivalent"/>): each part's placed where the plan says.</summary>
    public Tensor EquivalentWeight()
    {
        var (kernel, groups) = _layer.Equivalent();
        var first = _convs[0].weight;
        var weight = zeros(new long[] { _layer.OutputChannels, _layer.InputChannels / groups, kernel, kernel }, first.dtype, first.device);
        using var noGrad = no_grad();
        foreach (var (part, conv) in _parts.Zip(_convs, (part, conv) => (part, conv)))
        {
            using var slot = weight[
                TensorIndex.Slice(part.OutputOffset, part.OutputOffset + part.OutputChannels),
                TensorIndex.Slice(part.InputOffset, part.InputOffset + (part.InputChannels / part.Groups)),
                TensorIndex.Slice(part.KernelOffset, part.KernelOffset + part.Kernel),
                TensorIndex.Slice(part.KernelOffset, part.KernelOffset + part.Kernel)];
            slot.copy_(conv.weight);
        }
        return weight;
    }
}

/// <summary>
/// TensorFlow 'same' convolution (timm's <c>Conv2dSame</c>): pads each input so the output is ceil(size / stride),
/// with the odd pixel on the bottom/right. Parameters are named like <c>Conv2d</c>'s (<c>weight</c>, <c>bias</c>).
/// </summary>
public sealed class Conv2dSame : nn.Module<Tensor, Tensor>
{
    private readonly long _stride;
    private readonly long _groups;
    private readonly long _dilation;

    /// <summary>Creates the convolution; weights are uninitialised until the model initialises or loads them.</summary>
    public Conv2dSame(long input, long output, long kernel, long stride, long groups, bool bias, Device? device = null, long dilation = 1)
        : base(nameof(Conv2dSame))
    {
        (_stride, _groups, _dilation) = (stride, groups, dilation);
        weight = new TorchSharp.Modules.Parameter(empty(new[] { output, input / groups, kernel, kernel }, device: device));
        this.bias = bias ? new TorchSharp.Modules.Parameter(zeros(new[] { output }, device: device)) : null;
    }

    // Module.to(dtype or device) converts each registered parameter and hands the copy to the public property of the
    // same name, expecting the setter to register it in the old one's place (as TorchSharp's Conv2d does). An
    // auto-property kept the old, unconverted parameter registered: state_dict and loading then missed the tensors
    // that forward used.

    /// <summary>The kernel, [out, in/groups, k, k].</summary>
    public TorchSharp.Modules.Parameter weight
    {
        get => _weight!;
        set => _weight = Register(nameof(weight), _weight, value)!;
    }

    /// <summary>The bias, or null.</summary>
    public TorchSharp.Modules.Parameter? bias
    {
        get => _bias;
        set => _bias = Register(nameof(bias), _bias, value);
    }

    private TorchSharp.Modules.Parameter? _weight;
    private TorchSharp.Modules.Parameter? _bias;

    private TorchSharp.Modules.Parameter? Register(string name, TorchSharp.Modules.Parameter? old, TorchSharp.Modules.Parameter? value)
    {
        if (ReferenceEquals(old, value))
        {
            return old;
        }
        old?.Dispose();
        ConditionallyRegisterParameter(name, value);
        return value;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(input, Padding(input, weight.shape[2], _stride, _dilation));
        return nn.functional.conv2d(padded, weight, bias, strides: new[] { _stride, _stride }, dilation: new[] { _dilation, _dilation }, groups: _groups)
            .MoveToOuterDisposeScope();
    }

    /// <summary>
    /// TensorFlow's 'same' padding of <paramref name="input"/> for a square kernel, as <c>F.pad</c> wants it
    /// (left, right, top, bottom): per dimension max((ceil(i/s) − 1)·s + (k − 1)·d + 1 − i, 0), the odd pixel after.
    /// </summary>
    public static long[] Padding(Tensor input, long kernel, long stride, long dilation = 1)
    {
        long Total(long size) => Math.Max((((size + stride - 1) / stride) - 1) * stride + ((kernel - 1) * dilation) + 1 - size, 0);
        var (height, width) = (Total(input.shape[2]), Total(input.shape[3]));
        return new[] { width / 2, width - (width / 2), height / 2, height - (height / 2) };
    }
}
