using System;
using System.Collections.Generic;

namespace EffNetGen.Formats.Torch;

// The values RestrictedUnpickler builds. Plain values are CLR ones: string, long, double, bool and null (None).

/// <summary>A tuple, list or dict; <see cref="Depth"/> is how deeply it nests containers (1 for a flat one).</summary>
internal abstract class PickleContainer
{
    /// <summary>1 + the deepest container among the items, as far as they were known when added.</summary>
    public int Depth { get; protected set; } = 1;

    /// <summary>How deeply <paramref name="value"/> nests containers: 0 for a plain value.</summary>
    public static int DepthOf(object? value) => value is PickleContainer container ? container.Depth : 0;

    /// <summary>Python's name of the value's type, for messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "None",
        string => "str",
        long => "int",
        double => "float",
        bool => "bool",
        PickleTuple => "tuple",
        PickleList => "list",
        PickleDict { IsOrderedDict: true } => "OrderedDict",
        PickleDict => "dict",
        PickleGlobal global => $"{global.Module}.{global.Name}",
        TorchStorage => "storage",
        TorchTensor => "tensor",
        _ => value.GetType().Name,
    };

    protected void Grow(object? item) => Depth = Math.Max(Depth, DepthOf(item) + 1);
}

/// <summary>A Python tuple.</summary>
internal sealed class PickleTuple : PickleContainer
{
    public PickleTuple(IReadOnlyList<object?> items)
    {
        Items = items;
        foreach (var item in items)
        {
            Grow(item);
        }
    }

    public IReadOnlyList<object?> Items { get; }
}

/// <summary>A Python list.</summary>
internal sealed class PickleList : PickleContainer
{
    private readonly List<object?> _items = [];

    public IReadOnlyList<object?> Items => _items;

    public void Add(object? item)
    {
        _items.Add(item);
        Grow(item);
    }
}

/// <summary>A Python dict (or collections.OrderedDict), in insertion order; a key set twice keeps its place and the new value.</summary>
internal sealed class PickleDict : PickleContainer
{
    private readonly List<KeyValuePair<object?, object?>> _entries = [];
    private readonly Dictionary<object, int> _index = [];

    public PickleDict(bool isOrderedDict) => IsOrderedDict = isOrderedDict;

    /// <summary>Made by <c>collections.OrderedDict()</c> rather than the EMPTY_DICT opcode.</summary>
    public bool IsOrderedDict { get; }

    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries;

    /// <summary>Sets <paramref name="key"/>; returns false for a key Python could not hash (a list or dict).</summary>
    public bool Set(object? key, object? value)
    {
        if (key is PickleList or PickleDict)
        {
            return false;
        }
        // Only plain keys are compared by value (state_dict keys are strings); others are appended as they come.
        if (key is string or long or bool or double && _index.TryGetValue(key, out var at))
        {
            _entries[at] = new(key, value);
        }
        else
        {
            if (key is string or long or bool or double)
            {
                _index[key] = _entries.Count;
            }
            _entries.Add(new(key, value));
        }
        Grow(key);
        Grow(value);
        return true;
    }

    /// <summary>The value of string key <paramref name="key"/>, if the dict has it.</summary>
    public bool TryGet(string key, out object? value)
    {
        if (_index.TryGetValue(key, out var at))
        {
            value = _entries[at].Value;
            return true;
        }
        value = null;
        return false;
    }
}

/// <summary>What the unpickler lets a GLOBAL name.</summary>
internal enum GlobalKind
{
    /// <summary><c>collections.OrderedDict</c>: called with no arguments, it makes an empty dict.</summary>
    OrderedDict,

    /// <summary><c>torch._utils._rebuild_tensor_v2</c>: a view of a storage.</summary>
    RebuildTensor,

    /// <summary><c>torch._utils._rebuild_parameter</c>: an <c>nn.Parameter</c>, read as its tensor.</summary>
    RebuildParameter,

    /// <summary><c>torch._utils._rebuild_parameter_with_state</c>: the same, with Python attributes that are ignored.</summary>
    RebuildParameterWithState,

    /// <summary><c>torch.FloatStorage</c> and the like: only as the type in a storage's persistent id, never called.</summary>
    StorageType,
}

/// <summary>A name the pickle's GLOBAL opcode refers to; only an allowed one is ever made.</summary>
internal sealed record PickleGlobal(string Module, string Name, GlobalKind Kind, TorchDType? DType = null);

/// <summary>A storage in the archive: <c>{folder}/data/{Key}</c>, <paramref name="ElementCount"/> elements of <paramref name="DType"/>.</summary>
internal sealed record TorchStorage(string Key, TorchDType DType, long ElementCount);

/// <summary>A tensor as <c>_rebuild_tensor_v2</c> describes it: a strided view of a storage, not yet checked against it.</summary>
internal sealed record TorchTensor(TorchStorage Storage, long Offset, long[] Shape, long[] Stride);
