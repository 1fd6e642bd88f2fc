using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace EffNetGen.Formats.Torch;

/// <summary>
/// A pickle reader that executes nothing: it interprets the opcodes a <c>torch.save</c>d state_dict uses (protocols 2
/// to 4) and the few callables it names, each evaluated by this code (<see cref="PickleGlobal"/>), and refuses
/// everything else: any other opcode, any other global.
/// </summary>
internal sealed class RestrictedUnpickler
{
    /// <summary>The deepest nesting of tuples, lists and dicts accepted.</summary>
    public const int MaxDepth = 100;

    // Bounds on what a 64 MiB pickle can make this reader hold; a state_dict uses about 10 memo entries a tensor.
    private const int MaxStack = 1_000_000;
    private const int MaxMemo = 2_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _origin;
    private readonly byte[] _data;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private readonly Dictionary<string, TorchStorage> _storages = new(StringComparer.Ordinal);
    private int _position;
    private int _opcodeAt;

    private RestrictedUnpickler(string origin, byte[] data)
    {
        _origin = origin;
        _data = data;
    }

    /// <summary>The object pickled in <paramref name="data"/>; <paramref name="origin"/> names the file in messages.</summary>
    /// <exception cref="WeightFormatException">A malformed pickle, or one that needs more than a state_dict does.</exception>
    public static object? Load(string origin, byte[] data) => new RestrictedUnpickler(origin, data).Run();

