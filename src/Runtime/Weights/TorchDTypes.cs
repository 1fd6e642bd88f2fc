using System.Collections.Generic;
using EffNetGen.Formats;
using EffNetGen.Formats.Safetensors;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Weights;

/// <summary>The TorchSharp types of the safetensors dtypes (<see cref="SafetensorsDType"/>), both ways.</summary>
public static class TorchDTypes
{
    private static readonly Dictionary<string, ScalarType> ByName = new()
    {
        ["F64"] = ScalarType.Float64,
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64,
        ["U8"] = ScalarType.Byte,
    };

    /// <summary>The TorchSharp type of a supported safetensors dtype.</summary>
    public static ScalarType TypeOf(string name) => ByName[name];

    /// <summary>Whether the supported safetensors dtype <paramref name="name"/> holds floating-point numbers.</summary>
    public static bool IsFloatingPoint(string name) => TypeOf(name) is ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>The safetensors name of <paramref name="type"/>.</summary>
    public static string NameOf(ScalarType type)
    {
        foreach (var (name, entry) in ByName)
        {
            if (entry == type)
            {
                return name;
            }
        }
        throw new WeightFormatException($"tensors of type {type} cannot be written to safetensors by EffNetGen (supported: {SafetensorsDType.Supported})");
    }

    /// <summary>Tensor <paramref name="name"/> of <paramref name="file"/> as stored (its file dtype), on the CPU.</summary>
    public static Tensor ReadTensor(this SafetensorsFile file, string name)
    {
        var entry = file.Entries[name];
        var tensor = empty(entry.Shape, TypeOf(entry.DType));
        using var stream = file.OpenTensor(name);
        tensor.ReadBytesFromStream(stream);
        return tensor;
    }
}
