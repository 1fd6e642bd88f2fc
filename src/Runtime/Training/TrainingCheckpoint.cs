using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using EffNetGen.Formats;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Runtime.Weights;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Training;

/// <summary>
/// A training checkpoint in one safetensors file: <c>model.*</c> (the state_dict, loadable on its own with
/// <c>LoadOptions.Select</c>), <c>ema.*</c>, <c>optimizer.*</c>, <c>rng</c> (the default generator's state, so dropout and
/// stochastic depth continue as if never interrupted), and the step and EMA update count in the metadata.
/// Written whole or not at all (<see cref="SafetensorsWriter"/>); loaded only after every part has been checked.
/// </summary>
public static class TrainingCheckpoint
{
    private const string ModelPrefix = "model.";
    private const string EmaPrefix = "ema.";
    private const string OptimizerPrefix = "optimizer.";
    private const string Rng = "rng";

    private const string Format = "effnetgen-training-1";

    /// <summary>
    /// The largest step and EMA update count a checkpoint may hold: the schedule and the EMA compute with them in
    /// doubles, which are exact up to 2⁵³, and a step counter near <see cref="long.MaxValue"/> would overflow.
    /// </summary>
    private const long MaxCount = 1L << 53;

    /// <summary>Writes the checkpoint.</summary>
    public static void Save(string path, nn.Module model, WeightEma? ema, RecipeOptimizer optimizer, long step)
    {
        EfficientNetModule.ThrowIfDisposed(model);
        using var rng = TorchSharp.torch.Generator.Default.get_state();
        var tensors = model.state_dict().Select(p => KeyValuePair.Create(ModelPrefix + p.Key, p.Value))
            .Concat((ema?.Average ?? new Dictionary<string, Tensor>()).Select(p => KeyValuePair.Create(EmaPrefix + p.Key, p.Value)))
            .Concat(optimizer.State.Select(p => KeyValuePair.Create(OptimizerPrefix + p.Key, p.Value)))
            .Append(KeyValuePair.Create(Rng, rng));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["ema_updates"] = (ema?.Updates ?? 0).ToString(CultureInfo.InvariantCulture),
            ["optimizer"] = optimizer.Name,
        };
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    /// <summary>Restores model, EMA, optimizer state and the random generator; returns the step.</summary>
    /// <exception cref="WeightFormatException">Not a training checkpoint of this model and recipe; nothing is changed.</exception>
    public static long Load(string path, nn.Module model, WeightEma? ema, RecipeOptimizer optimizer)
    {
        EfficientNetModule.ThrowIfDisposed(model);
        var file = new CheckpointWeights(path);
        var (step, updates) = Counts(file);
        var emaNames = file.Names.Where(n => n.StartsWith(EmaPrefix, StringComparison.Ordinal)).ToList();
        if (ema is not null)
        {
            CheckEma(file, ema);
        }
        else if (emaNames.Count > 0)
        {
            throw new WeightFormatException($"{path}: the checkpoint has a weight average, the recipe keeps none.");
        }
        var optimizerState = file.Names.Where(n => n.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToList();
        CheckOptimizer(file, optimizerState, model, optimizer);
        var rngState = GeneratorStateOf(file);

        // Everything is read and checked before anything changes: the model's loader checks its part and copies it
        // whole or not at all, and what follows it cannot fail (exact shapes and types, finite values, a usable state).
        var emaTensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var optimizerTensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var name in emaNames)
            {
                emaTensors[name[EmaPrefix.Length..]] = Read(file, name);
            }
            foreach (var name in optimizerState)
            {
                optimizerTensors[name[OptimizerPrefix.Length..]] = Read(file, name);
            }
            WeightLoader.CheckFinite(path, emaTensors.Select(p => (EmaPrefix + p.Key, p.Value)).Concat(optimizerTensors.Select(p => (OptimizerPrefix + p.Key, p.Value))));
            model.LoadSafetensors(path, new LoadOptions
            {
                Select = name => name.StartsWith(ModelPrefix, StringComparison.Ordinal),
                KeyMap = name => name[ModelPrefix.Length..],
            });
            ema?.Load(emaTensors, updates);
            optimizer.LoadState(optimizerTensors);
            using var rng = tensor(rngState, ScalarType.Byte);
            TorchSharp.torch.Generator.Default.set_state(rng);
        }
        finally
        {
            foreach (var read in emaTensors.Values.Concat(optimizerTensors.Values))
            {
                read.Dispose();
            }
        }
        return step;
    }

    /// <summary>The weight average must hold exactly the EMA's tensors, each of its shape and type.</summary>
    private static void CheckEma(CheckpointWeights file, WeightEma ema)
    {
        var stored = file.Names.Where(n => n.StartsWith(EmaPrefix, StringComparison.Ordinal)).Select(n => n[EmaPrefix.Length..]).ToHashSet(StringComparer.Ordinal);
        var missing = ema.Average.Keys.Where(k => !stored.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = stored.Where(k => !ema.Average.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var mismatched = ema.Average.Where(p => stored.Contains(p.Key)).Select(p => (p.Key, p.Value, Entry: file.Locate(EmaPrefix + p.Key).Entry))
            .Where(e => !e.Entry.Shape.SequenceEqual(e.Value.shape) || TorchDTypes.TypeOf(e.Entry.DType) != e.Value.dtype)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => $"'{e.Key}': {e.Entry.DType} {Shapes.Format(e.Entry.Shape)} in the checkpoint, {TorchDTypes.NameOf(e.Value.dtype)} {Shapes.Format(e.Value.shape)} in the weight average")
            .ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            throw new WeightFormatException(WeightSource.Describe(file.Origin, "the weight average", missing, unexpected, mismatched));
        }
    }

    /// <summary>The step and EMA update count from the metadata.</summary>
    private static (long Step, long EmaUpdates) Counts(CheckpointWeights file)
    {
        var metadata = file.Metadata;
        if (metadata.GetValueOrDefault("format") != Format
            || !long.TryParse(metadata.GetValueOrDefault("step"), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            || !long.TryParse(metadata.GetValueOrDefault("ema_updates"), NumberStyles.None, CultureInfo.InvariantCulture, out var updates))
        {
            throw new WeightFormatException($"{file.Origin}: not an EffNetGen training checkpoint (its metadata needs format, step and ema_updates).");
        }
        if (step > MaxCount || updates > MaxCount)
        {
            throw new WeightFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{file.Origin}: step {step} or ema_updates {updates} is above 2^53 = {MaxCount}; no training gets there."));
        }
        return (step, updates);
    }

    /// <summary>
    /// The optimizer state must be <paramref name="optimizer"/>'s: its name (checkpoints record it), and for each
    /// parameter with state, every kind of state the optimizer keeps and no other, of that parameter's shape and type.
    /// </summary>
    private static void CheckOptimizer(CheckpointWeights file, IReadOnlyList<string> names, nn.Module model, RecipeOptimizer optimizer)
    {
        if (file.Metadata.GetValueOrDefault("optimizer") is { } saved && saved != optimizer.Name)
        {
            throw new WeightFormatException($"{file.Origin}: the checkpoint's optimizer is {WeightFormatException.Printable(saved)}, the recipe's is {optimizer.Name}.");
        }
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var kinds = $"{optimizer.Name} keeps {string.Join(" and ", optimizer.StateKinds)} per parameter";
        // optimizer.{parameter}.{kind}; the prefix's own dot where there is no other.
        foreach (var group in names.GroupBy(n => n[OptimizerPrefix.Length..Math.Max(OptimizerPrefix.Length, n.LastIndexOf('.'))], StringComparer.Ordinal))
        {
            var parameterName = group.Key;
            var held = group.Select(n => n[(n.LastIndexOf('.') + 1)..]).ToList();
            if (!held.Order(StringComparer.Ordinal).SequenceEqual(optimizer.StateKinds.Order(StringComparer.Ordinal)))
            {
                throw new WeightFormatException($"{file.Origin}: the optimizer state of '{WeightFormatException.Printable(parameterName)}' is {string.Join(" and ", held.Select(k => WeightFormatException.Printable(k)))}; {kinds}.");
            }
            foreach (var name in group)
            {
                var entry = file.Locate(name).Entry;
                if (!parameters.TryGetValue(parameterName, out var parameter) || !parameter.shape.SequenceEqual(entry.Shape)
                    || TorchDTypes.TypeOf(entry.DType) != parameter.dtype)
                {
                    throw new WeightFormatException($"{file.Origin}: optimizer state '{WeightFormatException.Printable(name)}' {entry.DType} {Shapes.Format(entry.Shape)} fits no parameter of the model.");
                }
            }
        }
    }

    /// <summary>The checkpoint's random-generator state, once it is certain that libtorch accepts it (<see cref="GeneratorState"/>).</summary>
    private static byte[] GeneratorStateOf(CheckpointWeights file)
    {
        using var current = TorchSharp.torch.Generator.Default.get_state();
        if (file.ShapeOf(Rng) is not { } shape || !shape.SequenceEqual(current.shape) || file.Locate(Rng).Entry.DType != "U8")
        {
            throw new WeightFormatException($"{file.Origin}: the random-generator state '{Rng}' is missing or not U8 {Shapes.Format(current.shape)}.");
        }
        using var stored = Read(file, Rng);
        var state = stored.data<byte>().ToArray();
        if (GeneratorState.Read(state).Problem is { } problem)
        {
            throw new WeightFormatException($"{file.Origin}: the random-generator state '{Rng}' is not one libtorch accepts: {problem}.");
        }
        return state;
    }

    private static Tensor Read(CheckpointWeights file, string name)
    {
        var (safetensors, entry) = file.Locate(name);
        return safetensors.ReadTensor(entry.Name);
    }
}
