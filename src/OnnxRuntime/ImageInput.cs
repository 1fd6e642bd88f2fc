using System;
using System.IO;
using EffNetGen.OnnxRuntime.Imaging;

namespace EffNetGen.OnnxRuntime;

/// <summary>One image to classify: a file, encoded bytes, a stream, or decoded pixels.</summary>
public sealed class ImageInput
{
    private readonly Func<long, RgbImage> _decode;

    private ImageInput(string name, Func<long, RgbImage> decode) => (Name, _decode) = (name, decode);

    /// <summary>What the image is called in results and errors (its path, or the name given).</summary>
    public string Name { get; }

    /// <summary>An image file (JPEG, PNG, WebP, GIF, BMP).</summary>
    public static ImageInput FromFile(string path) => new(path, max => ImageDecoder.Decode(path, max));

    /// <summary>An encoded image in memory.</summary>
    public static ImageInput FromBytes(ReadOnlyMemory<byte> encoded, string name = "image") => new(name, max => ImageDecoder.Decode(encoded.Span, name, max));

    /// <summary>An encoded image read from <paramref name="stream"/> now (to its end).</summary>
    public static ImageInput FromStream(Stream stream, string name = "stream")
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return FromBytes(copy.ToArray(), name);
    }

    /// <summary>Decoded RGB pixels.</summary>
    public static ImageInput FromImage(RgbImage image, string name = "image") => new(name, _ => image);

    internal RgbImage Decode(long maxPixels) => _decode(maxPixels);
}
