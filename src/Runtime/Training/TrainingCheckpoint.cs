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

    /// <summary>Writes the checkpoint.</summary>
    public static void Save(string path, nn.Module model, WeightEma? ema, RecipeOptimizer optimizer, long step)
    {
        using var rng = TorchSharp.torch.Generator.Default.get_state();
        var tensors = model.state_dict().Select(p => KeyValuePair.Create(ModelPrefix + p.Key, p.Value))
            .Concat((ema?.Average ?? new Dictionary<string, Tensor>()).Select(p => KeyValuePair.Create(EmaPrefix + p.Key, p.Value)))
            .Concat(optimizer.State.Select(p => KeyValuePair.Create(OptimizerPrefix + p.Key, p.Value)))
            .Append(KeyValuePair.Create(Rng, rng));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "effnetgen-training-1",
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
            ["ema_updates"] = (ema?.Updates ?? 0).ToString(CultureInfo.InvariantCulture),
        };
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    /// <summary>Restores model, EMA and optimizer state; returns the step.</summary>
    /// <exception cref="WeightFormatException">Not a training checkpoint of this model and recipe; nothing is changed.</exception>
    public static long Load(string path, nn.Module model, WeightEma? ema, RecipeOptimizer optimizer)
    {
        var file = new CheckpointWeights(path);
        var metadata = SafetensorsFile.Open(path).Metadata;
        if (!metadata.TryGetValue("format", out var format) || format != "effnetgen-training-1"
            || !long.TryParse(metadata.GetValueOrDefault("step"), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            || !long.TryParse(metadata.GetValueOrDefault("ema_updates"), NumberStyles.None, CultureInfo.InvariantCulture, out var updates))
        {
            throw new WeightFormatException($"{path}: not an EffNetGen training checkpoint (its metadata needs format, step and ema_updates).");
        }
        var emaNames = file.Names.Where(n => n.StartsWith(EmaPrefix, StringComparison.Ordinal)).ToList();
        if (ema is not null)
        {
            // The EMA must cover the model's floating-point tensors, shape for shape.
            new Part(file, EmaPrefix).CheckHolds(ema.Average.Select(p => (p.Key, p.Value.shape)), "the weight average");
        }
        else if (emaNames.Count > 0)
        {
            throw new WeightFormatException($"{path}: the checkpoint has a weight average, the recipe keeps none.");
        }
        var optimizerState = file.Names.Where(n => n.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToList();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);
        foreach (var name in optimizerState)
        {
            var parameter = name[OptimizerPrefix.Length..name.LastIndexOf('.')];
            if (!parameters.TryGetValue(parameter, out var shape) || !shape.SequenceEqual(file.ShapeOf(name)!))
            {
                throw new WeightFormatException($"{path}: optimizer state '{name}' {Shapes.Format(file.ShapeOf(name)!)} fits no parameter of the model.");
            }
        }

        using var currentRng = TorchSharp.torch.Generator.Default.get_state();
        if (file.ShapeOf(Rng) is not { } rngShape || !rngShape.SequenceEqual(currentRng.shape))
        {
            throw new WeightFormatException($"{path}: the random-generator state '{Rng}' is missing or not {Shapes.Format(currentRng.shape)}.");
        }

        model.LoadSafetensors(path, new LoadOptions
        {
            Select = name => name.StartsWith(ModelPrefix, StringComparison.Ordinal),
            KeyMap = name => name[ModelPrefix.Length..],
        });
        var emaTensors = emaNames.ToDictionary(n => n[EmaPrefix.Length..], n => Read(file, n), StringComparer.Ordinal);
        var optimizerTensors = optimizerState.ToDictionary(n => n[OptimizerPrefix.Length..], n => Read(file, n), StringComparer.Ordinal);
        try
        {
            ema?.Load(emaTensors, updates);
            optimizer.LoadState(optimizerTensors);
            using var rng = Read(file, Rng);
            TorchSharp.torch.Generator.Default.set_state(rng);
        }
        finally
        {
            foreach (var tensor in emaTensors.Values.Concat(optimizerTensors.Values))
            {
                tensor.Dispose();
            }
        }
        return step;
    }

    private static Tensor Read(CheckpointWeights file, string name)
    {
        var (safetensors, entry) = file.Locate(name);
        return safetensors.ReadTensor(entry.Name);
    }

    /// <summary>The tensors under one prefix, without it.</summary>
    private sealed class Part(CheckpointWeights file, string prefix) : WeightSource
    {
        public override string Origin => file.Origin;

        public override IEnumerable<string> Names => file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n[prefix.Length..]);

        public override long[]? ShapeOf(string name) => file.ShapeOf(prefix + name);

        public override float[] Read(string name) => file.Read(prefix + name);
    }
}
