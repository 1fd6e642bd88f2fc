using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using EffNetGen.Formats;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Weights;

/// <summary>
/// Writes safetensors files: tensors sorted by name, the header padded to 8 bytes, data streamed tensor by tensor; whole or
/// not at all (<see cref="AtomicFile"/>), so an interrupted save never leaves a truncated checkpoint in place.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (and optional <paramref name="metadata"/>) to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var json = Header(ordered, metadata);
        // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
        var padded = json.Length + ((8 - (json.Length % 8)) % 8);
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);

        AtomicFile.Write(path, stream =>
        {
            stream.Write(prefix);
            stream.Write(json);
            stream.Write(Enumerable.Repeat((byte)' ', padded - json.Length).ToArray());
            foreach (var (_, tensor) in ordered)
            {
                using var contiguous = tensor.detach().cpu().contiguous();
                contiguous.WriteBytesToStream(stream);
            }
        });
    }

    private static byte[] Header(IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            var offset = 0L;
            foreach (var (name, tensor) in tensors)
            {
                var length = tensor.numel() * tensor.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", TorchDTypes.NameOf(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.shape)
                {
                    json.WriteNumberValue(dimension);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
