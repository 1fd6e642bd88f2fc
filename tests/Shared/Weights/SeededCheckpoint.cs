using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace EffNetGen.Tests.Shared;

/// <summary>
/// A float32 safetensors checkpoint for a plan, without TorchSharp: seeded normal convolution and linear weights scaled
/// by fan-in (so activations stay finite through the network), BatchNorm at the identity, small biases.
/// </summary>
public static class SeededCheckpoint
{
    public static void Write(string path, NetworkPlan plan, int seed, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var random = new Random(seed);
        var tensors = plan.Tensors().Select(t => (t.Name, Shape: t.Shape.ToArray())).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is not null)
        {
            header["__metadata__"] = metadata;
        }
        var data = new MemoryStream();
        foreach (var (name, shape) in tensors)
        {
            var count = shape.Aggregate(1L, (p, d) => p * d);
            var fanIn = shape.Length > 1 ? shape.Skip(1).Aggregate(1L, (p, d) => p * d) : 1;
            var begin = data.Length;
            for (var i = 0; i < count; i++)
            {
                var value = name.EndsWith(".running_var", StringComparison.Ordinal) ? 1f
                    : name.EndsWith(".running_mean", StringComparison.Ordinal) ? 0f
                    : shape.Length > 1 ? (float)(Normal(random) * Math.Sqrt(2.0 / fanIn))
                    : name.EndsWith(".weight", StringComparison.Ordinal) ? 1f
                    : (float)(Normal(random) * 0.05);
                data.Write(BitConverter.GetBytes(value));
            }
            header[name] = new { dtype = "F32", shape, data_offsets = new[] { begin, data.Length } };
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        data.Position = 0;
        data.CopyTo(file);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
