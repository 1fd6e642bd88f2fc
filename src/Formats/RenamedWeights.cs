using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Formats;

/// <summary>Another source's tensors under other names (timm's names read as EffNetGen's).</summary>
public sealed class RenamedWeights : WeightSource
{
    private readonly WeightSource _inner;
    private readonly Dictionary<string, string> _original;
    private readonly List<string> _names;

    /// <summary>The tensors of <paramref name="inner"/>, each called <paramref name="rename"/>(its name).</summary>
    /// <exception cref="WeightFormatException">Two tensors are renamed to one name.</exception>
    public RenamedWeights(WeightSource inner, Func<string, string> rename)
    {
        _inner = inner;
        _original = Originals(inner.Names, rename, inner.Origin);
        _names = _original.Keys.ToList();
    }

    /// <summary>Each new name with the name it came from.</summary>
    /// <exception cref="WeightFormatException">Two names are renamed to one; the message names <paramref name="origin"/> and both.</exception>
    public static Dictionary<string, string> Originals(IEnumerable<string> names, Func<string, string> rename, string origin)
    {
        var originals = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!originals.TryAdd(rename(name), name))
            {
                throw new WeightFormatException($"{origin}: '{name}' and '{originals[rename(name)]}' both map to '{rename(name)}'; nothing was loaded.");
            }
        }
        return originals;
    }

    /// <inheritdoc />
    public override string Origin => _inner.Origin;

    /// <inheritdoc />
    public override IEnumerable<string> Names => _names;

    /// <inheritdoc />
    public override long[]? ShapeOf(string name) => _original.TryGetValue(name, out var original) ? _inner.ShapeOf(original) : null;

    /// <inheritdoc />
    public override float[] Read(string name) => _inner.Read(_original[name]);
}
