using System;
using System.Linq;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>Generated preprocessing metadata and the Preprocess helper.</summary>
public class PreprocessingTests
{
    [Fact]
    public void Each_variant_carries_its_specs_preprocessing()
    {
        Assert.Equal((224, 0.875, Interpolation.Bicubic), (EfficientNetB0.PreprocessSettings.Resolution, EfficientNetB0.PreprocessSettings.CropPct, EfficientNetB0.PreprocessSettings.Interpolation));
        Assert.Equal(new[] { 0.485, 0.456, 0.406 }, EfficientNetB0.PreprocessSettings.Mean);
        Assert.Equal(0.904, TfEfficientNetB3.CropPct);                                  // the seed card's
        Assert.Equal(new[] { 0.5, 0.5, 0.5 }, EfficientNetLite0.PreprocessSettings.Std);  // inception normalisation
        Assert.Equal((1.0, Interpolation.Bilinear), (EfficientNetV2S.CropPct, EfficientNetV2S.PreprocessSettings.Interpolation));
    }

    [Fact]
    public void A_uint8_image_becomes_a_normalised_centre_crop_at_the_model_resolution()
    {
        using var scope = NewDisposeScope();
        var image = full(new long[] { 300, 400, 3 }, 200, ScalarType.Byte);

        var input = EfficientNetB0.Preprocess(image);

        Assert.Equal(new long[] { 1, 3, 224, 224 }, input.shape);
        var expected = new[] { 0.485, 0.456, 0.406 }.Zip(new[] { 0.229, 0.224, 0.225 }, (m, s) => (200 / 255.0 - m) / s).ToArray();
        for (var c = 0; c < 3; c++)
        {
            Assert.True(input[0, c].sub(expected[c]).abs().max().item<float>() < 1e-4, $"channel {c}");
        }
    }

    [Theory]
    [InlineData(1, 2000, "an image of 1 × 2000 pixels would be resized to 256 × 512000 before the 224-pixel crop: more than the 16777216 pixels allowed; crop or pad it first")]
    [InlineData(8000, 1, "an image of 8000 × 1 pixels would be resized to 256 × 2048000 before the 224-pixel crop: more than the 16777216 pixels allowed")]
    [InlineData(0, 5, "the image is empty (0 × 5 pixels)")]
    public void An_image_too_elongated_to_resize_within_the_budget_is_refused_before_resizing(int height, int width, string message)
    {
        // Issue 21, D18: a 1 × 2000 strip peaked at 1.67 GB, 1 × 8000 tried to allocate 6.3 GB.
        using var scope = NewDisposeScope();
        var image = zeros(new long[] { height, width, 3 }, ScalarType.Byte);

        var error = Assert.Throws<ArgumentException>(() => EfficientNetB0.Preprocess(image));

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void An_elongated_image_within_the_budget_is_resized_and_cropped()
    {
        using var scope = NewDisposeScope();
        var image = full(new long[] { 1, 65, 3 }, 200, ScalarType.Byte); // resized to 256 × 16640, 4.3 M pixels

        Assert.Equal(new long[] { 1, 3, 224, 224 }, EfficientNetB0.Preprocess(image).shape);
    }

    [Fact]
    public void Float_chw_in_unit_range_and_keras_0_255_floats_match_uint8_hwc()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var bytes = randint(0, 256, new long[] { 2, 230, 250, 3 }, ScalarType.Byte);
        var unit = bytes.permute(0, 3, 1, 2).to_type(ScalarType.Float32) / 255.0;

        var fromBytes = EfficientNetB0.Preprocess(bytes);

        Assert.Equal(new long[] { 2, 3, 224, 224 }, fromBytes.shape);
        Assert.True(fromBytes.allclose(EfficientNetB0.Preprocess(unit), atol: 1e-5));
        Assert.True(fromBytes.allclose(EfficientNetB0.Preprocess(unit * 255.0, keras: true), atol: 1e-4));
    }

    [Fact]
    public void The_crop_is_centred()
    {
        using var scope = NewDisposeScope();
        // 256 × 256 needs no resize for B0 (floor(224 / 0.875) = 256); columns hold their own index. Inception
        // normalisation maps x to 2x − 1.
        var image = arange(256, dtype: ScalarType.Float32).div(255.0).expand(3, 256, 256).contiguous();
        var settings = EfficientNetB0.PreprocessSettings with { Normalization = Normalization.Inception };

        var cropped = Preprocessing.Apply(image, settings);

        Assert.Equal((2 * 16 / 255.0) - 1, cropped[0, 0, 0, 0].item<float>(), precision: 5);          // offset (256 − 224) / 2
        Assert.Equal((2 * 239 / 255.0) - 1, cropped[0, 0, 0, 223].item<float>(), precision: 5);
    }

    [Fact]
    public void A_wrong_layout_is_reported_with_its_shape()
    {
        var error = Assert.Throws<ArgumentException>(() => EfficientNetB0.Preprocess(zeros(5, 64, 64)));
        Assert.Contains("got [5, 64, 64] Float32", error.Message);
    }
}
