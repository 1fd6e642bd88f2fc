using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CsCheck;
using EffNetGen.Formats;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Weights;

public class SafetensorsTests
{
    private static Dictionary<string, Tensor> Sample()
    {
        manual_seed(3);
        return new Dictionary<string, Tensor>
        {
            ["a.f32"] = randn(3, 4),
            ["b.f64"] = randn(2, 2, 2, dtype: ScalarType.Float64),
            ["c.f16"] = randn(5, dtype: ScalarType.Float16),
            ["d.bf16"] = randn(1, 7, dtype: ScalarType.BFloat16),
            ["e.i64"] = tensor(new long[] { 1, -2, 3_000_000_000 }),
            ["f.scalar"] = tensor(1.5f),
        };
    }

    [Fact]
    public void A_written_file_reads_back_bit_exactly_and_rewrites_byte_for_byte()
    {
        using var folder = new TempDirectory();
        var tensors = Sample();
        SafetensorsWriter.Write(folder.PathOf("a.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });

        var file = SafetensorsFile.Open(folder.PathOf("a.safetensors"));

        Assert.Equal("pt", file.Metadata["format"]);
        foreach (var (name, expected) in tensors)
        {
            using var actual = file.ReadTensor(name);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.bytes.SequenceEqual(actual.bytes), name);
        }
        SafetensorsWriter.Write(folder.PathOf("b.safetensors"), tensors.Keys.ToDictionary(k => k, k => file.ReadTensor(k)), file.Metadata);
        Assert.Equal(File.ReadAllBytes(folder.PathOf("a.safetensors")), File.ReadAllBytes(folder.PathOf("b.safetensors")));
    }

    // Random damage to a valid file (cuts, flipped bytes, rewritten header lengths): it opens and reads, or it is
    // refused with a WeightFormatException naming the file — never another exception.
    [Fact]
    public void Damaged_files_are_read_or_refused_with_a_format_error()
    {
        using var folder = new TempDirectory();
        SafetensorsWriter.Write(folder.PathOf("valid.safetensors"), Sample(), new Dictionary<string, string> { ["format"] = "pt" });
        var valid = File.ReadAllBytes(folder.PathOf("valid.safetensors"));
        var path = folder.PathOf("damaged.safetensors");
        var damage = Gen.Select(Gen.Int[0, 2], Gen.Int[0, valid.Length - 1], Gen.Byte, Gen.ULong).Array[1, 4];

        damage.Sample(edits =>
        {
            var bytes = valid.ToArray();
            foreach (var (kind, at, value, length) in edits)
            {
                switch (kind)
                {
                    case 0:
                        bytes = bytes[..Math.Min(at, bytes.Length)];
                        break;
                    case 1 when at < bytes.Length:
                        bytes[at] = value;
                        break;
                    default:
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes.Length >= 8 ? bytes : new byte[8], length % (ulong)(valid.Length * 2));
                        break;
                }
            }
            File.WriteAllBytes(path, bytes);
            try
            {
                var file = SafetensorsFile.Open(path);
                foreach (var name in file.Entries.Keys)
                {
                    file.ReadTensor(name).Dispose();
                }
            }
            catch (WeightFormatException e)
            {
                Assert.StartsWith(path + ": ", e.Message);
            }
        }, iter: 2000, seed: "6tmhEHyV4n62", threads: 1);
    }

    [Fact]
    public void The_header_follows_the_format_little_endian_length_json_and_8_byte_alignment()
    {
        using var folder = new TempDirectory();
        SafetensorsWriter.Write(folder.PathOf("a.safetensors"), new Dictionary<string, Tensor> { ["w"] = ones(2, 3) });

        var bytes = File.ReadAllBytes(folder.PathOf("a.safetensors"));
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, length);

