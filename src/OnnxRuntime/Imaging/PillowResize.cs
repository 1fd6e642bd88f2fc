using System;

namespace EffNetGen.OnnxRuntime.Imaging;

/// <summary>
/// Pillow's resampling of 8-bit images (<c>Image.resize</c> with BILINEAR or BICUBIC, libImaging/Resample.c), reproduced
/// so that the result is bit for bit Pillow's: the filter widened by the downscale factor (antialiasing), weights
/// normalised per output pixel in double precision and rounded to 22-bit fixed point, a horizontal pass whose rows are
/// rounded and clipped to 8 bits, then a vertical pass over them. timm and torchvision evaluate on Pillow images, so
/// this, not a float interpolation, is what their preprocessing computes.
/// </summary>
internal static class PillowResize
{
    /// <summary>Fixed-point bits of the weights: 32 bits less 8 for the sample and 2 for overshoot (Pillow's PRECISION_BITS).</summary>
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>
    /// The window <paramref name="window"/> (left, top, width, height) of <paramref name="image"/> resized to
    /// <paramref name="width"/>×<paramref name="height"/>: only the window's pixels are computed, each exactly as the full
    /// resize computes it (an output pixel's weights depend on its own position only).
    /// </summary>
    public static byte[] ResizeWindow(RgbImage image, int width, int height, (int Left, int Top, int Width, int Height) window, Interpolation interpolation)
    {
        // Weights for the window's outputs only: a very long side costs no more than a short one.
        var horizontal = Weights.For(image.Width, width, window.Left, window.Width, interpolation);
        var vertical = Weights.For(image.Height, height, window.Top, window.Height, interpolation);
        var resizeRows = height != image.Height;
        var resizeColumns = width != image.Width;

        // The source rows the window's output rows read.
        var (firstRow, lastRow) = resizeRows ? (int.MaxValue, 0) : (window.Top, window.Top + window.Height);
        for (var y = window.Top; resizeRows && y < window.Top + window.Height; y++)
        {
            (firstRow, lastRow) = (Math.Min(firstRow, vertical.StartOf(y)), Math.Max(lastRow, vertical.StartOf(y) + vertical.CountOf(y)));
        }

        // Horizontal pass: the window's columns of every row needed, rounded to 8 bits as Pillow's intermediate image is.
        var rows = lastRow - firstRow;
        var stride = window.Width * 3;
        var pass = new byte[rows * stride];
        for (var row = 0; row < rows; row++)
        {
            var source = image.Pixels.AsSpan((firstRow + row) * image.Width * 3, image.Width * 3);
            var target = pass.AsSpan(row * stride, stride);
            if (!resizeColumns)
            {
                source.Slice(window.Left * 3, stride).CopyTo(target);
                continue;
            }
            for (var column = 0; column < window.Width; column++)
            {
                var x = window.Left + column;
                var weights = horizontal.Of(x);
                var pixels = source.Slice(horizontal.StartOf(x) * 3, weights.Length * 3);
                int r = Half, g = Half, b = Half;
                for (var i = 0; i < weights.Length; i++)
                {
                    r += pixels[i * 3] * weights[i];
                    g += pixels[(i * 3) + 1] * weights[i];
                    b += pixels[(i * 3) + 2] * weights[i];
                }
                (target[column * 3], target[(column * 3) + 1], target[(column * 3) + 2]) = (Clip(r), Clip(g), Clip(b));
            }
        }
        if (!resizeRows)
        {
            return pass;
        }

        // Vertical pass over the rounded rows, a whole row of sums at a time (integer sums: the order of the terms does
        // not change them).
        var output = new byte[window.Height * stride];
        var sums = new int[stride];
        for (var row = 0; row < window.Height; row++)
        {
            var y = window.Top + row;
            var weights = vertical.Of(y);
            Array.Fill(sums, Half);
            for (var i = 0; i < weights.Length; i++)
            {
                var source = pass.AsSpan((vertical.StartOf(y) - firstRow + i) * stride, stride);
                var weight = weights[i];
                for (var c = 0; c < stride; c++)
                {
                    sums[c] += source[c] * weight;
                }
            }
            var target = output.AsSpan(row * stride, stride);
            for (var c = 0; c < stride; c++)
            {
                target[c] = Clip(sums[c]);
            }
        }
        return output;
    }

    /// <summary>The rounding offset every sum starts from: one half in fixed point.</summary>
    private const int Half = 1 << (PrecisionBits - 1);

    /// <summary>A fixed-point sum back to 8 bits, clipped (Pillow's clip8; the shift floors negative sums).</summary>
    private static byte Clip(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);

    /// <summary>
    /// The weights of output samples <c>First … First + Start.Length − 1</c> of a resize from <c>inSize</c> to
    /// <c>outSize</c> samples: output <c>o</c> reads <see cref="CountOf"/> input samples from <see cref="StartOf"/>
    /// with the weights <see cref="Of"/>.
    /// </summary>
    private sealed record Weights(int First, int Size, int[] Start, int[] Count, int[] Fixed)
    {
        public int StartOf(int output) => Start[output - First];

        public int CountOf(int output) => Count[output - First];

        public ReadOnlySpan<int> Of(int output) => Fixed.AsSpan((output - First) * Size, Count[output - First]);

        public static Weights For(int inSize, int outSize, int first, int outputs, Interpolation interpolation)
        {
            Func<double, double> filter = interpolation == Interpolation.Bicubic ? Bicubic : Bilinear;
            var support = interpolation == Interpolation.Bicubic ? 2.0 : 1.0;
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0); // widening the filter when shrinking is the antialiasing
            var inverse = 1.0 / filterScale;          // multiplied, not divided by, as Pillow does: the last bit matters
            support *= filterScale;
            var size = ((int)Math.Ceiling(support) * 2) + 1;
            var (start, count, weights) = (new int[outputs], new int[outputs], new int[outputs * size]);
            var k = new double[size];
            for (var j = 0; j < outputs; j++)
            {
                var center = (first + j + 0.5) * scale;
                var min = Math.Max((int)(center - support + 0.5), 0);
                var n = Math.Min((int)(center + support + 0.5), inSize) - min;
                var total = 0.0;
                for (var i = 0; i < n; i++)
                {
                    k[i] = filter((i + min - center + 0.5) * inverse);
                    total += k[i];
                }
                for (var i = 0; i < n; i++)
                {
                    var w = total != 0.0 ? k[i] / total : k[i];
                    // Rounded half away from zero, as Pillow's normalize_coeffs_8bpc does.
                    weights[(j * size) + i] = (int)(w < 0 ? -0.5 + (w * (1 << PrecisionBits)) : 0.5 + (w * (1 << PrecisionBits)));
                }
                (start[j], count[j]) = (min, n);
            }
            return new Weights(first, size, start, count, weights);
        }

        private static double Bilinear(double x)
        {
            x = Math.Abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }

        /// <summary>Keys' cubic convolution with a = −0.5, as Pillow's BICUBIC.</summary>
        private static double Bicubic(double x)
        {
            const double a = -0.5;
            x = Math.Abs(x);
            return x < 1.0 ? ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1
                : x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * a
                : 0.0;
        }
    }
}
