using System;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// One entry of the pretrained-weights catalogue (<see cref="PretrainedCatalog"/>): where a checkpoint is published and
/// how its model was evaluated (timm's <c>pretrained_cfg</c>, or torchvision's transforms).
/// </summary>
/// <param name="Id">The full name, <c>model.tag</c> (<c>efficientnet_b0.ra_in1k</c>).</param>
/// <param name="Source"><see cref="TimmSource"/> (a Hugging Face hub repository) or <see cref="TorchvisionSource"/> (a URL).</param>
/// <param name="Model">The architecture, as timm or torchvision names it (<c>efficientnet_b0</c>).</param>
/// <param name="Tag">The training recipe (<c>ra_in1k</c>).</param>
/// <param name="IsDefault">Whether a bare <see cref="Model"/> name picks this entry (one per model and source).</param>
/// <param name="Repo">The hub repository (<c>timm/efficientnet_b0.ra_in1k</c>); timm entries only.</param>
/// <param name="Url">The download address; torchvision entries only.</param>
/// <param name="File">The file: <c>model.safetensors</c> in <see cref="Repo"/>, or the <c>.pth</c> name of <see cref="Url"/>.</param>
/// <param name="Sha256Prefix">The leading hex digits of the file's SHA-256 (torchvision's <c>check_hash</c>); torchvision only.</param>
/// <param name="Classes">Output classes of the classifier.</param>
/// <param name="Resolution">The square input side the model was evaluated at.</param>
/// <param name="Resize">torchvision's resize of the shorter side before the center crop; null for timm.</param>
/// <param name="CropPct">The crop fraction, in (0, 1]: the image is resized to <c>Resolution / CropPct</c> and cropped.</param>
/// <param name="CropMode"><c>center</c> or <c>squash</c> (timm's crop modes).</param>
/// <param name="Interpolation"><c>bicubic</c> or <c>bilinear</c>.</param>
/// <param name="Mean">Per-channel normalization mean (RGB).</param>
/// <param name="Std">Per-channel normalization standard deviation (RGB).</param>
/// <param name="TestResolution">timm's larger evaluation resolution, where the checkpoint has one.</param>
/// <param name="TestCropPct">The crop fraction that goes with <see cref="TestResolution"/>.</param>
/// <param name="License">The weights' license (an SPDX-like identifier), where known.</param>
public sealed record PretrainedWeights(
    string Id,
    string Source,
    string Model,
    string Tag,
    bool IsDefault,
    string? Repo,
    string? Url,
    string File,
    string? Sha256Prefix,
    int Classes,
    int Resolution,
    int? Resize,
    double CropPct,
    string CropMode,
    string Interpolation,
    EquatableArray<double> Mean,
    EquatableArray<double> Std,
    int? TestResolution,
    double? TestCropPct,
    string? License)
{
    /// <summary>The <see cref="Source"/> of weights published on the Hugging Face hub by timm.</summary>
    public const string TimmSource = "timm";

    /// <summary>The <see cref="Source"/> of weights downloaded from torchvision's URLs.</summary>
    public const string TorchvisionSource = "torchvision";

    /// <summary>Whether the weights come from the Hugging Face hub (<see cref="TimmSource"/>).</summary>
    public bool IsTimm => string.Equals(Source, TimmSource, StringComparison.Ordinal);

    /// <summary>Whether the weights come from a torchvision URL (<see cref="TorchvisionSource"/>).</summary>
    public bool IsTorchvision => string.Equals(Source, TorchvisionSource, StringComparison.Ordinal);
}