        Assert.Equal(0, length % 8);
        Assert.Equal("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", header.TrimEnd(' '));
        Assert.Equal(8 + length + 24, bytes.Length);
        Assert.Equal(1.0f, BitConverter.ToSingle(bytes, 8 + length));
    }

    // Each malformed file: the exact reason, with the file's path, and no exception of another type.
    [Theory]
    [InlineData("short", "shorter than the 8-byte header length")]
    [InlineData("length", "header length 1000 exceeds the file")]
    [InlineData("json", "header is not valid JSON")]
    [InlineData("array", "header is not a JSON object")]
    [InlineData("fields", "tensor 'w' needs \"dtype\", \"shape\" and two \"data_offsets\"")]
    [InlineData("dtype", "tensor 'w' has dtype U16; supported: F64, F32, F16, BF16, I64, U8")]
    [InlineData("shape", "tensor 'w' has an invalid shape [-1]")]
    [InlineData("size", "tensor 'w' of shape [3] and dtype F32 needs 12 bytes, its data_offsets give 8")]
    [InlineData("range", "tensor 'w' has data_offsets [0, 64] outside the 8 data bytes")]
    [InlineData("hole", "the last 4 data bytes belong to no tensor")]
    [InlineData("overlap", "tensor 'v' overlaps the previous tensor's bytes")]
    [InlineData("twice", "tensor 'w' is listed twice")]
    [InlineData("metadata", "__metadata__ must map strings to strings")]
    [InlineData("truncated", "tensor 'w' has data_offsets [0, 24] outside the 12 data bytes")]
    [InlineData("huge", "header length 4294967296 exceeds the file (10 bytes)")]
    [InlineData("giant", "tensor 'w' has data_offsets [0, 4398046511104] outside the 8 data bytes")]
    [InlineData("utf8", "header is not valid UTF-8")]
    public void Malformed_files_are_rejected_with_the_reason(string defect, string reason)
    {
        using var folder = new TempDirectory();
        var path = folder.PathOf(defect + ".safetensors");
        File.WriteAllBytes(path, Malformed(defect));

        var error = Assert.Throws<WeightFormatException>(() => SafetensorsFile.Open(path));

        Assert.StartsWith(path + ": not a valid safetensors file: ", error.Message);
        Assert.Contains(reason, error.Message);
    }

    /// <summary>The defects <see cref="Malformed"/> can produce.</summary>
    public static TheoryData<string> Defects => new() { "short", "length", "json", "array", "fields", "dtype", "shape", "size", "range", "hole", "overlap", "twice", "metadata", "truncated", "huge", "giant", "utf8" };

    // A declared size is never allocated before it is checked against the file.
    [Theory]
    [InlineData("huge")]
    [InlineData("giant")]
    public void A_declared_but_absent_size_allocates_nothing_proportional_to_it(string defect)
    {
        using var folder = new TempDirectory();
        var path = folder.PathOf(defect + ".safetensors");
        File.WriteAllBytes(path, Malformed(defect));

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<WeightFormatException>(() => SafetensorsFile.Open(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1 << 20, $"{allocated:N0} bytes allocated");
    }

    internal static byte[] Malformed(string defect) => defect switch
    {
        "short" => new byte[] { 1, 2, 3 },
        "length" => WithLength(1000, "{}", 0),
        "json" => Bytes("{\"w\": {", 0),
        "array" => Bytes("[]", 0),
        "fields" => Bytes("{\"w\":{\"dtype\":\"F32\"}}", 0),
        "dtype" => Bytes("{\"w\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2),
        "shape" => Bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
        "size" => Bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8),
        "range" => Bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[16],\"data_offsets\":[0,64]}}", 8),
        "hole" => Bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
        "overlap" => Bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
        "twice" => Bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
        "truncated" => Bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", 12), // cut in the middle of the data
        "huge" => WithLength(1UL << 32, "{}", 0),
        "giant" => Bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,4398046511104]}}", 8),
        "utf8" => Bytes("{\"w\u00ff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4).Select(b => b == 0xC3 ? (byte)0xA3 : b).ToArray(), // found by the damage property
        _ => Bytes("{\"__metadata__\":{\"a\":1}}", 0),
    };

    private static byte[] Bytes(string header, int dataBytes) => WithLength((ulong)Encoding.UTF8.GetByteCount(header), header, dataBytes);

    private static byte[] WithLength(ulong length, string header, int dataBytes)
    {
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, length);
        return prefix.Concat(Encoding.UTF8.GetBytes(header)).Concat(new byte[dataBytes]).ToArray();
    }
}
