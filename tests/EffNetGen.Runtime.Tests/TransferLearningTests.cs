using System.IO;
using System.Linq;
using EffNetGen.Formats;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>Options, classifier swaps, freezing, feature maps and TorchSharp's own weight format.</summary>
public class TransferLearningTests
{
    private static bool Equal(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void Options_set_classes_input_channels_dropout_and_stochastic_depth()
    {
        using var model = new EfficientNetB0(new ModelOptions { NumClasses = 10, InChannels = 1, Dropout = 0.5, StochasticDepth = 0.1 });

        Assert.Equal(new long[] { 32, 1, 3, 3 }, model.state_dict()["features.0.0.weight"].shape);
        Assert.Equal(10, model.ClassCount);
        Assert.Equal(0.5, model.modules().OfType<TorchSharp.Modules.Dropout>().Single().p);
        var rates = model.modules().OfType<Blocks.StochasticDepth>().Select(s => s.Probability).ToList();
        Assert.Equal(0.1 * 15 / 16, rates.Last());
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 2, 10 }, model.call(randn(2, 1, 64, 64)).shape);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Loading_three_channel_weights_adapts_the_stem_like_timm(long channels)
    {
        using var folder = new TempDirectory();
        manual_seed(1);
        using var rgb = new EfficientNetB0();
        SafetensorsWriter.Write(folder.PathOf("rgb.safetensors"), rgb.state_dict());
        using var model = new EfficientNetB0(new ModelOptions { InChannels = channels });

        var report = model.LoadSafetensors(folder.PathOf("rgb.safetensors"));

        Assert.Equal(new[] { "features.0.0.weight" }, report.Adapted);
        var stem = rgb.state_dict()["features.0.0.weight"];
        var expected = channels == 1
            ? stem.sum(1, keepdim: true)                               // grayscale: the sum of the RGB filters
            : cat(new[] { stem, stem[.., ..1] }, 1) * (3.0 / 4);      // RGB repeated, cut to 4, rescaled by 3/4
        Assert.True(model.state_dict()["features.0.0.weight"].allclose(expected));
    }

    [Fact]
    public void ResetClassifier_gives_a_fresh_classifier_of_the_new_size()
    {
        using var model = new EfficientNetB0();
        model.ResetClassifier(7);

        Assert.Equal(7, model.ClassCount);
        Assert.Equal(new long[] { 7, 1280 }, model.state_dict()["classifier.1.weight"].shape);
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 1, 7 }, model.call(randn(1, 3, 64, 64)).shape);
    }

    [Fact]
    public void A_frozen_backbone_gets_no_gradients_and_frozen_batchnorm_keeps_its_statistics()
    {
        using var model = new EfficientNetB0(numClasses: 5);
        model.FreezeBackbone();
        model.FreezeBatchNorm = true;
        model.train();
        var before = model.state_dict()["features.3.0.block.1.1.running_mean"].clone();
        using var scope = NewDisposeScope();

        model.call(randn(2, 3, 64, 64)).sum().backward();

        Assert.All(model.named_parameters().Where(p => !p.name.StartsWith("classifier.")), p => Assert.Null(p.parameter.grad));
        Assert.All(model.named_parameters().Where(p => p.name.StartsWith("classifier.")), p => Assert.NotNull(p.parameter.grad));
        Assert.True(Equal(before, model.state_dict()["features.3.0.block.1.1.running_mean"]));
        Assert.True(model.modules().OfType<Blocks.StochasticDepth>().All(s => s.training)); // only BatchNorm is held in eval
    }

    [Fact]
    public void Feature_maps_have_the_generated_strides_and_channels()
    {
        using var model = new EfficientNetB0();
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = randn(1, 3, 224, 224);

        var maps = model.Features(input);

        var levels = EfficientNetB0.Blueprint.FeatureLevels;
        Assert.Equal(levels, model.FeatureLevels);
        Assert.Equal(levels.Select(l => (224L / l.Stride, 224L / l.Stride)), maps.Select(m => (m.shape[2], m.shape[3])));
        Assert.Equal(levels.Select(l => (long)l.Channels), maps.Select(m => m.shape[1]));
        // timm's efficientnet_b0 feature_info: reductions 2…32, channels 16…320, at features.1, .2, .3, .5, .7.
        Assert.Equal(new[] { (1, 2, 16), (2, 4, 24), (3, 8, 40), (5, 16, 112), (7, 32, 320) }, levels.Select(l => (l.Index, l.Stride, l.Channels)));
        Assert.Equal(new long[] { 1, 1280, 7, 7 }, model.ForwardFeatures(input).shape);
        Assert.True(model.ForwardHead(model.ForwardFeatures(input)).allclose(model.call(input)));
    }

    [Fact]
    public void Feature_maps_of_torchvisions_MobileNetV3_layout_are_timms_feature_info()
    {
        using var model = EffNetModels.Create("mobilenet_v3_large");
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var maps = model.Features(randn(1, 3, 224, 224));

        // timm's mobilenetv3_large_100 feature_info: reductions 2…32, channels 16, 24, 40, 112, 960; torchvision's modules
        // features.1, .3, .6, .12, .16 (one child per block).
        Assert.Equal(new[] { (1, 2, 16), (3, 4, 24), (6, 8, 40), (12, 16, 112), (16, 32, 960) }, model.FeatureLevels.Select(l => (l.Index, l.Stride, l.Channels)));
        Assert.Equal(new long[] { 112, 56, 28, 14, 7 }, maps.Select(m => m.shape[2]));
    }

    [Fact]
    public void TorchSharp_dat_files_round_trip_and_a_bad_one_leaves_the_model_unchanged()
    {
        using var folder = new TempDirectory();
        manual_seed(1);
        using var source = new EfficientNetB0();
        source.SaveTorchSharp(folder.PathOf("b0.dat"));
        using var model = new EfficientNetB0();
        model.LoadTorchSharp(folder.PathOf("b0.dat"));
        Assert.All(source.state_dict(), s => Assert.True(Equal(s.Value, model.state_dict()[s.Key]), s.Key));

        File.WriteAllBytes(folder.PathOf("truncated.dat"), File.ReadAllBytes(folder.PathOf("b0.dat")).Take(100_000).ToArray());
        using var other = new EfficientNetB1();
        var before = other.state_dict().ToDictionary(s => s.Key, s => s.Value.clone());

        var error = Assert.Throws<WeightFormatException>(() => other.LoadTorchSharp(folder.PathOf("truncated.dat")));

        Assert.StartsWith(folder.PathOf("truncated.dat") + ": cannot load TorchSharp weights:", error.Message);
        Assert.All(other.state_dict(), s => Assert.True(Equal(before[s.Key], s.Value), s.Key));
    }

    [Fact]
    public void Saving_TorchSharp_dat_files_replaces_the_file_whole_never_in_place()
    {
        // Issue 21, D7: SaveTorchSharp wrote in place, so a full disk destroyed the previous file. Now a new file is
        // renamed over it: a reader that opened the old file still reads the old file, whole.
        using var folder = new TempDirectory();
        var path = folder.PathOf("b0.dat");
        using var first = new EfficientNetB0();
        first.SaveTorchSharp(path);
        var old = File.ReadAllBytes(path);
        using var reader = File.OpenRead(path);
        using var second = new EfficientNetB0();

        second.SaveTorchSharp(path);

        var seen = new MemoryStream();
        reader.CopyTo(seen);
        Assert.Equal(old, seen.ToArray());
        Assert.NotEqual(old, File.ReadAllBytes(path));
        Assert.Equal(new[] { "b0.dat" }, folder.Info.GetFiles().Select(f => f.Name));
    }
}
