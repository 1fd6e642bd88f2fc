using System;
using System.Buffers.Binary;

namespace EffNetGen.Formats;

/// <summary>The floating-point element encodings checkpoints store (little-endian), each read as float32.</summary>
internal enum FloatEncoding
{
    Float32,
    Float16,
    BFloat16,
    Float64,
}

/// <summary>Reads one stored element of a <see cref="FloatEncoding"/> as a float32: one rule for every checkpoint format.</summary>
internal static class FloatElements
{
    public delegate float Decoder(ReadOnlySpan<byte> element);

    public static Decoder For(FloatEncoding encoding) => encoding switch
    {
        FloatEncoding.Float32 => e => BinaryPrimitives.ReadSingleLittleEndian(e),
        FloatEncoding.Float16 => e => (float)BinaryPrimitives.ReadHalfLittleEndian(e),
        // bfloat16 is the upper half of a float32.
        FloatEncoding.BFloat16 => e => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(e) << 16),
        _ => e => (float)BinaryPrimitives.ReadDoubleLittleEndian(e),
    };
}
