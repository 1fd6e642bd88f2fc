using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace EffNetGen.Formats.Torch;

/// <summary>
/// The tensors of a PyTorch checkpoint written by <c>torch.save(state_dict, f)</c> in the zip format (the default since
/// PyTorch 1.6; torchvision's published <c>.pth</c> files are such state_dicts), as a <see cref="WeightSource"/>.
/// </summary>
/// <remarks>
/// <para>
/// Nothing in the file is executed. Its pickle (<c>{folder}/data.pkl</c>) is interpreted by a restricted reader that knows
/// only the opcodes a state_dict uses and the callables it names (<c>collections.OrderedDict</c>,
/// <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c>[<c>_with_state</c>], the
/// <c>torch.*Storage</c> types), each evaluated by this code; a pickle that names anything else is refused.
/// </para>
/// <para>
/// The pickled object must be a dict of name → tensor, or a dict whose <c>state_dict</c> or <c>model</c> entry is one
/// (training checkpoints such as <c>{"state_dict": …, "epoch": 3}</c>; <see cref="WrapperKey"/> says which). Float32,
/// float16, bfloat16 and float64 tensors are read as float32, honouring each tensor's storage offset and strides; integer
/// and bool tensors (BatchNorm's <c>num_batches_tracked</c>) are listed but not read. The legacy pre-1.6 format and
/// TorchScript archives are refused with a message saying what to do.
/// </para>
/// </remarks>
public sealed class PthWeights : WeightSource
{
    /// <summary>The largest pickle (<c>data.pkl</c>) read; a state_dict's takes some 100 bytes a tensor.</summary>
    public const long MaxPickleBytes = 64L * 1024 * 1024;

    // torch.save's pre-1.6 format starts with a pickled magic number: PROTO 2, LONG1 of 10 bytes, 0x1950a86a20f9469cfc6c.
    private static readonly byte[] LegacyMagic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    private readonly Dictionary<string, (TorchTensor Tensor, string Entry)> _tensors;
    private readonly List<string> _names;

    /// <summary>Opens the checkpoint at <paramref name="path"/>, reading its pickle and checking every tensor against its storage.</summary>
    /// <exception cref="WeightFormatException">
    /// The file is not a zip-format torch checkpoint of tensors, its pickle needs anything a state_dict does not, or a
    /// tensor does not fit its storage; the message names the file and the tensor.
    /// </exception>
    public PthWeights(string path)
    {
        Origin = path;
        using var stream = WeightFiles.OpenRead(path);
        CheckSignature(path, stream);
        using var zip = OpenZip(path, stream);
        var folder = Folder(path, zip);
        CheckByteOrder(path, zip, folder);
        var root = RestrictedUnpickler.Load(path, ReadPickle(path, zip.GetEntry($"{folder}/data.pkl")!));
        var (stateDict, wrapper) = SelectStateDict(path, root);
        WrapperKey = wrapper;
        _tensors = new Dictionary<string, (TorchTensor, string)>(StringComparer.Ordinal);
        _names = [];
        foreach (var (key, value) in stateDict.Entries)
        {
            var name = (string)key!;
            var tensor = (TorchTensor)value!;
            var entry = $"{folder}/data/{tensor.Storage.Key}";
            Check(path, name, tensor, zip.GetEntry(entry), entry);
            if (_tensors.TryAdd(name, (tensor, entry)))
            {
                _names.Add(name);
            }
        }
    }

    /// <inheritdoc />
    public override string Origin { get; }

    /// <inheritdoc />
    public override IEnumerable<string> Names => _names;

    /// <summary>The entry of the pickled dict that held the state_dict (<c>state_dict</c> or <c>model</c>), or null when the dict was it.</summary>
    public string? WrapperKey { get; }

    /// <inheritdoc />
    public override long[]? ShapeOf(string name) => _tensors.TryGetValue(name, out var tensor) ? (long[])tensor.Tensor.Shape.Clone() : null;

    /// <summary>
    /// torch's name for the dtype of tensor <paramref name="name"/> (<c>float32</c>, <c>int64</c>, …), or null when the
    /// checkpoint lacks it.
    /// </summary>
    public string? DTypeOf(string name) => _tensors.TryGetValue(name, out var tensor) ? tensor.Tensor.Storage.DType.Name : null;

