using System;
using System.IO;
using Google.Protobuf;

namespace EffNetGen.Formats.Onnx;

/// <summary>
/// One protobuf message being written, field by field, with Google.Protobuf's <see cref="CodedOutputStream"/>: the
/// ONNX messages are written by hand against the field numbers of onnx.proto rather than generated from it.
/// </summary>
internal sealed class ProtoMessage : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoMessage() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

    public ProtoMessage Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
        return this;
    }

    public ProtoMessage Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
        return this;
    }

    public ProtoMessage String(int field, string value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
        return this;
    }

    public ProtoMessage Bytes(int field, ReadOnlyMemory<byte> value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
        return this;
    }

    /// <summary>Writes <paramref name="message"/> as field <paramref name="field"/> and disposes it.</summary>
    public ProtoMessage Message(int field, ProtoMessage message)
    {
        using (message)
        {
            return Bytes(field, message.Contents());
        }
    }

    /// <summary>The bytes written so far (no copy; valid until the next write or disposal).</summary>
    public ReadOnlyMemory<byte> Contents()
    {
        _output.Flush();
        return _buffer.GetBuffer().AsMemory(0, (int)_buffer.Length);
    }

    public void Dispose()
    {
        _output.Dispose();
        _buffer.Dispose();
    }
}
