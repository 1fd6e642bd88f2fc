using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace EffNetGen.Formats.Onnx;

/// <summary>An attribute of an ONNX node: an integer, a float, integers or a string.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, long[]? Ints = null, string? Text = null);

/// <summary>
/// An ONNX GraphProto under construction (onnx.proto field numbers): nodes in topological order, float initializers,
/// float inputs and outputs whose dimensions are numbers or named (dynamic).
/// </summary>
internal sealed class OnnxGraph : IDisposable
{
    private const int FloatType = 1; // TensorProto.DataType.FLOAT

    private readonly ProtoMessage _graph = new();

    public OnnxGraph(string name) => _graph.String(2, name);

    /// <summary>Adds <paramref name="values"/> (row-major, of <paramref name="shape"/>) as a float initializer.</summary>
    public string Initializer(string name, float[] values, long[] shape)
    {
        var tensor = new ProtoMessage();
        foreach (var dim in shape)
        {
            tensor.Int64(1, dim);
        }
        // raw_data is little-endian, as every platform .NET runs ONNX Runtime on.
        tensor.Int64(2, FloatType).String(8, name).Bytes(9, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        _graph.Message(5, tensor);
        return name;
    }

    /// <summary>A scalar float initializer.</summary>
    public string Constant(string name, float value) => Initializer(name, new[] { value }, Array.Empty<long>());

    /// <summary>Adds a node computing <paramref name="output"/> from <paramref name="inputs"/>; returns the output's name.</summary>
    public string Node(string opType, string output, IEnumerable<string> inputs, params OnnxAttribute[] attributes)
    {
        var node = new ProtoMessage();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }
        node.String(2, output).String(3, output).String(4, opType);
        foreach (var attribute in attributes)
        {
            node.Message(5, Attribute(attribute));
        }
        _graph.Message(1, node);
        return output;
    }

    /// <summary>A float graph input; a dimension is a number or a name (dynamic).</summary>
    public string Input(string name, params object[] dims)
    {
        _graph.Message(11, ValueInfo(name, dims));
        return name;
    }

    /// <summary>Declares <paramref name="name"/> a float graph output.</summary>
    public void Output(string name, params object[] dims) => _graph.Message(12, ValueInfo(name, dims));

    /// <summary>The serialized GraphProto (valid until disposal).</summary>
    public ReadOnlyMemory<byte> Contents() => _graph.Contents();

    public void Dispose() => _graph.Dispose();

    private static ProtoMessage Attribute(OnnxAttribute a)
    {
        var attribute = new ProtoMessage().String(1, a.Name);
        if (a.Int is { } i)
        {
            return attribute.Int64(3, i).Int64(20, 2); // INT
        }
        if (a.Float is { } f)
        {
            return attribute.Float(2, f).Int64(20, 1); // FLOAT
        }
        if (a.Ints is { } ints)
        {
            foreach (var value in ints)
            {
                attribute.Int64(8, value);
            }
            return attribute.Int64(20, 7); // INTS
        }
        return attribute.Bytes(4, System.Text.Encoding.UTF8.GetBytes(a.Text ?? "")).Int64(20, 3); // STRING
    }

    private static ProtoMessage ValueInfo(string name, object[] dims)
    {
        var shape = new ProtoMessage();
        foreach (var dim in dims)
        {
            var dimension = new ProtoMessage();
            _ = dim is string symbol ? dimension.String(2, symbol) : dimension.Int64(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
            shape.Message(1, dimension);
        }
        var tensorType = new ProtoMessage().Int64(1, FloatType).Message(2, shape);
        var type = new ProtoMessage().Message(1, tensorType);
        return new ProtoMessage().String(1, name).Message(2, type);
    }
}
