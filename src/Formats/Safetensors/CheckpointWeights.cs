using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Formats.Safetensors;

/// <summary>The tensors of a safetensors checkpoint (one file or a sharded index) as a <see cref="WeightSource"/>.</summary>
public sealed class CheckpointWeights : WeightSource
{
    private readonly IReadOnlyDictionary<string, (SafetensorsFile File, SafetensorsEntry Entry)> _tensors;

    /// <summary>
    /// Opens the checkpoint at <paramref name="path"/>: the tensors <paramref name="select"/> accepts (default: all),
    /// renamed by <paramref name="keyMap"/> (e.g. timm's names to ours).
    /// </summary>
    /// <exception cref="WeightFormatException">A malformed file, or two tensors that map to one name.</exception>
    public CheckpointWeights(string path, Func<string, string>? keyMap = null, Func<string, bool>? select = null)
    {
        Origin = path;
        var stored = Checkpoint.Open(path);
        var selected = stored.Keys.Where(name => select is null || select(name));
        var tensors = new Dictionary<string, (SafetensorsFile, SafetensorsEntry)>(StringComparer.Ordinal);
        foreach (var (name, original) in RenamedWeights.Originals(selected, keyMap ?? (name => name), path))
        {
            tensors[name] = stored[original];
        }
        _tensors = tensors;
        Metadata = tensors.Values.Select(t => t.Item1).Distinct().SelectMany(f => f.Metadata)
            .GroupBy(m => m.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
    }

    /// <summary>The <c>__metadata__</c> strings of the checkpoint's files (the first file's value where shards disagree).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <inheritdoc />
    public override string Origin { get; }

    /// <inheritdoc />
    public override IEnumerable<string> Names => _tensors.Keys;

    /// <summary>The file and entry of tensor <paramref name="name"/> (a mapped name).</summary>
    public (SafetensorsFile File, SafetensorsEntry Entry) Locate(string name) => _tensors[name];

    /// <inheritdoc />
    public override long[]? ShapeOf(string name) => _tensors.TryGetValue(name, out var tensor) ? tensor.Entry.Shape : null;

    /// <inheritdoc />
    public override float[] Read(string name)
    {
        var (file, entry) = _tensors[name];
        return file.ReadFloats(entry.Name);
    }
}
