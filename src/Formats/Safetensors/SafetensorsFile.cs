using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace EffNetGen.Formats.Safetensors;

/// <summary>One tensor of a safetensors file: where its bytes are and what they hold.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End, string Path)
{
    /// <summary>Elements of the tensor.</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, d) => product * d);
}

/// <summary>
/// A safetensors file, read strictly: 8-byte little-endian header length, a JSON header
/// <c>{name: {dtype, shape, data_offsets}}</c> with optional <c>__metadata__</c>, then the raw little-endian data,
/// which the entries must cover exactly (no holes, no overlaps). Tensors are read one at a time, straight
/// from the file into native memory.
/// </summary>
public sealed class SafetensorsFile
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private SafetensorsFile(string path, long dataStart, IReadOnlyDictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        DataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The tensors, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private long DataStart { get; }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads and checks the header of <paramref name="path"/>.</summary>
    /// <exception cref="WeightFormatException">The file is not a valid safetensors file; the message says why.</exception>
    public static SafetensorsFile Open(string path)
    {
        using var stream = WeightFiles.OpenRead(path);
        var prefix = new byte[8];
        if (stream.Length < 8 || stream.Read(prefix, 0, 8) != 8)
        {
            throw Error(path, "shorter than the 8-byte header length");
        }
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(stream.Length - 8) || headerLength > MaxHeaderBytes)
        {
            throw Error(path, $"header length {headerLength} exceeds the file ({stream.Length} bytes)");
        }
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataLength = stream.Length - 8 - (long)headerLength;
        var (entries, metadata) = ParseHeader(path, header, dataLength);
        return new SafetensorsFile(path, 8 + (long)headerLength, entries, metadata);
    }

    /// <summary>A new stream positioned at the first byte of tensor <paramref name="name"/>; the caller disposes it.</summary>
    public Stream OpenTensor(string name)
    {
        var stream = File.OpenRead(Path);
        stream.Seek(DataStart + Entries[name].Begin, SeekOrigin.Begin);
        return stream;
    }

    /// <summary>
    /// Tensor <paramref name="name"/> as float32 values in row-major order, converted from F32, F16, BF16 or F64.
    /// </summary>
    /// <exception cref="WeightFormatException">The tensor holds integers.</exception>
    public float[] ReadFloats(string name)
    {
        var entry = Entries[name];
        var size = SafetensorsDType.SizeOf(entry.DType);
        var bytes = new byte[entry.End - entry.Begin];
        using (var stream = OpenTensor(name))
        {
            stream.ReadExactly(bytes);
        }
        FloatEncoding encoding = entry.DType switch
        {
            "F32" => FloatEncoding.Float32,
            "F16" => FloatEncoding.Float16,
            "BF16" => FloatEncoding.BFloat16,
            "F64" => FloatEncoding.Float64,
            _ => throw new WeightFormatException($"{Path}: tensor '{name}' holds {entry.DType} values, not floating-point weights."),
        };
        var decode = FloatElements.For(encoding);
        var values = new float[bytes.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = decode(bytes.AsSpan(i * size, size));
        }
        return values;
    }

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        try
        {
            // JsonDocument checks UTF-8 only when a string is read, and then throws InvalidOperationException.
            StrictUtf8.GetCharCount(header);
        }
        catch (DecoderFallbackException e)
        {
            throw Error(path, $"header is not valid UTF-8: {e.Message}");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Error(path, $"header is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Error(path, "header is not a JSON object");
            }
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var metadataSeen = false;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    metadata = !metadataSeen ? ParseMetadata(path, property.Value) : throw Error(path, "__metadata__ is listed twice");
                    metadataSeen = true;
                }
                else if (!entries.TryAdd(property.Name, ParseEntry(path, property.Name, property.Value, dataLength)))
                {
                    throw Error(path, $"tensor '{property.Name}' is listed twice");
                }
            }
            CheckCoverage(path, entries.Values, dataLength);
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Error(path, $"tensor '{name}' needs \"dtype\", \"shape\" and two \"data_offsets\"");
        }
        // JSON parsers disagree on a repeated field (first or last wins): a file must not mean two things.
        if (value.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw Error(path, $"tensor '{name}' lists \"{repeated.Key}\" twice");
        }
        var dtypeName = dtype.GetString()!;
        if (!SafetensorsDType.TryGetSize(dtypeName, out var size))
        {
            throw Error(path, $"tensor '{name}' has dtype {dtypeName}; supported: {SafetensorsDType.Supported}");
        }
        var dims = shape.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var v) && v >= 0 ? v : -1).ToArray();
        var bounds = offsets.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out var v) ? v : -1).ToArray();
        if (dims.Any(d => d < 0))
        {
            throw Error(path, $"tensor '{name}' has an invalid shape {shape.GetRawText()}");
        }
        if (bounds[0] < 0 || bounds[1] < bounds[0] || bounds[1] > dataLength)
        {
            throw Error(path, $"tensor '{name}' has data_offsets [{bounds[0]}, {bounds[1]}] outside the {dataLength} data bytes");
        }
        var expected = dims.Aggregate(1.0, (product, d) => product * d) * size;
        if (expected != bounds[1] - bounds[0])
        {
            throw Error(path, $"tensor '{name}' of shape [{string.Join(", ", dims)}] and dtype {dtypeName} needs {expected} bytes, its data_offsets give {bounds[1] - bounds[0]}");
        }
        return new SafetensorsEntry(name, dtypeName, dims, bounds[0], bounds[1], path);
    }

    private static Dictionary<string, string> ParseMetadata(string path, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            throw Error(path, "__metadata__ must map strings to strings");
        }
        return value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    /// <summary>The entries must tile the data section exactly: no holes, no overlaps.</summary>
    private static void CheckCoverage(string path, IEnumerable<SafetensorsEntry> entries, long dataLength)
    {
        var position = 0L;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != position)
            {
                throw Error(path, entry.Begin < position
                    ? $"tensor '{entry.Name}' overlaps the previous tensor's bytes"
                    : $"the bytes {position} to {entry.Begin} belong to no tensor");
            }
            position = entry.End;
        }
        if (position != dataLength)
        {
            throw Error(path, $"the last {dataLength - position} data bytes belong to no tensor");
        }
    }

    private static WeightFormatException Error(string path, string problem) => new($"{path}: not a valid safetensors file: {problem}.");
}