    private object? Run()
    {
        while (true)
        {
            _opcodeAt = _position;
            var opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: // PROTO
                    var protocol = ReadByte();
                    if (protocol > 5)
                    {
                        throw Error($"pickle protocol {protocol} is newer than any Python writes");
                    }
                    break;
                case 0x95: // FRAME: a length hint; the frame's opcodes follow inline.
                    Read(8);
                    break;
                case (byte)'.': // STOP
                    var result = Pop();
                    if (_stack.Count != 0 || _marks.Count != 0)
                    {
                        throw Error("the pickle stops with values left on its stack");
                    }
                    return result;
                case (byte)'(': // MARK
                    if (_marks.Count >= MaxDepth)
                    {
                        throw Error($"the pickle nests containers deeper than {MaxDepth} levels");
                    }
                    _marks.Push(_stack.Count);
                    break;
                case (byte)'N': // NONE
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2)));
                    break;
                case 0x8a: // LONG1
                    Push(ReadLong(ReadByte()));
                    break;
                case (byte)'G': // BINFLOAT
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Read(8)));
                    break;
                case (byte)'X': // BINUNICODE
                    Push(ReadString(BinaryPrimitives.ReadUInt32LittleEndian(Read(4))));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(ReadString(ReadByte()));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(ReadString(BinaryPrimitives.ReadUInt64LittleEndian(Read(8))));
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(Container(new PickleTuple([])));
                    break;
                case 0x85: // TUPLE1
                case 0x86: // TUPLE2
                case 0x87: // TUPLE3
                    Push(Container(new PickleTuple(PopItems(_stack.Count - (opcode - 0x84)))));
                    break;
                case (byte)'t': // TUPLE
                    Push(Container(new PickleTuple(PopItems(PopMark()))));
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new PickleList());
                    break;
                case (byte)'l': // LIST
                    var list = new PickleList();
                    foreach (var item in PopItems(PopMark()))
                    {
                        list.Add(item);
                    }
                    Push(Container(list));
                    break;
                case (byte)'a': // APPEND
                    var appended = Pop();
                    var appendTo = Target<PickleList>("APPEND");
                    appendTo.Add(appended);
                    Container(appendTo);
                    break;
                case (byte)'e': // APPENDS
                    var items = PopItems(PopMark());
                    var target = Target<PickleList>("APPENDS");
                    foreach (var item in items)
                    {
                        target.Add(item);
                    }
                    Container(target);
                    break;
                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict(isOrderedDict: false));
                    break;
                case (byte)'d': // DICT
                    var dict = new PickleDict(isOrderedDict: false);
                    SetItems(dict, PopItems(PopMark()));
                    Push(Container(dict));
                    break;
                case (byte)'s': // SETITEM
                    var value = Pop();
                    var key = Pop();
                    SetItems(Target<PickleDict>("SETITEM"), [key, value]);
                    break;
                case (byte)'u': // SETITEMS
                    var pairs = PopItems(PopMark());
                    SetItems(Target<PickleDict>("SETITEMS"), pairs);
                    break;
                case (byte)'q': // BINPUT
                    Memoize(ReadByte());
                    break;
                case (byte)'r': // LONG_BINPUT
                    Memoize(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)));
                    break;
                case 0x94: // MEMOIZE
                    Memoize(_memo.Count);
                    break;
                case (byte)'h': // BINGET
                    Push(Recall(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Read(4))));
                    break;
                case (byte)'c': // GLOBAL
                    Push(Global(ReadLine(), ReadLine()));
                    break;
                case 0x93: // STACK_GLOBAL (protocol 4)
                    var name = Pop();
                    var module = Pop();
                    if (module is not string moduleName || name is not string globalName)
                    {
                        throw Error("STACK_GLOBAL needs a module and a name");
                    }
                    Push(Global(moduleName, globalName));
                    break;
                case (byte)'R': // REDUCE
                    var arguments = Pop();
                    var callable = Pop();
                    Push(Reduce(callable, arguments));
                    break;
                case (byte)'b': // BUILD
                    Pop(); // The state: torch's _metadata (module versions) on an OrderedDict, ignored.
                    if (Peek() is not PickleDict { IsOrderedDict: true })
                    {
                        throw Error($"BUILD sets the state of a {PickleContainer.TypeName(Peek())}; a weights file only sets an OrderedDict's");
                    }
                    break;
                case (byte)'Q': // BINPERSID
                    Push(Storage(Pop()));
                    break;
                default:
                    throw new WeightFormatException(
                        $"{_origin}: the pickle uses the {OpcodeName(opcode)} opcode (byte {_opcodeAt} of data.pkl), which a weights file " +
                        "does not need; refusing to load it (nothing is executed).");
            }
        }
    }

    private PickleGlobal Global(string module, string name)
    {
        var global = (module, name) switch
        {
            ("collections", "OrderedDict") => new PickleGlobal(module, name, GlobalKind.OrderedDict),
            ("torch._utils", "_rebuild_tensor_v2") => new PickleGlobal(module, name, GlobalKind.RebuildTensor),
            ("torch._utils", "_rebuild_parameter") => new PickleGlobal(module, name, GlobalKind.RebuildParameter),
            ("torch._utils", "_rebuild_parameter_with_state") => new PickleGlobal(module, name, GlobalKind.RebuildParameterWithState),
            ("torch", _) when TorchDType.FromStorageClass(name) is { } dtype => new PickleGlobal(module, name, GlobalKind.StorageType, dtype),
            _ => null,
        };
        return global ?? throw Refuse(module, name);
    }

    private WeightFormatException Refuse(string module, string name) => new(
        $"{_origin}: the pickle calls {module}.{name}, which a weights file does not need; refusing to load it (nothing is executed).");

    private object? Reduce(object? callable, object? arguments)
    {
        if (callable is not PickleGlobal global)
        {
            throw Error($"REDUCE calls a {PickleContainer.TypeName(callable)}");
        }
        if (arguments is not PickleTuple { Items: var args })
        {
            throw Error($"REDUCE passes {global.Module}.{global.Name} a {PickleContainer.TypeName(arguments)}, not a tuple of arguments");
        }
        switch (global.Kind)
        {
            case GlobalKind.OrderedDict when args.Count == 0:
                return new PickleDict(isOrderedDict: true);
            case GlobalKind.RebuildTensor when args.Count is 6 or 7:
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]); hooks and metadata are ignored.
                if (args[0] is not TorchStorage storage || args[1] is not long offset || Longs(args[2]) is not { } shape
                    || Longs(args[3]) is not { } stride || args[4] is not bool)
                {
                    throw Error("_rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks)");
                }
                return new TorchTensor(storage, offset, shape, stride);
            case GlobalKind.RebuildParameter when args.Count == 3 && args[0] is TorchTensor:
            case GlobalKind.RebuildParameterWithState when args.Count == 4 && args[0] is TorchTensor:
                // (data, requires_grad, backward_hooks[, state]): the parameter's tensor is all a state_dict needs.
                return args[0];
            case GlobalKind.StorageType:
                throw Refuse(global.Module, global.Name);
            default:
                throw Error($"{global.Module}.{global.Name} is called with arguments a state_dict does not use");
        }
    }

    private static long[]? Longs(object? value)
    {
        if (value is not PickleTuple tuple)
        {
            return null;
        }
        var longs = new long[tuple.Items.Count];
        for (var i = 0; i < longs.Length; i++)
        {
            if (tuple.Items[i] is not long l)
            {
                return null;
            }
            longs[i] = l;
        }
        return longs;
    }

    // torch.save's persistent id of a storage: ('storage', storage_type, key, location, numel).
    private TorchStorage Storage(object? id)
    {
        if (id is not PickleTuple { Items: [string kind, var type, string key, string, long count] } || kind != "storage"
            || type is not PickleGlobal { Kind: GlobalKind.StorageType, DType: { } dtype })
        {
            throw Error($"a persistent id is {PickleContainer.TypeName(id)}, not ('storage', type, key, location, numel)");
        }
        if (count < 0)
        {
            throw Error($"storage '{key}' has {count} elements");
        }
        var storage = new TorchStorage(key, dtype, count);
        if (_storages.TryGetValue(key, out var seen))
        {
            if (seen != storage)
            {
                throw Error($"storage '{key}' is {seen.ElementCount} {seen.DType.Name} elements and also {count} {dtype.Name} elements");
            }
            return seen;
        }
        _storages.Add(key, storage);
        return storage;
    }

    private void SetItems(PickleDict dict, IReadOnlyList<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw Error("a dict is given a key without a value");
        }
        for (var i = 0; i < items.Count; i += 2)
        {
            if (!dict.Set(items[i], items[i + 1]))
            {
                throw Error($"a dict key is a {PickleContainer.TypeName(items[i])}, which Python cannot hash");
            }
        }
        Container(dict);
    }

    private T Container<T>(T container)
        where T : PickleContainer => container.Depth <= MaxDepth
            ? container
            : throw Error($"the pickle nests containers deeper than {MaxDepth} levels");

    private T Target<T>(string opcode)
        where T : PickleContainer => Peek() is T target ? target : throw Error($"{opcode} on a {PickleContainer.TypeName(Peek())}");

    private void Memoize(long index)
    {
        if (_memo.Count >= MaxMemo && !_memo.ContainsKey(index))
        {
            throw Error($"the pickle memoizes more than {MaxMemo} values");
        }
        _memo[index] = Peek();
    }

    private object? Recall(long index) => _memo.TryGetValue(index, out var value) ? value : throw Error($"memo entry {index} is read before it is written");

    private void Push(object? value)
    {
        if (_stack.Count >= MaxStack)
        {
            throw Error($"the pickle's stack grows beyond {MaxStack} values");
        }
        _stack.Add(value);
    }

    private object? Peek() => _stack.Count > (_marks.Count > 0 ? _marks.Peek() : 0) ? _stack[^1] : throw Error("an opcode finds its stack empty");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private int PopMark() => _marks.Count > 0 ? _marks.Pop() : throw Error("an opcode needs a MARK that is not there");

    private object?[] PopItems(int from)
    {
        if (from < (_marks.Count > 0 ? _marks.Peek() : 0))
        {
            throw Error("an opcode finds its stack empty");
        }
        var items = _stack.GetRange(from, _stack.Count - from).ToArray();
        _stack.RemoveRange(from, _stack.Count - from);
        return items;
    }

    private byte ReadByte() => Read(1)[0];

    private ReadOnlySpan<byte> Read(ulong count)
    {
        if (count > (ulong)(_data.Length - _position))
        {
            throw Error("the pickle ends early");
        }
        var span = _data.AsSpan(_position, (int)count);
        _position += (int)count;
        return span;
    }

    private long ReadLong(int length)
    {
        if (length > 8)
        {
            throw Error($"an integer of {length} bytes is larger than any a weights file holds");
        }
        var bytes = Read((ulong)length);
        long value = 0;
        for (var i = length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }
        // Two's complement of `length` bytes: sign-extend from the top byte.
        return length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0 ? value - (1L << (8 * length)) : value;
    }

    private string ReadString(ulong length)
    {
        var bytes = Read(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("a string is not valid UTF-8");
        }
    }

    // GLOBAL's operands: two newline-terminated ASCII lines.
    private string ReadLine()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0 || end - _position > 256)
        {
            throw Error("GLOBAL's module or name is not a short line");
        }
        var line = Encoding.ASCII.GetString(Read((ulong)(end - _position)));
        _position++;
        return line;
    }

    private WeightFormatException Error(string problem) =>
        new($"{_origin}: data.pkl is not a state_dict pickle this reader accepts: {problem} (byte {_opcodeAt}); nothing was loaded.");

    private static string OpcodeName(byte opcode) => opcode switch
    {
        (byte)'i' => "INST",
        (byte)'o' => "OBJ",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        (byte)'P' => "PERSID",
        (byte)'B' => "BINBYTES",
        (byte)'C' => "SHORT_BINBYTES",
        0x8e => "BINBYTES8",
        0x96 => "BYTEARRAY8",
        (byte)'T' => "BINSTRING",
        (byte)'U' => "SHORT_BINSTRING",
        (byte)'S' => "STRING",
        (byte)'V' => "UNICODE",
        (byte)'I' => "INT",
        (byte)'L' => "LONG",
        (byte)'F' => "FLOAT",
        0x8b => "LONG4",
        0x82 => "EXT1",
        0x83 => "EXT2",
        0x84 => "EXT4",
        0x8f => "EMPTY_SET",
        0x90 => "ADDITEMS",
        0x91 => "FROZENSET",
        0x97 => "NEXT_BUFFER",
        0x98 => "READONLY_BUFFER",
        (byte)'g' => "GET",
        (byte)'p' => "PUT",
        (byte)'0' => "POP",
        (byte)'1' => "POP_MARK",
        (byte)'2' => "DUP",
        _ => $"unknown 0x{opcode:x2}",
    } + (opcode is >= 0x20 and < 0x7f ? $" ('{(char)opcode}')" : $" (0x{opcode:x2})");
}
