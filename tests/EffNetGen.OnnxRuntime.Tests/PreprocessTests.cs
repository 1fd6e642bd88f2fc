using System;
using System.Linq;
using EffNetGen.OnnxRuntime.Imaging;

namespace EffNetGen.OnnxRuntime.Tests;

/// <summary>
/// Decoding and the evaluation transform against timm's, run on Pillow 9.4 (Debian's python3-pil) with torchvision 0.14
/// on the committed images: baseline 4:2:0 and progressive 4:2:2 JPEG, RGB, grey and RGBA PNG; shrinking and enlarging;
/// bicubic and bilinear; ImageNet and Inception normalisation.
/// </summary>
public class PreprocessTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var image in new[] { "landscape.jpg", "progressive.jpg", "portrait.png", "gray.png", "alpha.png" })
        {
            foreach (var config in new[] { "bicubic_112_0.875", "bilinear_96_1.0", "bicubic_120_0.882", "bilinear_112_0.875_inception" })
            {
                data.Add(image, config);
            }
        }
        data.Add("landscape.jpg", "bicubic_224_0.875");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_transform_equals_timms_on_pillow_within_1e3(string image, string config)
    {
        var parts = config.Split('_');
        var inception = config.EndsWith("_inception", StringComparison.Ordinal);
        var transform = EvalTransform.FromCropPct(
            int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture),
            parts[0] == "bicubic" ? Interpolation.Bicubic : Interpolation.Bilinear,
            inception ? new[] { 0.5, 0.5, 0.5 } : new[] { 0.485, 0.456, 0.406 },
            inception ? new[] { 0.5, 0.5, 0.5 } : new[] { 0.229, 0.224, 0.225 });

        var actual = transform.Apply(ImageDecoder.Decode(Fixtures.Image(image)));

        var expected = Fixtures.Reference(image, config);
        Assert.Equal(expected.Length, actual.Length);
        var worst = Enumerable.Range(0, expected.Length).MaxBy(i => Math.Abs(expected[i] - actual[i]));
        Assert.True(Math.Abs(expected[worst] - actual[worst]) <= 1e-3,
            $"{image} {config}: element {worst} is {actual[worst]}, timm's {expected[worst]}");
    }

    [Theory]
    [InlineData("landscape.jpg")]
    [InlineData("progressive.jpg")]
    public void Jpeg_decodes_to_pillows_pixels(string image)
    {
        var decoded = ImageDecoder.Decode(Fixtures.Image(image));

        var expected = Fixtures.Decoded(image);
        var differing = Enumerable.Range(0, expected.Length).Count(i => expected[i] != decoded.Pixels[i]);
        Assert.True(differing == 0, $"{image}: {differing} of {expected.Length} samples differ from Pillow's");
    }

    [Fact]
    public void An_image_over_the_pixel_limit_is_refused_before_decoding()
    {
        var error = Assert.Throws<System.IO.InvalidDataException>(() => ImageDecoder.Decode(Fixtures.Image("landscape.jpg"), maxPixels: 1000));

        Assert.Contains("landscape.jpg: 317×241", error.Message);
        Assert.Contains("more than the limit of 1,000", error.Message);
    }

    [Fact]
    public void Bytes_that_are_not_an_image_are_a_clear_error()
    {
        var error = Assert.Throws<System.IO.InvalidDataException>(() => ImageDecoder.Decode("not an image"u8, "notes.txt"));

        Assert.StartsWith("notes.txt: not an image", error.Message);
    }

    [Fact]
    public void A_truncated_jpeg_is_refused_as_pillow_refuses_it()
    {
        var bytes = System.IO.File.ReadAllBytes(Fixtures.Image("landscape.jpg"));

        var error = Assert.Throws<System.IO.InvalidDataException>(() => ImageDecoder.Decode(bytes.AsSpan(0, bytes.Length / 2), "half.jpg"));

        Assert.Contains("half.jpg", error.Message);
    }

    [Fact]
    public void A_long_thin_image_costs_only_its_crop_and_too_long_a_one_is_refused()
    {
        var transform = EvalTransform.FromCropPct(224, 0.875, Interpolation.Bicubic, new[] { 0.5, 0.5, 0.5 }, new[] { 0.5, 0.5, 0.5 });
        var thin = new RgbImage(3, 9000, Enumerable.Range(0, 3 * 9000 * 3).Select(i => (byte)(i * 7)).ToArray());    // resized to 256 × 768,000
        var needle = new RgbImage(1, 5000, new byte[5000 * 3]);                                                        // 256 × 1,280,000

        var output = transform.Apply(thin);
        var error = Assert.Throws<System.IO.InvalidDataException>(() => transform.Apply(needle));

        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        Assert.Equal("a 1×5000 image resized to 256 on its shorter side would be 1280000 pixels long, more than 1048576; crop it first", error.Message);
    }

    [Theory]
    [InlineData(224, 200, 0.2)]  // a resize below the crop
    [InlineData(0, 0, 0.2)]      // no crop
    [InlineData(224, 256, 0.0)]  // a zero standard deviation
    public void A_transform_that_cannot_be_computed_is_refused(int resolution, int resize, double std)
    {
        Assert.ThrowsAny<ArgumentException>(() => EvalTransform.Create(resolution, resize, Interpolation.Bilinear, new[] { 0.5, 0.5, 0.5 }, new[] { std, std, std }));
    }
}
