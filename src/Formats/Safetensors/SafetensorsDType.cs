using System.Collections.Generic;

namespace EffNetGen.Formats.Safetensors;

/// <summary>The safetensors dtypes EffNetGen reads and writes, with their element sizes.</summary>
public static class SafetensorsDType
{
    private static readonly Dictionary<string, int> Sizes = new()
    {
        ["F64"] = 8,
        ["F32"] = 4,
        ["F16"] = 2,
        ["BF16"] = 2,
        // BatchNorm's num_batches_tracked is int64 in PyTorch checkpoints.
        ["I64"] = 8,
        // Random-generator states in training checkpoints.
        ["U8"] = 1,
    };

    /// <summary>The element size of <paramref name="name"/>, if supported.</summary>
    public static bool TryGetSize(string name, out int size) => Sizes.TryGetValue(name, out size);

    /// <summary>The element size of a supported <paramref name="name"/>.</summary>
    public static int SizeOf(string name) => Sizes[name];

    /// <summary>The supported names, for messages.</summary>
    public static string Supported => string.Join(", ", Sizes.Keys);
}
