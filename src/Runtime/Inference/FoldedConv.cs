using System;
using System.Linq;
using EffNetGen.Runtime.Blocks;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Inference;

/// <summary>A convolution with its BatchNorm folded into weight and bias (eval statistics), and its activation.</summary>
internal sealed class FoldedConv : IDisposable
{
    private readonly Tensor _weight;
    private readonly Tensor _bias;
    private readonly long _stride;
    private readonly long _groups;
    private readonly long _dilation;
    private readonly bool _samePadding;
    private readonly bool _pointwise;
    private readonly Activation _activation;

    /// <summary>
    /// Folds <paramref name="layer"/>: w' = w · γ/√(σ² + ε) per output channel, b' = β − μ · γ/√(σ² + ε).
    /// The weight is stored channels-last, which libtorch's CPU convolutions prefer; a channels-last stride-1 1×1
    /// convolution keeps it as the [in, out] matrix of <see cref="Pointwise"/>.
    /// </summary>
    public FoldedConv(ConvNormActivation layer, bool channelsLast)
    {
        using var noGrad = no_grad();
        // A mixed convolution's weight is a fresh equivalent kernel (freed here); a plain one's is the module's parameter.
        var weight = layer.ConvWeight;
        var (folded, bias) = FoldNorm(weight, layer.Norm);
        using var foldedWeight = folded;
        if (layer.Layer.IsMixed)
        {
            weight.Dispose();
        }
        var plan = layer.Layer;
        var (kernel, groups) = plan.Equivalent();
        _pointwise = channelsLast && kernel == 1 && plan.Stride == 1 && groups == 1;
        _weight = _pointwise ? Matrix(folded) : channelsLast ? ChannelsLast.Of(folded) : folded.detach().clone();
        _bias = bias;
        (_stride, _groups, _dilation, _samePadding, _activation) = (plan.Stride, groups, plan.Dilation, plan.SamePadding, plan.Activation);
    }

    /// <summary>
    /// The BatchNorm after a bias-free layer folded into it (eval statistics): w' = w · γ/√(σ² + ε) along the weight's
    /// first (output) dimension, b' = β − μ · γ/√(σ² + ε). New tensors; the caller owns both.
    /// </summary>
    internal static (Tensor Weight, Tensor Bias) FoldNorm(Tensor weight, TorchSharp.Modules.BatchNorm norm)
    {
        using var variance = norm.running_var! + norm.eps;
        using var deviation = variance.sqrt();
        using var scale = norm.weight! / deviation;
        using var column = scale.view(new long[] { -1 }.Concat(Enumerable.Repeat(1L, (int)weight.dim() - 1)).ToArray());
        using var shift = norm.running_mean! * scale;
        using var bias = norm.bias! - shift;
        using var product = weight * column;
        return (product.detach(), bias.detach().clone());
    }

    /// <summary>A [out, in, 1, 1] kernel as the contiguous [in, out] matrix of <see cref="Pointwise"/>.</summary>
    private static Tensor Matrix(Tensor kernel)
    {
        using var rows = kernel.flatten(1);
        using var transposed = rows.t();
        using var copy = transposed.contiguous();
        return copy.detach();
    }

    /// <summary>
    /// A stride-1 1×1 convolution of a channels-last <paramref name="input"/> [N, C, H, W] as one matrix product,
    /// [N·H·W, C] × <paramref name="matrix"/> [C, out] + bias, returned as a channels-last [N, out, H, W] view.
    /// libtorch 2.10 hands these convolutions to oneDNN's <c>brgconv_1x1</c>, which computes some shapes wrong at 2
    /// threads on AVX-512 CPUs and dies with SIGFPE on others (docs/reliability.md). On an AVX2 CPU the matrix product
    /// costs about the same (docs/performance.md: within run-to-run noise for B0, V2-S up to 10 % slower in one A/B).
    /// </summary>
    internal static Tensor Pointwise(Tensor input, Tensor matrix, Tensor? bias)
    {
        var (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3]);
        using var nhwc = input.permute(0, 2, 3, 1);
        using var rows = nhwc.reshape(batch * height * width, input.shape[1]);
        using var product = bias is null ? rows.mm(matrix) : bias.addmm(rows, matrix);
        using var image = product.view(batch, height, width, matrix.shape[1]);
        return image.permute(0, 3, 1, 2);
    }

    /// <summary>Convolution, bias and activation; the activation runs in place on the fresh output.</summary>
    public Tensor Apply(Tensor input)
    {
        Tensor output;
        if (_pointwise)
        {
            return Activate(Pointwise(input, _weight, _bias), _activation);
        }
        var kernel = _weight.shape[2];
        if (_samePadding)
        {
            using var padded = nn.functional.pad(input, Conv2dSame.Padding(input, kernel, _stride, _dilation));
            output = nn.functional.conv2d(padded, _weight, _bias, strides: new[] { _stride, _stride }, dilation: new[] { _dilation, _dilation }, groups: _groups);
        }
        else
        {
            var padding = _dilation * (kernel - 1) / 2;
            output = nn.functional.conv2d(input, _weight, _bias, strides: new[] { _stride, _stride }, padding: new[] { padding, padding },
                dilation: new[] { _dilation, _dilation }, groups: _groups);
        }
        return Activate(output, _activation);
    }

    /// <summary>
    /// Applies <paramref name="activation"/> in place and returns <paramref name="x"/>. The Tensor methods are used
    /// rather than <c>nn.functional.*(inplace: true)</c>, which return a second wrapper and leave <paramref name="x"/>'s
    /// handle alive until the dispose scope ends — every activation of the forward pass then stays allocated.
    /// </summary>
    public static Tensor Activate(Tensor x, Activation activation) => activation switch
    {
        Activation.None => x,
        Activation.SiLU => x.silu_(),
        Activation.ReLU => x.relu_(),
        Activation.ReLU6 => x.hardtanh_(0, 6),
        Activation.HardSwish => x.hardswish_(),
        Activation.Sigmoid => x.sigmoid_(),
        Activation.LeakyReLU => x.leaky_relu_(0.01),
        Activation.Mish => Replace(x, nn.functional.mish(x)),
        _ => Replace(x, x.gelu_()),
    };

    /// <summary>Frees <paramref name="old"/>'s handle when an in-place op returned a new wrapper of the same storage.</summary>
    private static Tensor Replace(Tensor old, Tensor result)
    {
        if (!ReferenceEquals(old, result))
        {
            old.Dispose();
        }
        return result;
    }

    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
    }
}

/// <summary>Channels-last layout without a memory-format argument: permute to NHWC, make contiguous, permute back.</summary>
internal static class ChannelsLast
{
    public static Tensor Of(Tensor x)
    {
        using var nhwc = x.permute(0, 2, 3, 1);
        using var contiguous = nhwc.contiguous();
        return contiguous.permute(0, 3, 1, 2).detach();
    }
}
