using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using EffNetGen.OnnxRuntime.Imaging;
using EffNetGen.OnnxRuntime.Labels;
using EffNetGen.Tests.Shared;

namespace EffNetGen.OnnxRuntime.Tests;

/// <summary>
/// The classifier's own behaviour, without TorchSharp (its logits against TorchSharp's are in EffNetGen.Runtime.Tests):
/// batching, concurrency, ranking, labels and bad input.
/// </summary>
public sealed class ImageClassifierTests : IDisposable
{
    private static readonly string[] Images = { "landscape.jpg", "progressive.jpg", "portrait.png", "gray.png", "alpha.png" };

    private readonly TempDirectory _temp = new();
    private readonly ImageClassifier _classifier;

    public ImageClassifierTests()
    {
        var checkpoint = _temp.PathOf("lite0.safetensors");
        SeededCheckpoint.Write(checkpoint, ShippedModels.Find("efficientnet_lite0").Plan, seed: 7);
        _classifier = ImageClassifier.FromCheckpoint("efficientnet_lite0", checkpoint, new ClassifierOptions { MaxBatchSize = 2 });
    }

    public void Dispose()
    {
        _classifier.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void A_batch_gives_each_image_the_logits_it_gets_alone()
    {
        var together = _classifier.Classify(Images.Select(i => ImageInput.FromFile(Fixtures.Image(i))).ToList());

        Assert.Equal(Images.Select(Fixtures.Image), together.Select(p => p.Image));
        foreach (var (image, prediction) in Images.Zip(together))
        {
            var alone = _classifier.Classify(Fixtures.Image(image));
            var difference = alone.Logits.Zip(prediction.Logits, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(difference < 1e-4 * alone.Logits.Max(Math.Abs), $"{image}: {difference}");
        }
        Assert.NotEqual(together[0].Logits, together[3].Logits);
    }

    [Fact]
    public void Concurrent_callers_get_the_results_of_sequential_ones()
    {
        var expected = Images.Select(i => _classifier.Classify(Fixtures.Image(i)).Logits).ToList();
        var results = new float[64][];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results[i] = _classifier.Classify(Fixtures.Image(Images[i % Images.Length])).Logits);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % Images.Length], results[i]);
        }
    }

    [Fact]
    public void The_top_classes_are_the_largest_logits_with_softmax_probabilities_and_ImageNet_names()
    {
        var prediction = _classifier.Classify(Fixtures.Image("landscape.jpg"), top: 7);

        var order = Enumerable.Range(0, prediction.Logits.Length).OrderByDescending(i => prediction.Logits[i]).Take(7).ToList();
        Assert.Equal(order, prediction.Top.Select(t => t.Index));
        var total = prediction.Logits.Sum(l => Math.Exp(l - prediction.Logits.Max()));
        Assert.All(prediction.Top, t => Assert.Equal(Math.Exp(prediction.Logits[t.Index] - prediction.Logits.Max()) / total, t.Probability, 9));
        Assert.All(prediction.Top, t => Assert.Equal(ClassLabels.ImageNet1k[t.Index], t.Label));
        Assert.Equal("tench", ClassLabels.ImageNet1k[0]);
        Assert.Equal("toilet tissue", ClassLabels.ImageNet1k[999]);
    }

    [Fact]
    public void Bytes_and_streams_classify_as_the_file_does()
    {
        var path = Fixtures.Image("portrait.png");
        var expected = _classifier.Classify(path).Logits;
        using var stream = File.OpenRead(path);

        Assert.Equal(expected, _classifier.Classify(File.ReadAllBytes(path)).Logits);
        Assert.Equal(expected, _classifier.Classify(new[] { ImageInput.FromStream(stream) })[0].Logits);
    }

    [Fact]
    public void Labels_come_from_the_checkpoints_metadata()
    {
        var checkpoint = _temp.PathOf("tuned.safetensors");
        SeededCheckpoint.Write(checkpoint, ShippedModels.Find("efficientnet_lite0").Plan.WithClasses(2), seed: 8,
            new Dictionary<string, string> { [ClassLabels.MetadataKey] = ClassLabels.ToJson(new[] { "horizontal", "vertical" }) });

        using var tuned = ImageClassifier.FromCheckpoint("efficientnet_lite0", checkpoint);

        Assert.Equal(new[] { "horizontal", "vertical" }, tuned.Labels);
        Assert.Equal(2, tuned.Plan.Classes);
        Assert.Equal(new[] { "horizontal", "vertical" }, tuned.Classify(Fixtures.Image("gray.png")).Top.Select(t => t.Label).Order());
    }

    [Fact]
    public void Class_names_that_do_not_match_the_classifier_are_an_error()
    {
        var checkpoint = _temp.PathOf("wrong.safetensors");
        SeededCheckpoint.Write(checkpoint, ShippedModels.Find("efficientnet_lite0").Plan.WithClasses(3), seed: 9,
            new Dictionary<string, string> { [ClassLabels.MetadataKey] = "[\"a\",\"b\"]" });

        var error = Assert.Throws<FormatException>(() => ImageClassifier.FromCheckpoint("efficientnet_lite0", checkpoint));

        Assert.Contains("names 2 classes; its classifier has 3", error.Message);
    }

    [Fact]
    public void A_checkpoint_of_another_model_lists_what_does_not_fit()
    {
        var checkpoint = _temp.PathOf("b0.safetensors");
        SeededCheckpoint.Write(checkpoint, ShippedModels.Find("efficientnet_b0").Plan, seed: 10);

        var error = Assert.Throws<Formats.WeightFormatException>(() => ImageClassifier.FromCheckpoint("efficientnet_lite0", checkpoint));

        Assert.Contains("the checkpoint does not fit EfficientNetLite0", error.Message);
        Assert.Contains("missing from the checkpoint", error.Message);
    }

    [Fact]
    public void An_undecodable_image_in_a_batch_is_named()
    {
        var broken = _temp.Write("broken.png", "not a png");

        var error = Assert.Throws<InvalidDataException>(() => _classifier.Classify(new[] { ImageInput.FromFile(Fixtures.Image("gray.png")), ImageInput.FromFile(broken) }));

        Assert.StartsWith($"{broken}: not an image", error.Message);
    }

    [Fact]
    public void Logits_of_transformed_input_equal_the_classifiers()
    {
        var transform = EvalTransform.For(ShippedModels.Find("efficientnet_lite0").Preprocess);
        var input = transform.Apply(ImageDecoder.Decode(Fixtures.Image("alpha.png")));

        Assert.Equal(_classifier.Classify(Fixtures.Image("alpha.png")).Logits, _classifier.Logits(input, 1));
        Assert.Throws<ArgumentException>(() => _classifier.Logits(input, 2));
    }

    [Fact]
    public void A_disposed_classifier_refuses_calls()
    {
        var checkpoint = _temp.PathOf("short-lived.safetensors");
        SeededCheckpoint.Write(checkpoint, ShippedModels.Find("efficientnet_lite0").Plan, seed: 11);
        var classifier = ImageClassifier.FromCheckpoint("efficientnet_lite0", checkpoint);

        classifier.Dispose();
        classifier.Dispose();

        Assert.Throws<ObjectDisposedException>(() => classifier.Classify(Fixtures.Image("gray.png")));
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(4, 0)]
    [InlineData(4, 1L << 40)]
    public void Options_out_of_range_are_refused(int maxBatchSize, long maxPixels)
    {
        var checkpoint = _temp.PathOf("options.safetensors");
        SeededCheckpoint.Write(checkpoint, ShippedModels.Find("efficientnet_lite0").Plan, seed: 12);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ImageClassifier.FromCheckpoint("efficientnet_lite0", checkpoint, new ClassifierOptions { MaxBatchSize = maxBatchSize, MaxPixels = maxPixels }));

        Assert.Contains("MaxBatchSize", error.Message);
    }

    [Fact]
    public void Every_pretrained_entry_names_a_shipped_model_and_a_squash_crop_is_refused_before_any_download()
    {
        Assert.All(Formats.Hub.PretrainedCatalog.All, w => Assert.True(ShippedModels.TryFind(w.Model, out _), $"{w.Id}: no shipped {w.Model}"));
        var squash = Formats.Hub.PretrainedCatalog.All.Single(w => w.CropMode == "squash");

        var error = Assert.Throws<NotSupportedException>(() =>
            ImageClassifier.FromPretrained(squash.Id, new Formats.Hub.HubOptions { CacheDirectory = _temp.Path, Offline = true }));

        Assert.Contains("'squash' crop", error.Message);
    }
}
