using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Formats;

/// <summary>Named float tensors to export: a model's own, a checkpoint's, or freshly initialised ones.</summary>
public abstract class WeightSource
{
    /// <summary>Where the tensors come from, for messages (a file path, or a model's name).</summary>
    public abstract string Origin { get; }

    /// <summary>The names of every tensor the source holds.</summary>
    public abstract IEnumerable<string> Names { get; }

    /// <summary>The shape of tensor <paramref name="name"/>, or null when the source lacks it.</summary>
    public abstract long[]? ShapeOf(string name);

    /// <summary>Tensor <paramref name="name"/> as float32 values in row-major order.</summary>
    public abstract float[] Read(string name);

    /// <summary>
    /// Checks that the source holds exactly <paramref name="required"/> (BatchNorm's <c>num_batches_tracked</c> aside),
    /// each with its shape, before anything is read.
    /// </summary>
    /// <exception cref="WeightFormatException">Lists every missing, unexpected and mismatched tensor, with shapes.</exception>
    public void CheckHolds(IEnumerable<(string Name, long[] Shape)> required, string what)
    {
        var shapes = required.ToDictionary(r => r.Name, r => r.Shape, StringComparer.Ordinal);
        var missing = shapes.Keys.Where(k => ShapeOf(k) is null).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var unexpected = Names.Where(k => !shapes.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
            .OrderBy(k => k, StringComparer.Ordinal).ToList();
        var mismatched = shapes.Where(s => ShapeOf(s.Key) is { } shape && !Shapes.Fit(shape, s.Value)).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => $"'{s.Key}': {Shapes.Format(ShapeOf(s.Key)!)} in the checkpoint, {Shapes.Format(s.Value)} in {what}")
            .ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
        {
            throw new WeightFormatException(Describe(Origin, what, missing, unexpected, mismatched));
        }
    }

    /// <summary>The message for a checkpoint that does not fit: each kind of problem, the first 20 of each.</summary>
    public static string Describe(string origin, string what, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
    {
        var lines = new List<string> { $"{origin}: the checkpoint does not fit {what}; nothing was loaded." };
        void Add(string title, IReadOnlyList<string> items)
        {
            if (items.Count > 0)
            {
                lines.Add($"{title} ({items.Count}):");
                lines.AddRange(items.Take(20).Select(i => "  " + WeightFormatException.Printable(i))); // a name must not forge a line
                if (items.Count > 20)
                {
                    lines.Add($"  … and {items.Count - 20} more");
                }
            }
        }
        Add("missing from the checkpoint", missing);
        Add("not in the model", unexpected);
        Add("shape or type mismatch", mismatched);
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Shapes in messages: <c>[32, 3, 3, 3]</c>.</summary>
public static class Shapes
{
    /// <summary>Formats <paramref name="shape"/> as <c>[d0, d1, …]</c>.</summary>
    public static string Format(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>
    /// Whether a stored tensor of shape <paramref name="stored"/> loads into one of shape <paramref name="target"/>: the
    /// same shape, or the same but for trailing ones (timm keeps MobileNetV3's hidden linear layer as a 1×1 convolution,
    /// [out, in, 1, 1] for torchvision's [out, in]; the elements are in the same order).
    /// </summary>
    public static bool Fit(IReadOnlyList<long> stored, IReadOnlyList<long> target) =>
        stored.SequenceEqual(target) || (stored.Count != target.Count && Trim(stored).SequenceEqual(Trim(target)));

    private static IEnumerable<long> Trim(IReadOnlyList<long> shape) => shape.Take(shape.Count - shape.Reverse().TakeWhile(d => d == 1).Count());
}
