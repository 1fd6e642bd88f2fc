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
/// <paramref name="CropPct"/>) with <paramref name="Interpolation"/>, a centre crop, then (x − <see cref="Mean"/>) /
/// <see cref="Std"/> per channel, as <paramref name="Normalization"/> defines them.
/// </summary>
public sealed record PreprocessSettings(int Resolution, double CropPct, Interpolation Interpolation, Normalization Normalization)
{
    /// <summary>The per-channel mean <see cref="Normalization"/> subtracts (RGB).</summary>
    public EquatableArray<double> Mean => (Normalization == Normalization.ImageNet ? new[] { 0.485, 0.456, 0.406 } : Half).ToEquatableArray();

    /// <summary>The per-channel standard deviation <see cref="Normalization"/> divides by (RGB).</summary>
    public EquatableArray<double> Std => (Normalization == Normalization.ImageNet ? new[] { 0.229, 0.224, 0.225 } : Half).ToEquatableArray();

    private static double[] Half => new[] { 0.5, 0.5, 0.5 };
}
