using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Formats;

/// <summary>Another source's tensors under other names (timm's names read as EffNetGen's).</summary>
public sealed class RenamedWeights : WeightSource
{
    private readonly WeightSource _inner;
    private readonly Dictionary<string, string> _original;

    /// <summary>The tensors of <paramref name="inner"/>, each called <paramref name="rename"/>(its name).</summary>
    /// <exception cref="WeightFormatException">Two tensors are renamed to one name.</exception>
    public RenamedWeights(WeightSource inner, Func<string, string> rename)
    {
        _inner = inner;
        _original = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in inner.Names)
        {
            if (!_original.TryAdd(rename(name), name))
            {
                throw new WeightFormatException($"{inner.Origin}: '{name}' and '{_original[rename(name)]}' both map to '{rename(name)}'; nothing was loaded.");
            }
        }
    }

    /// <inheritdoc />
    public override string Origin => _inner.Origin;

    /// <inheritdoc />
    public override IEnumerable<string> Names => _original.Keys.ToList();

    /// <inheritdoc />
    public override long[]? ShapeOf(string name) => _original.TryGetValue(name, out var original) ? _inner.ShapeOf(original) : null;

    /// <inheritdoc />
    public override float[] Read(string name) => _inner.Read(_original[name]);
}
