using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.OnnxRuntime.Imaging;

/// <summary>
/// timm's (and torchvision's) evaluation transform on a Pillow image: the shorter side resized to
/// <paramref name="ResizeTo"/> with <paramref name="Interpolation"/> (Pillow's antialiased resampling), a centre crop of
/// <paramref name="Resolution"/>², then <c>(x / 255 − mean) / std</c> per channel in float32. The output is CHW, RGB.
/// </summary>
/// <param name="Resolution">The side of the square crop the model sees.</param>
/// <param name="ResizeTo">The shorter side after resizing; at least <paramref name="Resolution"/>.</param>
/// <param name="Interpolation">Bicubic or bilinear, as the weights were evaluated.</param>
/// <param name="Mean">Per-channel mean (R, G, B) subtracted after scaling to [0, 1].</param>
/// <param name="Std">Per-channel standard deviation divided by.</param>
public sealed record EvalTransform(int Resolution, int ResizeTo, Interpolation Interpolation, EquatableArray<double> Mean, EquatableArray<double> Std)
{
    /// <summary>timm's form: the resize is <c>floor(resolution / cropPct)</c> (<c>transforms_imagenet_eval</c>).</summary>
    public static EvalTransform FromCropPct(int resolution, double cropPct, Interpolation interpolation, IEnumerable<double> mean, IEnumerable<double> std)
    {
        if (!(cropPct > 0 && cropPct <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(cropPct), cropPct, "the crop fraction must be in (0, 1]");
        }
        return Create(resolution, (int)Math.Floor(resolution / cropPct), interpolation, mean, std);
    }

    /// <summary>A variant's own evaluation preprocessing (the spec's <c>preprocess</c> block).</summary>
    public static EvalTransform For(PreprocessSettings settings) =>
        FromCropPct(settings.Resolution, settings.CropPct, settings.Interpolation, settings.Mean, settings.Std);

    /// <summary>A transform with an explicit resize (torchvision's <c>resize_size</c>), checked.</summary>
    public static EvalTransform Create(int resolution, int resizeTo, Interpolation interpolation, IEnumerable<double> mean, IEnumerable<double> std)
    {
        var (m, s) = (mean.ToEquatableArray(), std.ToEquatableArray());
        if (resolution < 1 || resizeTo < resolution)
        {
            throw new ArgumentOutOfRangeException(nameof(resizeTo), $"the resize ({resizeTo}) must be at least the crop ({resolution}), which must be positive");
        }
        if (m.Count != 3 || s.Count != 3 || s.Any(v => !(v > 0)))
        {
            throw new ArgumentException("mean and std need three values (R, G, B), std positive", nameof(std));
        }
        return new EvalTransform(resolution, resizeTo, interpolation, m, s);
    }

    /// <summary>Floats one transformed image takes: 3 × resolution².</summary>
    public int Length => 3 * Resolution * Resolution;

    /// <summary>The transformed <paramref name="image"/> as a new [3, Resolution, Resolution] array.</summary>
    public float[] Apply(RgbImage image)
    {
        var output = new float[Length];
        Apply(image, output);
        return output;
    }

    /// <summary>Writes the transformed <paramref name="image"/> into <paramref name="destination"/> ([3, Resolution, Resolution]).</summary>
    public void Apply(RgbImage image, Span<float> destination)
    {
        if (destination.Length != Length)
        {
            throw new ArgumentException($"the destination holds {destination.Length} floats; [3, {Resolution}, {Resolution}] needs {Length}", nameof(destination));
        }
        // torchvision's Resize(int): the shorter side to ResizeTo, the longer int(ResizeTo · long / short).
        var (width, height) = image.Width <= image.Height
            ? (ResizeTo, (int)((double)((long)ResizeTo * image.Height) / image.Width))
            : ((int)((double)((long)ResizeTo * image.Width) / image.Height), ResizeTo);
        // torchvision's CenterCrop: offsets int(round((size − crop) / 2)), Python's round (half to even).
        var left = (int)Math.Round((width - Resolution) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((height - Resolution) / 2.0, MidpointRounding.ToEven);
        var pixels = PillowResize.ResizeWindow(image, width, height, (left, top, Resolution, Resolution), Interpolation);

        // ToTensor then Normalize, in float32 as torchvision computes them: (v / 255f − mean) / std, one table per channel.
        var plane = Resolution * Resolution;
        for (var c = 0; c < 3; c++)
        {
            var table = new float[256];
            var (mean, std) = ((float)Mean[c], (float)Std[c]);
            for (var v = 0; v < 256; v++)
            {
                table[v] = ((v / 255f) - mean) / std;
            }
            var channel = destination.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                channel[i] = table[pixels[(i * 3) + c]];
            }
        }
    }
}
