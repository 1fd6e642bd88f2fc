using System;
using System.Collections.Generic;
using System.Globalization;
using static TorchSharp.torch;

namespace EffNetGen.Runtime;

/// <summary>Resize, centre-crop and normalise images the way the reference evaluations do (timm, torchvision).</summary>
public static class Preprocessing
{
    /// <summary>
    /// The most pixels one image may have once resized, before the crop: 2²⁴, e.g. a shorter side of 256 and a longer
    /// one of 65,536, far beyond any photograph. The resize is computed whole, so a 1 × 2000 strip would take 1.5 GB.
    /// </summary>
    public const long MaxResizedPixels = 1L << 24;

    /// <summary>
    /// Prepares <paramref name="image"/> for a model: uint8 HWC ([H, W, C] or [N, H, W, C], values 0–255), or float CHW
    /// ([C, H, W] or [N, C, H, W]) in [0, 1] — or in [0, 255] with <paramref name="keras"/> (the Keras convention).
    /// Returns float [N, C, Resolution, Resolution]: the shorter side resized to floor(Resolution / CropPct) with
    /// antialiasing, a centre crop, then (x − mean) / std per channel.
    /// </summary>
    public static Tensor Apply(Tensor image, PreprocessSettings settings, bool keras = false)
    {
        using var scope = NewDisposeScope();
        var x = image.dtype == ScalarType.Byte
            ? (image.dim() == 3 ? image.unsqueeze(0) : image).permute(0, 3, 1, 2).to_type(ScalarType.Float32) / 255.0
            : (image.dim() == 3 ? image.unsqueeze(0) : image).to_type(ScalarType.Float32) / (keras ? 255.0 : 1.0);
        if (x.dim() != 4 || x.shape[1] != settings.Mean.Count)
        {
            throw new ArgumentException(
                $"expected an image [H, W, {settings.Mean.Count}] (uint8) or [{settings.Mean.Count}, H, W] (float), with an optional batch dimension; got [{string.Join(", ", image.shape)}] {image.dtype}",
                nameof(image));
        }

        var (height, width) = (x.shape[2], x.shape[3]);
        var shorter = (long)Math.Floor(settings.Resolution / settings.CropPct);
        if (height < 1 || width < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the image is empty ({height} × {width} pixels)"), nameof(image));
        }
        var longer = shorter * (double)Math.Max(height, width) / Math.Min(height, width);
        if (shorter * longer > MaxResizedPixels)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"an image of {height} × {width} pixels would be resized to {shorter} × {(long)longer} before the {settings.Resolution}-pixel crop: "
                + $"more than the {MaxResizedPixels} pixels allowed; crop or pad it first"), nameof(image));
        }
        var (resizedHeight, resizedWidth) = height <= width ? (shorter, (long)longer) : ((long)longer, shorter);
        var mode = settings.Interpolation == Interpolation.Bicubic ? InterpolationMode.Bicubic : InterpolationMode.Bilinear;
        var resized = nn.functional.interpolate(x, new[] { resizedHeight, resizedWidth }, mode: mode, align_corners: false, antialias: true);

        // torchvision's center_crop: offsets round((size − crop) / 2).
        var top = (long)Math.Round((resizedHeight - settings.Resolution) / 2.0);
        var left = (long)Math.Round((resizedWidth - settings.Resolution) / 2.0);
        var cropped = resized.narrow(2, top, settings.Resolution).narrow(3, left, settings.Resolution);

        var mean = tensor(ToFloats(settings.Mean)).view(1, -1, 1, 1);
        var std = tensor(ToFloats(settings.Std)).view(1, -1, 1, 1);
        return ((cropped - mean) / std).contiguous().MoveToOuterDisposeScope();
    }

    private static float[] ToFloats(IReadOnlyList<double> values)
    {
        var floats = new float[values.Count];
        for (var i = 0; i < floats.Length; i++)
        {
            floats[i] = (float)values[i];
        }
        return floats;
    }
}
