using System;
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
        layer.SamePadding
            ? new Conv2dSame(layer.InputChannels, layer.OutputChannels, layer.Kernel, layer.Stride, layer.Groups, bias: false, device)
            : nn.Conv2d(layer.InputChannels, layer.OutputChannels, layer.Kernel, stride: layer.Stride, padding: (layer.Kernel - 1) / 2,
                groups: layer.Groups, bias: false, device: device);
}

/// <summary>
/// TensorFlow 'same' convolution (timm's <c>Conv2dSame</c>): pads each input so the output is ceil(size / stride),
/// with the odd pixel on the bottom/right. Parameters are named like <c>Conv2d</c>'s (<c>weight</c>, <c>bias</c>).
/// </summary>
public sealed class Conv2dSame : nn.Module<Tensor, Tensor>
{
    private readonly long _stride;
    private readonly long _groups;

    /// <summary>Creates the convolution; weights are uninitialised until the model initialises or loads them.</summary>
    public Conv2dSame(long input, long output, long kernel, long stride, long groups, bool bias, Device? device = null)
        : base(nameof(Conv2dSame))
    {
        (_stride, _groups) = (stride, groups);
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
        var padded = nn.functional.pad(input, Padding(input, weight.shape[2], _stride));
        return nn.functional.conv2d(padded, weight, bias, strides: new[] { _stride, _stride }, groups: _groups).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// TensorFlow's 'same' padding of <paramref name="input"/> for a square kernel, as <c>F.pad</c> wants it
    /// (left, right, top, bottom): per dimension max((ceil(i/s) − 1)·s + k − i, 0), the odd pixel after.
    /// </summary>
    public static long[] Padding(Tensor input, long kernel, long stride)
    {
        long Total(long size) => Math.Max((((size + stride - 1) / stride) - 1) * stride + kernel - size, 0);
        var (height, width) = (Total(input.shape[2]), Total(input.shape[3]));
        return new[] { width / 2, width - (width / 2), height / 2, height - (height / 2) };
    }
}
