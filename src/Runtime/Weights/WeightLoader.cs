using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Formats;
using EffNetGen.Formats.Safetensors;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Weights;

/// <summary>How to load a checkpoint into a model.</summary>
public sealed record LoadOptions
{
    /// <summary>
    /// True (the default): any missing, unexpected or mismatched tensor is an error and nothing is loaded.
    /// False: load what fits and report the rest in <see cref="LoadReport"/>.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>Checkpoint name → model name (e.g. timm names to torchvision's); null: names are the same.</summary>
    public Func<string, string>? KeyMap { get; init; }

    /// <summary>Checkpoint names to consider (before <see cref="KeyMap"/>); null: all. E.g. the model's part of a training checkpoint.</summary>
    public Func<string, bool>? Select { get; init; }

    /// <summary>
    /// Leave the model's <c>classifier.*</c> as it is and ignore the checkpoint's, for transfer learning to other
    /// classes. Only on request: a 1000-class checkpoint never loads into a 1000-class model without its classifier silently.
    /// </summary>
    public bool SkipClassifier { get; init; }

    /// <summary>
    /// True (the default): a floating-point tensor with NaN or infinite values — stored so, or overflowing when an F64
    /// value is converted to the model's type — is an error that names it, and nothing is loaded.
    /// </summary>
    public bool RequireFinite { get; init; } = true;
}

