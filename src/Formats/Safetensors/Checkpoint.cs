using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace EffNetGen.Formats.Safetensors;

/// <summary>The tensors of a checkpoint: one <c>.safetensors</c> file, or the shards a <c>*.safetensors.index.json</c> lists.</summary>
public static class Checkpoint
{
    /// <summary>Every tensor of the checkpoint at <paramref name="path"/>, by name, with the file that holds it.</summary>
    /// <exception cref="WeightFormatException">A file is malformed or missing, or the index is inconsistent.</exception>
    public static IReadOnlyDictionary<string, (SafetensorsFile File, SafetensorsEntry Entry)> Open(string path)
    {
        if (!path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase))
        {
            var file = SafetensorsFile.Open(path);
            return file.Entries.ToDictionary(e => e.Key, e => (file, e.Value), StringComparer.Ordinal);
        }
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, (SafetensorsFile, SafetensorsEntry)>(StringComparer.Ordinal);
        foreach (var (name, shard) in WeightMap(path))
        {
            // A shard is a file beside its index (as Hugging Face writes them): a path elsewhere is never opened, so an
            // index cannot make the loader read, or an error message describe, a file outside its folder.
            if (shard.Length == 0 || shard is "." or ".." || shard.IndexOfAny(new[] { '/', '\\', '\0' }) >= 0)
            {
                throw new WeightFormatException($"{path}: the index puts '{name}' in '{shard}', which is not a file name in the index's folder; refused.");
            }
            var shardPath = Path.Combine(Path.GetDirectoryName(path) ?? ".", shard);
            if (!shards.TryGetValue(shard, out var file))
            {
                if (!File.Exists(shardPath))
                {
                    throw new WeightFormatException($"{path}: shard '{shard}' (holding '{name}') does not exist.");
                }
                shards[shard] = file = SafetensorsFile.Open(shardPath);
            }
            if (!file.Entries.TryGetValue(name, out var entry))
            {
                throw new WeightFormatException($"{path}: the index puts '{name}' in '{shard}', which does not contain it.");
            }
            tensors[name] = (file, entry);
        }
        return tensors;
    }

    private static IEnumerable<(string Name, string Shard)> WeightMap(string path)
    {
        JsonDocument document;
        WeightFiles.CheckRegular(path); // a device would never end
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new WeightFormatException($"{path}: not a valid safetensors index: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object
                || map.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
            {
                throw new WeightFormatException($"{path}: not a valid safetensors index: it needs a \"weight_map\" of tensor names to shard files.");
            }
            return map.EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)).ToList();
        }
    }
}
