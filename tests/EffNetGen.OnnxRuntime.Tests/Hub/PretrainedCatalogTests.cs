using System;
using System.Linq;
using EffNetGen.Formats.Hub;

namespace EffNetGen.OnnxRuntime.Tests.Hub;

/// <summary>The embedded catalogue and name lookup.</summary>
public sealed class PretrainedCatalogTests
{
    [Fact]
    public void AModelNameFindsItsDefaultTimmFirst()
    {
        Assert.Equal("efficientnet_b0.ra_in1k", PretrainedCatalog.Find("efficientnet_b0").Id);
        // B7 has no timm default, only torchvision's.
        Assert.Equal("efficientnet_b7.tv_in1k", PretrainedCatalog.Find("efficientnet_b7").Id);
    }

    [Fact]
    public void IdsAndModelsAreCaseInsensitive()
    {
        var entry = PretrainedCatalog.Find("EfficientNet_B0.RA_IN1K");

        Assert.Equal("efficientnet_b0.ra_in1k", entry.Id);
        Assert.Equal("timm/efficientnet_b0.ra_in1k", entry.Repo);
        Assert.Equal([0.485, 0.456, 0.406], entry.Mean);
        Assert.Equal(0.875, entry.CropPct);
        Assert.Equal("efficientnet_b0.ra_in1k", PretrainedCatalog.Find(" EFFICIENTNET_B0 ").Id);
    }

    [Fact]
    public void AnUnknownTagListsTheModelsIds()
    {
        var e = Assert.Throws<ArgumentException>(() => PretrainedCatalog.Find("efficientnet_b0.nope"));

        Assert.Contains("unknown pretrained weights 'efficientnet_b0.nope'", e.Message, StringComparison.Ordinal);
        Assert.Contains("efficientnet_b0.ra_in1k", e.Message, StringComparison.Ordinal);
        Assert.Contains("efficientnet_b0.tv_in1k", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownNameListsIdsContainingItOrModelsATypoAway()
    {
        Assert.Contains("tf_efficientnet_b8.ap_in1k", Assert.Throws<ArgumentException>(() => PretrainedCatalog.Find("b8.ap")).Message, StringComparison.Ordinal);
        Assert.Contains("efficientnet_b0", Assert.Throws<ArgumentException>(() => PretrainedCatalog.Find("efficientnet_b")).Message, StringComparison.Ordinal);
        Assert.Contains("mobilenetv2_100", Assert.Throws<ArgumentException>(() => PretrainedCatalog.Find("mobilenetv2_10O")).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", Assert.Throws<ArgumentException>(() => PretrainedCatalog.Find("resnet50")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryEntryIsWellFormed()
    {
        var all = PretrainedCatalog.All;

        Assert.True(all.Count >= 50, $"{all.Count} entries");
        Assert.Equal(all.Count, all.Select(e => e.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(all, e =>
        {
            Assert.Equal($"{e.Model}.{e.Tag}", e.Id);
            Assert.True(e.Classes > 0, e.Id);
            Assert.True(e.Resolution > 0, e.Id);
            Assert.True(e.CropPct > 0 && e.CropPct <= 1, e.Id);
            Assert.Contains(e.CropMode, new[] { "center", "squash" });
            Assert.Contains(e.Interpolation, new[] { "bicubic", "bilinear" });
            Assert.Equal(3, e.Mean.Count);
            Assert.Equal(3, e.Std.Count);
            Assert.All(e.Std, s => Assert.True(s > 0, e.Id));
            Assert.True(e.IsTimm != e.IsTorchvision, e.Id);
            if (e.IsTimm)
            {
                Assert.Equal($"timm/{e.Id}", e.Repo);
                Assert.Equal("model.safetensors", e.File);
            }
            else
            {
                Assert.EndsWith("/" + e.File, e.Url, StringComparison.Ordinal);
                Assert.Matches("^[0-9a-f]{8,}$", e.Sha256Prefix);
                Assert.True(e.Resize > 0, e.Id);
            }
        });
        // One default per model and source, and every model has one.
        Assert.All(all.GroupBy(e => (e.Model, e.Source)), g => Assert.True(g.Count(e => e.IsDefault) <= 1, g.Key.ToString()));
        Assert.All(all.GroupBy(e => e.Model), g => Assert.Contains(g, e => e.IsDefault));
    }
}
