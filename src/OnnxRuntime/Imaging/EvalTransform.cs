using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace EffNetGen.OnnxRuntime.Imaging;

/// <summary>
/// timm's (and torchvision's) evaluation transform on a Pillow image: the shorter side resized to
/// <see cref="ResizeTo"/> with <see cref="Interpolation"/> (Pillow's antialiased resampling), a centre crop of
/// <see cref="Resolution"/>², then <c>(x / 255 − mean) / std</c> per channel in float32. The output is CHW, RGB.
/// Made by <see cref="FromCropPct"/>, <see cref="For"/> or <see cref="Create"/>, which check the settings.
/// </summary>
public sealed record EvalTransform
{
    /// <summary>The longest side an image may be resized to: far beyond any photograph, far below int overflow.</summary>
    public const int MaxResizedSide = 1 << 20;

    private EvalTransform(int resolution, int resizeTo, Interpolation interpolation, EquatableArray<double> mean, EquatableArray<double> std) =>
        (Resolution, ResizeTo, Interpolation, Mean, Std) = (resolution, resizeTo, interpolation, mean, std);

    /// <summary>The side of the square crop the model sees.</summary>
    public int Resolution { get; }

    /// <summary>The shorter side after resizing; at least <see cref="Resolution"/>.</summary>
    public int ResizeTo { get; }

    /// <summary>Bicubic or bilinear, as the weights were evaluated.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>Per-channel mean (R, G, B) subtracted after scaling to [0, 1].</summary>
    public EquatableArray<double> Mean { get; }

    /// <summary>Per-channel standard deviation divided by.</summary>
    public EquatableArray<double> Std { get; }

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
        if (resolution < 1 || resizeTo < resolution || resizeTo > MaxResizedSide)
        {
            throw new ArgumentOutOfRangeException(nameof(resizeTo), FormattableString.Invariant($"the resize ({resizeTo}) must be at least the crop ({resolution}), which must be positive, and at most {MaxResizedSide}"));
        }
        if (m.Count != 3 || s.Count != 3 || s.Any(v => !(v > 0) || double.IsInfinity(v)) || m.Any(v => !double.IsFinite(v)))
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
    /// <exception cref="InvalidDataException">The image is so elongated that its longer side would exceed <see cref="MaxResizedSide"/>.</exception>
    public void Apply(RgbImage image, Span<float> destination)
    {
        if (destination.Length != Length)
        {
            throw new ArgumentException($"the destination holds {destination.Length} floats; [3, {Resolution}, {Resolution}] needs {Length}", nameof(destination));
        }
        // torchvision's Resize(int): the shorter side to ResizeTo, the longer int(ResizeTo · long / short).
        var longer = Math.Floor((double)((long)ResizeTo * Math.Max(image.Width, image.Height)) / Math.Min(image.Width, image.Height));
        if (longer > MaxResizedSide)
        {
            throw new InvalidDataException(FormattableString.Invariant(
                $"a {image.Width}×{image.Height} image resized to {ResizeTo} on its shorter side would be {longer:0} pixels long, more than {MaxResizedSide}; crop it first"));
        }
        var (width, height) = image.Width <= image.Height ? (ResizeTo, (int)longer) : ((int)longer, ResizeTo);
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
