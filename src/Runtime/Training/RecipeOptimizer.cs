using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Training;

/// <summary>
/// The optimizers of the training recipes, written out (TorchSharp's RMSprop follows PyTorch, not TensorFlow; see
/// <see cref="RmsPropTF"/>). Weight decay is L2 on every parameter but BatchNorm's, as the reference code adds it to
/// the loss; frozen parameters (no gradient) are left alone. The per-parameter state is a named tensor dictionary,
/// so checkpoints can save and resume it.
/// </summary>
public abstract class RecipeOptimizer : IDisposable
{
    private readonly IReadOnlyList<(string Name, Parameter Parameter, bool Decays)> _parameters;
    private readonly Dictionary<string, Tensor> _state = new(StringComparer.Ordinal);

    /// <summary>Optimizes <paramref name="model"/>'s parameters with L2 <paramref name="weightDecay"/> on all but BatchNorm's.</summary>
    protected RecipeOptimizer(nn.Module model, double weightDecay)
    {
        var norms = model.named_modules().Where(m => m.module is BatchNorm).Select(m => m.name).ToHashSet(StringComparer.Ordinal);
        _parameters = model.named_parameters()
            .Select(p => (p.name, p.parameter, !norms.Contains(p.name[..Math.Max(0, p.name.LastIndexOf('.'))])))
            .ToList();
        WeightDecay = weightDecay;
    }

    /// <summary>The learning rate of the next <see cref="Step"/> (the schedule sets it every step).</summary>
    public double LearningRate { get; set; }

    /// <summary>The L2 weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>The optimizer's name in checkpoints, e.g. <c>rmsprop_tf</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The state each parameter gets (the <c>{kind}</c> of <see cref="State"/>'s names).</summary>
    public abstract IReadOnlyList<string> StateKinds { get; }

    /// <summary>The optimizer's state: <c>{parameter}.{kind}</c> → tensor.</summary>
    public IReadOnlyDictionary<string, Tensor> State => _state;

    /// <summary>An optimizer as <paramref name="recipe"/> names it, for <paramref name="model"/>.</summary>
    public static RecipeOptimizer Create(nn.Module model, TrainingRecipe recipe) => recipe.Optimizer switch
    {
        Optimizer.RmsPropTF => new RmsPropTF(model, recipe.Decay, recipe.Momentum, recipe.Epsilon, recipe.WeightDecay),
        _ => new MomentumSgd(model, recipe.Momentum, recipe.WeightDecay),
    };

    /// <summary>Clears every gradient.</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope(); // each .grad is a new handle
        foreach (var (_, parameter, _) in _parameters)
        {
            parameter.grad?.zero_();
        }
    }

    /// <summary>Updates every parameter that has a gradient.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, parameter, decays) in _parameters)
        {
            if (parameter.grad is not { } gradient)
            {
                continue;
            }
            var g = decays && WeightDecay > 0 ? gradient.add(parameter, alpha: WeightDecay) : gradient;
            Update(name, parameter, g);
        }
    }

    /// <summary>Replaces the state with <paramref name="state"/> (copies on each parameter's device), e.g. from a checkpoint.</summary>
    /// <exception cref="ArgumentException">A name that is not <c>{parameter}.{kind}</c> of a parameter optimized here.</exception>
    public void LoadState(IReadOnlyDictionary<string, Tensor> state)
    {
        var devices = _parameters.ToDictionary(p => p.Name, p => p.Parameter.device, StringComparer.Ordinal);
        var unknown = state.Keys.Where(k => !devices.ContainsKey(k[..Math.Max(0, k.LastIndexOf('.'))])).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"optimizer state for no parameter: {string.Join(", ", unknown)}", nameof(state));
        }
        DisposeState();
        foreach (var (name, tensor) in state)
        {
            using var detached = tensor.detach();
            using var onDevice = detached.to(devices[name[..name.LastIndexOf('.')]]);
            _state[name] = onDevice.clone();
        }
    }

    /// <summary>Applies one update to <paramref name="parameter"/> with <paramref name="gradient"/> (weight decay included).</summary>
    protected abstract void Update(string name, Tensor parameter, Tensor gradient);

    /// <summary>The state tensor <paramref name="kind"/> of a parameter, created by <paramref name="create"/> on first use.</summary>
    protected Tensor StateOf(string name, string kind, Func<Tensor> create)
    {
        var key = $"{name}.{kind}";
        if (!_state.TryGetValue(key, out var tensor))
        {
            tensor = create().DetachFromDisposeScope();
            _state[key] = tensor;
        }
        return tensor;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DisposeState();
        GC.SuppressFinalize(this);
    }

    private void DisposeState()
    {
        foreach (var tensor in _state.Values)
        {
            tensor.Dispose();
        }
        _state.Clear();
    }
}

/// <summary>
/// RMSProp with momentum as TensorFlow (and timm's <c>RMSpropTF</c>) computes it, which the EfficientNet recipe was
/// tuned for. Three differences from PyTorch's <c>RMSprop</c>: epsilon is added inside the square root
/// (√(ms + ε), not √ms + ε — with ε = 0.001 this matters); the mean square starts at 1, not 0 (no huge first steps);
/// and the learning rate is applied inside the momentum buffer, so a schedule changes the step size smoothly:
/// ms ← ρ·ms + (1 − ρ)·g²; m ← μ·m + lr·g / √(ms + ε); w ← w − m.
/// </summary>
public sealed class RmsPropTF(nn.Module model, double decay, double momentum, double epsilon, double weightDecay)
    : RecipeOptimizer(model, weightDecay)
{
    /// <inheritdoc />
    public override string Name => "rmsprop_tf";

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKinds { get; } = [MeanSquare, Momentum];

    private const string MeanSquare = "mean_square", Momentum = "momentum";

    /// <inheritdoc />
    protected override void Update(string name, Tensor parameter, Tensor gradient)
    {
        var meanSquare = StateOf(name, MeanSquare, () => ones_like(parameter));
        var buffer = StateOf(name, Momentum, () => zeros_like(parameter));
        meanSquare.mul_(decay).addcmul_(gradient, gradient, 1 - decay);
        buffer.mul_(momentum).addcdiv_(gradient, (meanSquare + epsilon).sqrt_(), LearningRate);
        parameter.sub_(buffer);
    }
}

/// <summary>SGD with momentum, PyTorch's convention: m ← μ·m + g; w ← w − lr·m.</summary>
public sealed class MomentumSgd(nn.Module model, double momentum, double weightDecay) : RecipeOptimizer(model, weightDecay)
{
    /// <inheritdoc />
    public override string Name => "sgd";

    /// <inheritdoc />
    public override IReadOnlyList<string> StateKinds { get; } = [Momentum];

    private const string Momentum = "momentum";

    /// <inheritdoc />
    protected override void Update(string name, Tensor parameter, Tensor gradient)
    {
        var buffer = StateOf(name, Momentum, () => zeros_like(parameter));
        buffer.mul_(momentum).add_(gradient);
        parameter.add_(buffer, alpha: -LearningRate);
    }
}
