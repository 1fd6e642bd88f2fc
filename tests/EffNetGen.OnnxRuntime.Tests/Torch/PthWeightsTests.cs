using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using EffNetGen.Formats;
using EffNetGen.Formats.Torch;
using EffNetGen.Tests.Shared;

namespace EffNetGen.OnnxRuntime.Tests.Torch;

/// <summary>
/// The restricted <c>.pth</c> reader against torch 1.13's own files and reading of them (tools/make_pth_fixtures.py),
/// and against hand-made archives that it must refuse.
/// </summary>
public sealed class PthWeightsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "pth", name);

    [Theory]
    [InlineData("state_dict.pth")]
    [InlineData("wrapped.pth")]
    public void Names_shapes_dtypes_and_values_are_torchs(string file)
    {
        var weights = new PthWeights(Fixture(file));

        using var expected = JsonDocument.Parse(File.ReadAllText(Fixture("expected.json")));
        var tensors = expected.RootElement.GetProperty(file).GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(tensors.Select(t => t.GetProperty("name").GetString()), weights.Names);
        foreach (var tensor in tensors)
        {
            var name = tensor.GetProperty("name").GetString()!;
            var dtype = tensor.GetProperty("dtype").GetString();
            Assert.Equal(dtype, weights.DTypeOf(name));
            Assert.Equal(tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), weights.ShapeOf(name)!);
            if (dtype!.StartsWith("int", StringComparison.Ordinal))
            {
                continue;
            }
            var values = tensor.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            var actual = weights.Read(name);
            Assert.True(values.SequenceEqual(actual), $"{file} '{name}': [{string.Join(", ", actual)}], torch's [{string.Join(", ", values)}]");
        }
    }

    [Fact]
    public void The_fixture_covers_views_shared_storage_and_every_float_dtype()
    {
        var weights = new PthWeights(Fixture("state_dict.pth"));

        Assert.Null(weights.WrapperKey);
        Assert.Equal(
            ["float32", "float32", "float16", "float64", "int64", "float32", "float32", "float32", "bfloat16", "float32"],
            weights.Names.Select(weights.DTypeOf));
        Assert.Equal([5L, 3L], weights.ShapeOf("transposed")!);
        Assert.Equal([], weights.ShapeOf("bn.num_batches_tracked")!);
        Assert.Null(weights.ShapeOf("absent"));
        Assert.Null(weights.DTypeOf("absent"));
        Assert.Throws<KeyNotFoundException>(() => weights.Read("absent"));
    }

    [Fact]
    public void A_wrapped_state_dict_is_read_from_its_entry()
    {
        var weights = new PthWeights(Fixture("wrapped.pth"));

        Assert.Equal("state_dict", weights.WrapperKey);
        Assert.Equal(["fc.weight", "fc.bias"], weights.Names);
    }

    [Fact]
    public void An_integer_tensor_is_listed_but_not_read()
    {
        var weights = new PthWeights(Fixture("state_dict.pth"));

        var error = Assert.Throws<WeightFormatException>(() => weights.Read("bn.num_batches_tracked"));
        Assert.Contains("'bn.num_batches_tracked'", error.Message);
        Assert.Contains("int64", error.Message);
        Assert.Contains(Fixture("state_dict.pth"), error.Message);
    }

    [Fact]
    public void A_pickle_that_calls_os_system_is_refused_without_running_it()
    {
        // The payload (os.system("echo pwned")) follows a valid tensor; refusal comes at its GLOBAL opcode, and nothing
        // in the reader can call a Python callable anyway.
        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(Fixture("malicious.pth")));

        Assert.Contains("the pickle calls posix.system, which a weights file does not need; refusing to load it (nothing is executed)", error.Message);
        Assert.StartsWith(Fixture("malicious.pth"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_legacy_format_is_refused_with_what_to_do()
    {
        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(Fixture("legacy.pth")));

        Assert.Contains("the legacy (pre-1.6) format; re-save it with torch.save in PyTorch ≥ 1.6", error.Message);
        Assert.StartsWith(Fixture("legacy.pth"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_archive_is_refused()
    {
        var bytes = File.ReadAllBytes(Fixture("state_dict.pth"));
        var path = WriteFile("truncated.pth", bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid zip archive", error.Message);
    }

    [Fact]
    public void A_file_that_is_neither_zip_nor_legacy_is_refused()
    {
        var path = WriteFile("text.pth", "hello, not a checkpoint"u8.ToArray());

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.Contains("not a PyTorch checkpoint", error.Message);
    }

    [Fact]
    public void A_storage_shorter_than_its_tensor_is_refused_before_anything_is_read()
    {
        var entries = Entries(Fixture("state_dict.pth"));
        // conv.weight, the first tensor, is storage 0: 108 float32 values.
        entries["state_dict/data/0"] = entries["state_dict/data/0"][..400];
        var path = WriteZip("short.pth", entries);

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'conv.weight' needs elements 0…107 of state_dict/data/0", error.Message);
        Assert.Contains("which holds 100 float32 elements (400 bytes)", error.Message);
    }

    [Fact]
    public void A_missing_storage_is_refused()
    {
        var entries = Entries(Fixture("state_dict.pth"));
        entries.Remove("state_dict/data/1");
        var path = WriteZip("missing.pth", entries);

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.Contains("tensor 'conv.bias' is stored in state_dict/data/1, which the archive lacks", error.Message);
    }

    [Fact]
    public void A_corrupt_storage_is_reported_when_read()
    {
        // A deflated storage whose compressed bytes are damaged: the central directory is intact, the data is not.
        var entries = Entries(Fixture("state_dict.pth"));
        var path = _temp.PathOf("corrupt.pth");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (name, content) in entries)
            {
                var level = name.EndsWith("/data/0", StringComparison.Ordinal) ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
                using var stream = zip.CreateEntry(name, level).Open();
                stream.Write(content);
            }
        }
        var bytes = File.ReadAllBytes(path);
        // The local header (30 bytes, then the name and the extra field) that precedes the storage's first name.
        var header = FindSubsequence(bytes, "state_dict/data/0"u8.ToArray()) - 30;
        var data = header + 30 + BitConverter.ToUInt16(bytes, header + 26) + BitConverter.ToUInt16(bytes, header + 28);
        bytes.AsSpan(data, 40).Fill(0xff);
        File.WriteAllBytes(path, bytes);
        var weights = new PthWeights(path);

        var error = Assert.Throws<WeightFormatException>(() => weights.Read("conv.weight"));

        Assert.Contains("tensor 'conv.weight': state_dict/data/0 cannot be read", error.Message);
    }

    [Fact]
    public void Other_opcodes_are_refused_by_name()
    {
        // SHORT_BINBYTES: bytes objects are never part of a state_dict.
        var path = WritePickle("bytes.pth", [0x80, 0x02, (byte)'C', 0x01, (byte)'a', (byte)'.']);

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.Contains("the pickle uses the SHORT_BINBYTES ('C') opcode", error.Message);
        Assert.Contains("refusing to load it (nothing is executed)", error.Message);
    }

    [Fact]
    public void A_protocol_4_global_is_refused_like_a_protocol_2_one()
    {
        var pickle = new List<byte> { 0x80, 0x04, 0x8c, 8 };
        pickle.AddRange("builtins"u8.ToArray());
        pickle.AddRange(new byte[] { 0x8c, 4 });
        pickle.AddRange("eval"u8.ToArray());
        pickle.AddRange(new byte[] { 0x93, (byte)'.' });
        var path = WritePickle("eval.pth", [.. pickle]);

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.Contains("the pickle calls builtins.eval, which a weights file does not need", error.Message);
    }

    [Fact]
    public void Calling_a_storage_type_is_refused()
    {
        var pickle = new List<byte> { 0x80, 0x02, (byte)'c' };
        pickle.AddRange("torch\nFloatStorage\n"u8.ToArray());
        pickle.AddRange(new byte[] { (byte)')', (byte)'R', (byte)'.' });
        var path = WritePickle("storage.pth", [.. pickle]);

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.Contains("the pickle calls torch.FloatStorage", error.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        // 200 lists, each appended to the one before: [[[…]]].
        var pickle = new List<byte> { 0x80, 0x02 };
        pickle.AddRange(Enumerable.Repeat((byte)']', 200));
        pickle.AddRange(Enumerable.Repeat((byte)'a', 199));
        pickle.Add((byte)'.');
        var path = WritePickle("deep.pth", [.. pickle]);

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.Contains("nests containers deeper than 100 levels", error.Message);
    }

    [Fact]
    public void A_pickle_of_something_other_than_a_dict_of_tensors_is_refused()
    {
        var list = WritePickle("list.pth", [0x80, 0x02, (byte)']', (byte)'.']);
        var dict = WritePickle("dict.pth", [0x80, 0x02, (byte)'}', 0x8c, 1, (byte)'x', (byte)'K', 3, (byte)'s', (byte)'.']);

        Assert.Contains("holds a list, not a dict of tensors", Assert.Throws<WeightFormatException>(() => new PthWeights(list)).Message);
        Assert.Contains("'x' is a int, not a tensor", Assert.Throws<WeightFormatException>(() => new PthWeights(dict)).Message);
    }

    [Fact]
    public void A_truncated_pickle_is_refused()
    {
        var path = WritePickle("short.pth", [0x80, 0x02, (byte)'X', 0xff, 0, 0, 0, (byte)'a']);

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.Contains("the pickle ends early", error.Message);
    }

    [Fact]
    public void A_torchscript_archive_is_refused_with_what_to_do()
    {
        var path = WriteZip("scripted.pt", new Dictionary<string, byte[]>
        {
            ["scripted/data.pkl"] = [0x80, 0x02, (byte)'}', (byte)'.'],
            ["scripted/constants.pkl"] = [0x80, 0x02, (byte)')', (byte)'.'],
            ["scripted/code/__torch__.py"] = "class M: pass"u8.ToArray(),
        });

        var error = Assert.Throws<WeightFormatException>(() => new PthWeights(path));

        Assert.Contains("a TorchScript archive (torch.jit.save)", error.Message);
    }

    private static Dictionary<string, byte[]> Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    private string WriteFile(string name, byte[] bytes)
    {
        var path = _temp.PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string WriteZip(string name, IReadOnlyDictionary<string, byte[]> entries)
    {
        var path = _temp.PathOf(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entryName, data) in entries)
        {
            using var stream = zip.CreateEntry(entryName, CompressionLevel.NoCompression).Open();
            stream.Write(data);
        }
        return path;
    }

    private string WritePickle(string name, byte[] pickle) =>
        WriteZip(name, new Dictionary<string, byte[]> { ["archive/data.pkl"] = pickle, ["archive/version"] = "3\n"u8.ToArray() });

    private static int FindSubsequence(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }
        throw new InvalidOperationException("not found");
    }
}
