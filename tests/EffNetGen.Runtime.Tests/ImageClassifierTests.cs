using System;
using System.IO;
using System.Linq;
using EffNetGen.OnnxRuntime;
using EffNetGen.OnnxRuntime.Imaging;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// The ONNX Runtime engine against TorchSharp: a seeded checkpoint saved by the generated class, served by
/// <see cref="ImageClassifier"/> from the shipped spec (decode, transform, batch, ONNX Runtime), gives the logits the
/// generated class computes in eval mode on the same transformed images.
/// </summary>
[Trait(TestLanes.Category, TestLanes.Integration)]
[Collection(Training.SequentialRandomCollection.Name)] // seeds libtorch's global generator: the same weights in every run
public class ImageClassifierTests
{
    // A V1 with symmetric padding, TensorFlow 'same' padding, a V2 (fused blocks, 384 px, bilinear) and EdgeTPU edge blocks.
    [Theory]
    [InlineData("efficientnet_b0")]
    [InlineData("tf_efficientnet_b0")]
    [InlineData("efficientnet_v2_s")]
    [InlineData("efficientnet_es")]
    public void Onnx_Runtime_logits_through_the_classifier_equal_TorchSharps_eval_logits_within_1e4(string name)
    {
        OnnxTests.EnsureEnvironment();
        manual_seed(19);
        using var model = EffNetModels.Create(name);
        RandomWeights.ApplyCalibrated(model, size: model.Plan.Resolution); // statistics of activations at the size served
        model.eval();
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf(name + ".safetensors");
        SafetensorsWriter.Write(checkpoint, model.state_dict());
        var images = new[] { "landscape.jpg", "portrait.png" }.Select(i => Path.Combine(AppContext.BaseDirectory, "fixtures", "images", i)).ToList();

        using var classifier = ImageClassifier.FromCheckpoint(name, checkpoint);
        var predictions = classifier.Classify(images.Select(ImageInput.FromFile).ToList(), top: 3);

        Assert.Equal(model.Plan.Resolution, classifier.Transform.Resolution);
        using var input = stack(images.Select(i => tensor(classifier.Transform.Apply(ImageDecoder.Decode(i))).view(3, model.Plan.Resolution, model.Plan.Resolution)).ToArray());
        using var noGrad = no_grad();
        using var expected = model.call(input);
        for (var i = 0; i < images.Count; i++)
        {
            var relative = RelativeError.Of(tensor(predictions[i].Logits), expected[i]);
            Assert.True(relative < 1e-4, $"{name} {images[i]}: relative L2 {relative}");
            // The same top class, up to a tie within the tolerance (seeded weights can leave two classes that close).
            var top = predictions[i].Top[0].Index;
            var gap = expected[i].max().item<float>() - expected[i][top].item<float>();
            Assert.True(gap <= 1e-4 * expected[i].norm().item<float>(), $"{name} {images[i]}: ONNX Runtime's top class {top} is {gap} below TorchSharp's {expected[i].argmax().item<long>()}");
        }
        Assert.True((expected[0] - expected[1]).norm().item<float>() > 1e-2 * expected[0].norm().item<float>(), $"{name}: logits do not depend on the image");
    }
}
