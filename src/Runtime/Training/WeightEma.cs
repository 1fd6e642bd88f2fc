using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Training;

/// <summary>
/// The exponential moving average of a model's weights and BatchNorm statistics that the reference code evaluates
/// (TensorFlow's <c>ExponentialMovingAverage</c> with <c>num_updates</c>): after update n,
/// avg ← d·avg + (1 − d)·w with d = min(decay, (1 + n) / (10 + n)), so early averages are not dominated by the
/// random initialisation.
/// </summary>
public sealed class WeightEma : IDisposable
{
    private readonly nn.Module _model;
    private readonly Dictionary<string, Tensor> _average;

    /// <summary>Starts the average at <paramref name="model"/>'s current floating-point tensors.</summary>
    public WeightEma(nn.Module model, double decay)
    {
        _model = model;
        Decay = decay;
        _average = model.state_dict().Where(p => p.Value.is_floating_point())
            .ToDictionary(p => p.Key, p => p.Value.detach().clone(), StringComparer.Ordinal);
    }

    /// <summary>The decay the averaging approaches.</summary>
    public double Decay { get; }

    /// <summary>Updates applied so far.</summary>
    public long Updates { get; private set; }

    /// <summary>The averaged tensors, by state_dict name.</summary>
    public IReadOnlyDictionary<string, Tensor> Average => _average;

    /// <summary>Folds the model's current tensors into the average.</summary>
    public void Update()
    {
        Updates++;
        var decay = Math.Min(Decay, (1.0 + Updates) / (10.0 + Updates));
        using var noGrad = no_grad();
        foreach (var (name, tensor) in _model.state_dict())
        {
            if (_average.TryGetValue(name, out var average))
            {
                average.mul_(decay).add_(tensor, alpha: 1 - decay);
            }
        }
    }

    /// <summary>Copies the average into <paramref name="target"/> (a model of the same variant), e.g. to evaluate it.</summary>
    public void CopyTo(nn.Module target)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in target.state_dict())
        {
            if (_average.TryGetValue(name, out var average))
            {
                tensor.copy_(average);
            }
        }
    }

    /// <summary>Replaces the average (e.g. from a checkpoint) and the update count.</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> average, long updates)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in _average)
        {
            tensor.copy_(average[name]);
        }
        Updates = updates;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in _average.Values)
        {
            tensor.Dispose();
        }
    }
}
