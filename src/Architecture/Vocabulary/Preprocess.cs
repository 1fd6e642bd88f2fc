using System.Collections.Generic;

namespace EffNetGen.Architecture;

/// <summary>How evaluation images are resized.</summary>
public enum Interpolation
{
    /// <summary>Bicubic (torchvision's EfficientNet-B0–B7, timm).</summary>
    Bicubic,

    /// <summary>Bilinear (torchvision's EfficientNetV2 and MobileNetV2).</summary>
    Bilinear,
}

/// <summary>Per-channel input normalisation.</summary>
public enum Normalization
{
    /// <summary>ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).</summary>
    ImageNet,

    /// <summary>Inception: mean and std 0.5 (maps [0, 1] to [−1, 1]); EfficientNet-Lite.</summary>
    Inception,
}

/// <summary>
/// A variant's evaluation preprocessing: the shorter side resized to floor(<paramref name="Resolution"/> /
/// <paramref name="CropPct"/>) with <paramref name="Interpolation"/>, a centre crop, then (x − mean) / std per channel.
/// </summary>
public sealed record PreprocessSettings(int Resolution, double CropPct, Interpolation Interpolation, Normalization Normalization)
{
    /// <summary>Per-channel mean subtracted (default: <see cref="Normalization"/>'s, RGB).</summary>
    public IReadOnlyList<double> Mean { get; init; } = Normalization == Normalization.ImageNet ? ImageNetMean : Half;

    /// <summary>Per-channel standard deviation divided by (default: <see cref="Normalization"/>'s, RGB).</summary>
    public IReadOnlyList<double> Std { get; init; } = Normalization == Normalization.ImageNet ? ImageNetStd : Half;

    private static readonly double[] ImageNetMean = { 0.485, 0.456, 0.406 };
    private static readonly double[] ImageNetStd = { 0.229, 0.224, 0.225 };
    private static readonly double[] Half = { 0.5, 0.5, 0.5 };
}
