using System.Collections.Generic;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Weights;

/// <summary>The safetensors dtypes EffNetGen reads and writes, with their TorchSharp types and sizes.</summary>
public static class SafetensorsDType
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> ByName = new()
    {
        ["F64"] = (ScalarType.Float64, 8),
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        // BatchNorm's num_batches_tracked is int64 in PyTorch checkpoints.
        ["I64"] = (ScalarType.Int64, 8),
    };

    /// <summary>The TorchSharp type and element size of <paramref name="name"/>, if supported.</summary>
    public static bool TryGet(string name, out ScalarType type, out int size)
    {
        var found = ByName.TryGetValue(name, out var entry);
        (type, size) = entry;
        return found;
    }

    /// <summary>The safetensors name of <paramref name="type"/>.</summary>
    public static string NameOf(ScalarType type)
    {
        foreach (var (name, entry) in ByName)
        {
            if (entry.Type == type)
            {
                return name;
            }
        }
        throw new WeightFormatException($"tensors of type {type} cannot be written to safetensors by EffNetGen (supported: {string.Join(", ", ByName.Keys)})");
    }

    /// <summary>The supported names, for messages.</summary>
    public static string Supported => string.Join(", ", ByName.Keys);
}