    /// <inheritdoc />
    /// <exception cref="WeightFormatException">The tensor holds integers, or its storage cannot be read.</exception>
    /// <exception cref="KeyNotFoundException">The checkpoint has no tensor <paramref name="name"/>.</exception>
    public override float[] Read(string name)
    {
        if (!_tensors.TryGetValue(name, out var found))
        {
            throw new KeyNotFoundException($"{Origin}: there is no tensor '{name}'.");
        }
        var (tensor, entryName) = found;
        var dtype = tensor.Storage.DType;
        if (dtype.Float is null)
        {
            throw new WeightFormatException($"{Origin}: tensor '{name}' holds {dtype.Name} values, not floating-point weights.");
        }
        var count = ElementCount(tensor.Shape)!.Value;
        if (count > Array.MaxLength)
        {
            throw new WeightFormatException($"{Origin}: tensor '{name}' has {count} elements, more than one array holds.");
        }
        var values = new float[count];
        if (count == 0)
        {
            return values;
        }
        var last = LastElement(tensor)!.Value;
        var byteCount = (last - tensor.Offset + 1) * dtype.Size;
        if (byteCount > Array.MaxLength)
        {
            throw new WeightFormatException($"{Origin}: tensor '{name}' spans {byteCount} bytes of its storage, more than one array holds.");
        }
        var bytes = ReadStorage(name, entryName, tensor.Offset * dtype.Size, (int)byteCount);
        Gather(bytes, tensor, dtype, values);
        return values;
    }

    private static void CheckSignature(string path, FileStream stream)
    {
        var head = new byte[LegacyMagic.Length];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K')
        {
            return;
        }
        if (read == LegacyMagic.Length && head.AsSpan().SequenceEqual(LegacyMagic))
        {
            throw new WeightFormatException(
                $"{path}: this checkpoint is in the legacy (pre-1.6) format; re-save it with torch.save in PyTorch ≥ 1.6 " +
                "(e.g. torch.save(torch.load(f, weights_only=True), f2)) to read it here.");
        }
        throw new WeightFormatException($"{path}: not a PyTorch checkpoint (a torch.save zip archive); nothing was loaded.");
    }

