using System;
using System.IO;
using SkiaSharp;

namespace EffNetGen.OnnxRuntime.Imaging;

/// <summary>
/// Decodes JPEG, PNG, WebP, GIF and BMP images to <see cref="RgbImage"/> with SkiaSharp. Skia decodes JPEG with
/// libjpeg-turbo (accurate integer IDCT, fancy upsampling) and PNG with libpng, as Pillow does, so the pixels are the ones
/// timm's evaluation sees (tested against Pillow 9.4 on baseline and progressive JPEG, RGB, grey and RGBA PNG). As in
/// timm's <c>Image.open(f).convert("RGB")</c>: grey is replicated, alpha is dropped (not composited), colour profiles and
/// EXIF orientation are ignored.
/// </summary>
public static class ImageDecoder
{
    /// <summary>The default limit on decoded pixels: 64 Mi (67,108,864; 256 MiB decoded as RGBA), above any photograph.</summary>
    public const long DefaultMaxPixels = 64L << 20;

    /// <summary>The most pixels any limit may allow: SkiaSharp decodes into one buffer of 4 bytes a pixel, at most 2 GiB.</summary>
    public const long MaxDecodablePixels = int.MaxValue / 4;

    /// <summary>Decodes the image file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not a decodable image, or larger than <paramref name="maxPixels"/>; the message names the file.</exception>
    public static RgbImage Decode(string path, long maxPixels = DefaultMaxPixels)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the image: {e.Message}", e);
        }
        return Decode(bytes, path, maxPixels);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="origin"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a decodable image, or larger than <paramref name="maxPixels"/>.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string origin = "image", long maxPixels = DefaultMaxPixels)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data.AsStream(), out var result)
            ?? throw new InvalidDataException($"{origin}: not an image SkiaSharp can decode (JPEG, PNG, WebP, GIF, BMP): {result}");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > Math.Min(maxPixels, MaxDecodablePixels))
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"{origin}: {width}×{height} is {(long)width * height:N0} pixels, more than the limit of {Math.Min(maxPixels, MaxDecodablePixels):N0}; nothing was decoded"));
        }
        // Unpremultiplied RGBA without a colour space: the stored samples, unconverted, as Pillow reads them.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var decoded = codec.GetPixels(info, out var rgba);
        if (decoded != SKCodecResult.Success)
        {
            // Pillow refuses truncated files too (LOAD_TRUNCATED_IMAGES is off by default).
            throw new InvalidDataException($"{origin}: the {codec.EncodedFormat} data cannot be decoded: {decoded}");
        }
        var rgb = new byte[(long)width * height * 3];
        for (long pixel = 0, count = (long)width * height; pixel < count; pixel++)
        {
            rgb[(pixel * 3) + 0] = rgba[(pixel * 4) + 0];
            rgb[(pixel * 3) + 1] = rgba[(pixel * 4) + 1];
            rgb[(pixel * 3) + 2] = rgba[(pixel * 4) + 2];
        }
        return new RgbImage(width, height, rgb);
    }
}
