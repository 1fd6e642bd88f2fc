using System;

namespace EffNetGen.OnnxRuntime.Imaging;

/// <summary>A decoded image: 8-bit RGB pixels, row by row, three bytes a pixel (Pillow's "RGB" mode).</summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/> (width × height × 3 bytes, rows top to bottom, R G B).</summary>
    /// <exception cref="ArgumentException">The sizes are not positive or the buffer has another length.</exception>
    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0 || (long)width * height * 3 != pixels.LongLength)
        {
            throw new ArgumentException($"an RGB image of {width}×{height} needs {(long)width * height * 3} bytes; got {pixels.LongLength}", nameof(pixels));
        }
        (Width, Height, Pixels) = (width, height, pixels);
    }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>R, G, B of each pixel, rows top to bottom.</summary>
    public byte[] Pixels { get; }
}
