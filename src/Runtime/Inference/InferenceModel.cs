using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Runtime.Blocks;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Inference;

/// <summary>
/// A generated model prepared for inference (<see cref="InferenceExtensions.ForInference"/>): every BatchNorm folded
/// into its convolution with the eval statistics, weights and activations channels-last, activations in place,
/// dropout and stochastic depth gone, and a forward that calls functional ops directly under inference mode.
/// It is load-then-fold: it holds copies of the folded weights and cannot be trained or export a state_dict;
/// fold again after loading new weights.
/// </summary>
public sealed class InferenceModel : IDisposable
{
    private readonly IReadOnlyList<Step> _steps;
    private readonly Tensor _classifierWeight;
    private readonly Tensor _classifierBias;
    private readonly (Tensor Weight, Tensor Bias, Activation Activation)? _hidden;

    private readonly bool _channelsLast;
    private readonly long _inputChannels;

    internal InferenceModel(EfficientNetModule model, bool channelsLast)
    {
        EfficientNetModule.ThrowIfDisposed(model);
        (_channelsLast, _inputChannels) = (channelsLast, model.InputChannels);
        using var noGrad = no_grad();
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        _steps = model.Plan.Units
            .Select(unit => new Step(unit.Layers.Select(layer => modules[layer.Path] is ConvNormActivation c
                ? new Op(new FoldedConv(c, channelsLast), null)
                : new Op(null, new FoldedSqueeze((SqueezeExcitation)modules[layer.Path]))).ToList(), unit.Residual))
            .ToList();
        _classifierWeight = model.ClassifierLinear.weight!.detach().clone();
        _classifierBias = model.ClassifierLinear.bias!.detach().clone();
        if (model.ClassifierHidden is { } hidden)
        {
            var (weight, bias) = model.ClassifierHiddenNorm is { } norm
                ? FoldedConv.FoldNorm(hidden.weight!, norm)
                : (hidden.weight!.detach().clone(), hidden.bias!.detach().clone());
            _hidden = (weight, bias, model.Plan.Hidden!.Activation);
        }
    }

    /// <summary>Logits for <paramref name="input"/> [N, C, H, W]; the caller owns the result.</summary>
    /// <exception cref="ArgumentException">The input is not a batch of images with the model's channels.</exception>
    public Tensor Forward(Tensor input)
    {
        // Checked here: libtorch's own message for a wrong rank names a layout permute (issue 21, M8).
        if (input.dim() != 4 || input.shape[1] != _inputChannels)
        {
            throw new ArgumentException($"expected a batch of images [N, {_inputChannels}, H, W]; got a tensor of shape [{string.Join(", ", input.shape)}]", nameof(input));
        }
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        var x = _channelsLast ? ChannelsLast.Of(input) : input.alias();
        foreach (var step in _steps)
        {
            var h = x;
            foreach (var op in step.Ops)
            {
                var next = op.Conv?.Apply(h) ?? op.Squeeze!.Apply(h);
                if (!ReferenceEquals(h, x) && !ReferenceEquals(h, next))
                {
                    h.Dispose(); // intermediate: no longer needed (the SE gate works in place and returns its input)
                }
                h = next;
            }
            if (step.Residual)
            {
                h.add_(x);
            }
            x.Dispose();
            x = h;
        }
        var pooled = x.mean(new long[] { 2, 3 });
        if (_hidden is var (weight, bias, activation))
        {
            pooled = FoldedConv.Activate(nn.functional.linear(pooled, weight, bias), activation);
        }
        return nn.functional.linear(pooled, _classifierWeight, _classifierBias).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the folded weights.</summary>
    public void Dispose()
    {
        foreach (var op in _steps.SelectMany(s => s.Ops))
        {
            op.Conv?.Dispose();
            op.Squeeze?.Dispose();
        }
        _classifierWeight.Dispose();
        _classifierBias.Dispose();
        _hidden?.Weight.Dispose();
        _hidden?.Bias.Dispose();
    }

    private sealed record Op(FoldedConv? Conv, FoldedSqueeze? Squeeze);

    private sealed record Step(IReadOnlyList<Op> Ops, bool Residual);
}

/// <summary>Squeeze-excitation with its weights copied out of the module.</summary>
internal sealed class FoldedSqueeze : IDisposable
{
    private readonly Tensor _reduceWeight;
    private readonly Tensor _reduceBias;
    private readonly Tensor _expandWeight;
    private readonly Tensor _expandBias;
    private readonly Activation _activation;
    private readonly Gate _gate;

    public FoldedSqueeze(SqueezeExcitation se)
    {
        // 1×1 convolutions on a 1×1 map are linear layers: [out, in, 1, 1] → [out, in].
        _reduceWeight = se.Reduce.weight.detach().flatten(1).clone();
        _reduceBias = se.Reduce.bias!.detach().clone();
        _expandWeight = se.Expand.weight.detach().flatten(1).clone();
        _expandBias = se.Expand.bias!.detach().clone();
        (_activation, _gate) = (se.Layer.Activation, se.Layer.Gate);
    }

    /// <summary>Scales <paramref name="input"/> by the gate in place and returns it (a fresh activation in the inference path).</summary>
    public Tensor Apply(Tensor input)
    {
        using var pooled = input.mean(new long[] { 2, 3 });
        using var reduced = nn.functional.linear(pooled, _reduceWeight, _reduceBias);
        using var activated = FoldedConv.Activate(reduced, _activation);
        using var expanded = nn.functional.linear(activated, _expandWeight, _expandBias);
        using var gate = (_gate == Gate.HardSigmoid ? expanded.hardsigmoid_() : expanded.sigmoid_()).view(input.shape[0], input.shape[1], 1, 1);
        return input.mul_(gate);
    }

    public void Dispose()
    {
        _reduceWeight.Dispose();
        _reduceBias.Dispose();
        _expandWeight.Dispose();
        _expandBias.Dispose();
    }
}

/// <summary>Entry point of the inference path.</summary>
public static class InferenceExtensions
{
    /// <summary>
    /// An inference-only copy of <paramref name="model"/> with its current weights and eval BatchNorm statistics
    /// folded in. The model itself is unchanged. <paramref name="channelsLast"/>: NHWC weights and activations,
    /// which libtorch's CPU convolutions run faster.
    /// </summary>
    public static InferenceModel ForInference(this EfficientNetModule model, bool channelsLast = true) => new(model, channelsLast);
}
