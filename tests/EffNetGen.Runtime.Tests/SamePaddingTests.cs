using System.Linq;
using EffNetGen.Runtime.Blocks;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace EffNetGen.Runtime.Tests;

/// <summary>TensorFlow 'same' padding against hand-computed paddings.</summary>
public class SamePaddingTests
{
    // input, kernel, stride → TensorFlow's (top/left, bottom/right) padding, worked out by hand:
    // total = max((ceil(i/s) − 1)·s + k − i, 0), the odd pixel after.
    [Theory]
    [InlineData(8, 3, 2, 0, 1)]   // total 1: bottom/right only — PyTorch's symmetric padding would shift the grid
    [InlineData(7, 3, 2, 1, 1)]   // total 2
    [InlineData(8, 5, 2, 1, 2)]   // total 3
    [InlineData(9, 5, 2, 2, 2)]   // total 4
    public void Strided_convolutions_pad_like_TensorFlow(int size, int kernel, int stride, int before, int after)
    {
        using var scope = NewDisposeScope();
        using var conv = Convolutions.Create(SamePaddedStem(kernel, stride), device: null);
        var weight = Assert.IsType<Conv2dSame>(conv).weight;
        using (no_grad())
        {
            weight.copy_(randn_like(weight));
        }
        var input = randn(1, 2, size, size);

        var expected = F.conv2d(F.pad(input, new long[] { before, after, before, after }), weight, strides: new long[] { stride, stride });

        var actual = conv.call(input);
        Assert.Equal(new long[] { 1, 3, (size + stride - 1) / stride, (size + stride - 1) / stride }, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Stride_one_same_padding_is_an_ordinary_symmetric_convolution()
    {
        var stem = SamePaddedStem(3, 1);
        Assert.False(stem.SamePadding);
        using var conv = Convolutions.Create(stem, device: null);
        Assert.IsType<TorchSharp.Modules.Conv2d>(conv);
    }

    /// <summary>A 2 → 3 channel k×k stem of a network the plan pads like TensorFlow.</summary>
    private static ConvLayer SamePaddedStem(int kernel, int stride) =>
        new PlanBuilder("Test", 16, new NormSettings(1e-3, 0.1), Architecture.Padding.Same)
            .Stem(3, kernel, stride, Activation.SiLU).Stage().ConvNormAct(3, 1, 1, Activation.SiLU).Build(1, 0, 0)
            .WithInputChannels(2).Stem.Spatial;

    /// <summary>
    /// Module.to(dtype or device) replaces each registered parameter through the property of the same name: the
    /// registered one, the property and forward must all be the converted tensor afterwards. (The meta device stands in
    /// for CUDA, which this machine lacks: the same device path of Module.to.)
    /// </summary>
    [Fact]
    public void Conversion_by_dtype_or_device_replaces_the_registered_parameters()
    {
        using var conv = new Conv2dSame(2, 3, 3, 2, 1, bias: true);

        conv.to(ScalarType.Float64);
        Assert.All(conv.named_parameters(), p => Assert.Equal(ScalarType.Float64, p.parameter.dtype));
        Assert.Same(conv.weight, conv.named_parameters().Single(p => p.name == "weight").parameter);
        Assert.Equal(ScalarType.Float64, conv.call(randn(1, 2, 8, 8, dtype: ScalarType.Float64)).dtype);

        conv.to(META);
        Assert.All(conv.named_parameters(), p => Assert.Equal(DeviceType.META, p.parameter.device_type));
        Assert.Same(conv.bias, conv.named_parameters().Single(p => p.name == "bias").parameter);
    }
}