/// <summary>
/// What a load did: model tensors loaded, and what was missing, unexpected or skipped (non-strict);
/// <see cref="Adapted"/> lists 3-channel input convolutions adapted to the model's input channels.
/// </summary>
public sealed record LoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<string> Skipped)
{
    /// <summary>Input convolutions loaded from 3-channel weights into a 1- or N-channel model.</summary>
    public IReadOnlyList<string> Adapted { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Loads safetensors checkpoints into modules, atomically: every tensor is read, checked and converted to the
/// model's dtype and device before the first one is copied in, so a failure leaves the module untouched.
/// </summary>
public static class WeightLoader
{
    private const string ClassifierPrefix = "classifier.";

    /// <summary>Loads the checkpoint at <paramref name="path"/> (a <c>.safetensors</c> file or a sharded index) into <paramref name="module"/>.</summary>
    /// <exception cref="WeightFormatException">A malformed file, or (strict) tensors that do not fit; the message lists every one, with shapes.</exception>
    public static LoadReport LoadSafetensors(this nn.Module module, string path, LoadOptions? options = null)
    {
        EfficientNetModule.ThrowIfDisposed(module);
        options ??= new LoadOptions();
        var checkpoint = new CheckpointWeights(path, options.KeyMap, options.Select);
        var target = module.state_dict();
        bool Skipped(string name) => options.SkipClassifier && name.StartsWith(ClassifierPrefix, StringComparison.Ordinal);
        bool Stored(string name) => checkpoint.ShapeOf(name) is not null && !Skipped(name);

        var missing = target.Keys.Where(k => !Stored(k) && !Skipped(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var unexpected = checkpoint.Names.Where(k => !target.ContainsKey(k) && !Skipped(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var mismatches = target.Keys.Where(Stored).Select(k => (Name: k, Problem: Mismatch(checkpoint, k, target[k])))
            .Where(m => m.Problem is not null).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        var mismatched = mismatches.Select(m => m.Name).ToList();
        var adapted = target.Keys.Where(k => Stored(k) && !mismatched.Contains(k) && IsAdaptableInput(checkpoint.ShapeOf(k)!, target[k].shape))
            .OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (options.Strict && missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            throw new WeightFormatException(WeightSource.Describe(path, "the model", missing, unexpected, mismatches.Select(m => m.Problem!).ToList()));
        }

        var loadable = target.Keys.Where(k => Stored(k) && !mismatched.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var staged = new List<(Tensor Target, Tensor Value)>();
        try
        {
            foreach (var name in loadable)
            {
                var (file, entry) = checkpoint.Locate(name);
                var value = Reshaped(ConvertTo(file.ReadTensor(entry.Name), target[name]), target[name].shape);
                staged.Add((target[name], adapted.Contains(name) ? AdaptInput(value, target[name].shape[1]) : value));
            }
            if (options.RequireFinite)
            {
                CheckFinite(path, loadable.Zip(staged, (name, s) => (name, s.Value)), " (LoadOptions.RequireFinite = false loads them)");
            }
            using (no_grad())
            {
                foreach (var (destination, value) in staged)
                {
                    destination.copy_(value);
                }
            }
        }
        catch (System.IO.IOException e)
        {
            // E.g. the file changed after its header was read; nothing has been copied yet.
            throw new WeightFormatException($"{path}: cannot read the tensors: {e.Message} Nothing was loaded.");
        }
        finally
        {
            foreach (var (_, value) in staged)
            {
                value.Dispose();
            }
        }
        var skipped = target.Keys.Where(Skipped).Concat(mismatched).OrderBy(k => k, StringComparer.Ordinal).ToList();
        return new LoadReport(loadable, missing, unexpected, skipped) { Adapted = adapted };
    }

    /// <summary>
    /// Why the checkpoint's tensor <paramref name="name"/> cannot load into <paramref name="target"/>, or null: a shape
    /// that does not fit (unless it is an adaptable input convolution), or integer data for a floating-point tensor or
    /// the reverse (the conversion would silently truncate or reinterpret).
    /// </summary>
    private static string? Mismatch(CheckpointWeights checkpoint, string name, Tensor target)
    {
        var stored = checkpoint.Locate(name).Entry;
        // BatchNorm's step counter is the one integer tensor that scripts converting a whole state_dict to F16 or F32
        // turn into floats; it holds a count, which converts back exactly.
        if (TorchDTypes.IsFloatingPoint(stored.DType) != target.is_floating_point() && !name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
        {
            return $"'{name}': {stored.DType} {Shapes.Format(stored.Shape)} in the checkpoint, {target.dtype} in the model (integer and floating-point data do not convert)";
        }
        return Shapes.Fit(stored.Shape, target.shape) || IsAdaptableInput(stored.Shape, target.shape)
            ? null
            : $"'{name}': {Shapes.Format(stored.Shape)} in the checkpoint, {Shapes.Format(target.shape)} in the model";
    }

    /// <summary>
    /// Throws if a floating-point tensor of <paramref name="tensors"/> holds NaN or infinite values, naming each with
    /// its count ("'name': n of m values"); <paramref name="remedy"/> ends the first line.
    /// </summary>
    internal static void CheckFinite(string path, IEnumerable<(string Name, Tensor Value)> tensors, string remedy = "")
    {
        using var scope = NewDisposeScope();
        var nonFinite = tensors
            .Where(t => t.Value.is_floating_point())
            .Select(t => (t.Name, Count: t.Value.isfinite().logical_not().sum().item<long>(), Total: t.Value.numel()))
            .Where(t => t.Count > 0)
            .Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"'{t.Name}': {t.Count} of {t.Total} values"))
            .ToList();
        if (nonFinite.Count > 0)
        {
            throw new WeightFormatException($"{path}: {nonFinite.Count} tensor(s) hold NaN or infinite values in the model's type; nothing was loaded{remedy}:"
                + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", nonFinite.Take(20)));
        }
    }

    /// <summary>A 3-channel input convolution [O, 3, k, k] loading into a model with another number of input channels.</summary>
    private static bool IsAdaptableInput(long[] stored, long[] model) =>
        stored.Length == 4 && model.Length == 4 && stored[1] == 3 && model[1] != 3
        && stored[0] == model[0] && stored[2] == model[2] && stored[3] == model[3];

    /// <summary>
    /// timm's <c>adapt_input_conv</c>: for one channel, the sum over the RGB filters; for more, the RGB filters
    /// repeated and cut to size, scaled by 3 / channels so activations keep their magnitude. Never random.
    /// </summary>
    private static Tensor AdaptInput(Tensor weight, long channels)
    {
        using (weight)
        {
            if (channels == 1)
            {
                return weight.sum(1, keepdim: true);
            }
            var repeats = (channels + 2) / 3;
            using var repeated = weight.repeat(1, repeats, 1, 1);
            using var cut = repeated[.., ..(int)channels];
            return cut * (3.0 / channels);
        }
    }

    /// <summary><paramref name="value"/> in <paramref name="shape"/> when <see cref="Shapes.Fit"/> let it load with trailing ones more or less.</summary>
    private static Tensor Reshaped(Tensor value, long[] shape)
    {
        if (value.shape.Length == shape.Length)
        {
            return value;
        }
        using (value)
        {
            return value.reshape(shape);
        }
    }

    /// <summary><paramref name="raw"/> in <paramref name="like"/>'s dtype and device (F16/BF16/F64 checkpoints into F32 models).</summary>
    private static Tensor ConvertTo(Tensor raw, Tensor like)
    {
        if (raw.dtype == like.dtype && raw.device == like.device)
        {
            return raw;
        }
        using (raw)
        {
            return raw.to(like.dtype, like.device);
        }
    }
}