    private static ZipArchive OpenZip(string path, Stream stream)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new WeightFormatException($"{path}: not a valid zip archive ({e.Message}); the file may be truncated or corrupt.");
        }
    }

    // torch.save puts every record under one folder, named after the file it first wrote (often "archive").
    private static string Folder(string path, ZipArchive zip)
    {
        var folders = zip.Entries.Select(e => e.FullName).Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - 9)
            .Select(n => n[..^9]).ToList();
        if (folders.Count != 1)
        {
            throw new WeightFormatException(folders.Count == 0
                ? $"{path}: a zip archive without a <folder>/data.pkl, so not a torch.save checkpoint; nothing was loaded."
                : $"{path}: a zip archive with {folders.Count} data.pkl files ({string.Join(", ", folders)}); nothing was loaded.");
        }
        var folder = folders[0];
        if (zip.GetEntry($"{folder}/constants.pkl") is not null || zip.Entries.Any(e => e.FullName.StartsWith($"{folder}/code/", StringComparison.Ordinal)))
        {
            throw new WeightFormatException(
                $"{path}: a TorchScript archive (torch.jit.save), not a torch.save checkpoint; save the model's state_dict() with torch.save instead.");
        }
        return folder;
    }

    // PyTorch 2.1+ records the byte order of the storages; older files are little-endian.
    private static void CheckByteOrder(string path, ZipArchive zip, string folder)
    {
        if (zip.GetEntry($"{folder}/byteorder") is not { } entry)
        {
            return;
        }
        var order = Encoding.ASCII.GetString(ReadAll(path, entry, 64)).Trim();
        if (order != "little")
        {
            throw new WeightFormatException($"{path}: the storages are stored {order}-endian; only little-endian checkpoints are read.");
        }
    }

    private static byte[] ReadPickle(string path, ZipArchiveEntry entry)
    {
        if (entry.Length > MaxPickleBytes)
        {
            throw new WeightFormatException(
                $"{path}: {entry.FullName} is {entry.Length} bytes, over the {MaxPickleBytes}-byte limit for a state_dict's pickle.");
        }
        return ReadAll(path, entry, MaxPickleBytes);
    }

    private static byte[] ReadAll(string path, ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit)
        {
            throw new WeightFormatException($"{path}: {entry.FullName} is {entry.Length} bytes, over the {limit}-byte limit.");
        }
        try
        {
            var bytes = new byte[entry.Length];
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new WeightFormatException($"{path}: {entry.FullName} cannot be read ({e.Message}); the file may be truncated or corrupt.");
        }
    }

    private static (PickleDict StateDict, string? Wrapper) SelectStateDict(string path, object? root)
    {
        if (root is not PickleDict dict)
        {
            throw new WeightFormatException($"{path}: the checkpoint holds a {PickleContainer.TypeName(root)}, not a dict of tensors (a state_dict).");
        }
        if (TensorProblem(dict) is not { } problem)
        {
            return (dict, null);
        }
        var wrapped = new[] { "state_dict", "model" }.Where(k => dict.TryGet(k, out var v) && v is PickleDict inner && TensorProblem(inner) is null).ToList();
        if (wrapped.Count == 1)
        {
            dict.TryGet(wrapped[0], out var inner);
            return ((PickleDict)inner!, wrapped[0]);
        }
        throw new WeightFormatException(wrapped.Count == 2
            ? $"{path}: the checkpoint holds both a 'state_dict' and a 'model' dict of tensors; nothing was loaded."
            : $"{path}: the checkpoint is not a state_dict (a dict of name → tensor), nor a dict with one in 'state_dict' or 'model': {problem}.");
    }

    private static string? TensorProblem(PickleDict dict)
    {
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string name)
            {
                return $"a key is a {PickleContainer.TypeName(key)}, not a name";
            }
            if (value is not TorchTensor)
            {
                return $"'{name}' is a {PickleContainer.TypeName(value)}, not a tensor";
            }
        }
        return null;
    }

    private static void Check(string path, string name, TorchTensor tensor, ZipArchiveEntry? entry, string entryName)
    {
        WeightFormatException Error(string problem) => new($"{path}: tensor '{name}' {problem}; nothing was loaded.");
        if (entry is null)
        {
            throw Error($"is stored in {entryName}, which the archive lacks");
        }
        if (tensor.Shape.Length != tensor.Stride.Length)
        {
            throw Error($"has shape {Shapes.Format(tensor.Shape)} but strides {Shapes.Format(tensor.Stride)}");
        }
        if (tensor.Shape.Any(d => d < 0) || tensor.Stride.Any(s => s < 0) || tensor.Offset < 0)
        {
            throw Error($"has a negative size, stride or offset: shape {Shapes.Format(tensor.Shape)}, " +
                $"strides {Shapes.Format(tensor.Stride)}, offset {tensor.Offset}");
        }
        if (ElementCount(tensor.Shape) is null)
        {
            throw Error($"has shape {Shapes.Format(tensor.Shape)}, whose element count overflows");
        }
        var size = tensor.Storage.DType.Size;
        var available = Math.Min(tensor.Storage.ElementCount, entry.Length / size);
        if (ElementCount(tensor.Shape) == 0)
        {
            return;
        }
        var last = LastElement(tensor);
        if (last is null || last >= available)
        {
            var needs = last is null ? "more elements than a 64-bit index reaches" : $"elements {tensor.Offset}…{last}";
            throw Error($"needs {needs} of {entryName} (offset {tensor.Offset}, shape {Shapes.Format(tensor.Shape)}, " +
                $"strides {Shapes.Format(tensor.Stride)}), which holds {available} {tensor.Storage.DType.Name} elements ({entry.Length} bytes)");
        }
    }

    private static long? ElementCount(long[] shape)
    {
        try
        {
            return shape.Aggregate(1L, (product, d) => checked(product * d));
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    // The storage index of the tensor's last element (sizes all positive), or null when it, or its byte offset, overflows.
    private static long? LastElement(TorchTensor tensor)
    {
        try
        {
            var last = tensor.Offset;
            for (var i = 0; i < tensor.Shape.Length; i++)
            {
                last = checked(last + ((tensor.Shape[i] - 1) * tensor.Stride[i]));
            }
            _ = checked((last + 1) * tensor.Storage.DType.Size);
            return last;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private byte[] ReadStorage(string name, string entryName, long start, int count)
    {
        try
        {
            using var file = File.OpenRead(Origin);
            using var zip = new ZipArchive(file, ZipArchiveMode.Read);
            var entry = zip.GetEntry(entryName) ?? throw new WeightFormatException($"{Origin}: tensor '{name}': {entryName} is gone from the archive.");
            using var stream = entry.Open();
            Skip(stream, start);
            var bytes = new byte[count];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new WeightFormatException($"{Origin}: tensor '{name}': {entryName} cannot be read ({e.Message}); the file may be truncated or corrupt.");
        }
    }

    private static void Skip(Stream stream, long count)
    {
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0)
            {
                throw new EndOfStreamException("the storage ends early");
            }
            count -= read;
        }
    }

    // bytes holds storage elements Offset…last; values gets the tensor's elements in row-major order.
    private static void Gather(byte[] bytes, TorchTensor tensor, TorchDType dtype, float[] values)
    {
        var size = dtype.Size;
        if (IsContiguous(tensor) && dtype.Name == "float32" && BitConverter.IsLittleEndian)
        {
            Buffer.BlockCopy(bytes, 0, values, 0, values.Length * size);
            return;
        }
        var decode = FloatElements.For(dtype.Float ?? throw new InvalidOperationException($"{dtype.Name} is not a floating-point dtype"));
        var shape = tensor.Shape;
        var stride = tensor.Stride;
        var index = new long[shape.Length];
        long at = 0; // the current element's storage index, relative to Offset
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = decode(bytes.AsSpan((int)(at * size), size));
            // Advance the row-major odometer, keeping `at` in step.
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                {
                    at += stride[d];
                    break;
                }
                at -= (shape[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
    }

    // Row-major with no gaps: each dimension of more than one element steps over all the later ones.
    private static bool IsContiguous(TorchTensor tensor)
    {
        long expected = 1;
        for (var d = tensor.Shape.Length - 1; d >= 0; d--)
        {
            if (tensor.Shape[d] != 1 && tensor.Stride[d] != expected)
            {
                return false;
            }
            expected *= tensor.Shape[d];
        }
        return true;
    }
}
