using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Runtime.Training;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using StbImageWriteSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Training;

/// <summary>
/// The everyday transfer-learning workflow, end to end: PNG files in class folders, the fine-tuning sample run as a
/// user runs it with pretrained weights (the texture model), a checkpoint written and resumed, and the written weights
/// classifying images the run never saw.
/// </summary>
[Collection(TrainedTextureModelCollection.Name)]
[Trait(TestLanes.Category, TestLanes.Integration)]
public class ImageFolderFineTuneTests(TrainedTextureModel trained, ITestOutputHelper output)
{
    /// <summary>The task: horizontal or vertical stripes (the other textures are left out), with a new two-class head.</summary>
    private static string? ClassOf(int texture) => texture switch { 0 => "horizontal", 1 => "vertical", _ => null };

    /// <summary>Writes the stripes among <paramref name="count"/> images of texture set <paramref name="set"/> as PNGs into class folders.</summary>
    private static string WriteFolder(string root, int set, int count)
    {
        var (images, labels) = TextureDataset.Batch(set, 0, count);
        using (images)
        using (labels)
        using (var bytes = (images * 0.25 + 0.5).clamp(0, 1).mul(255).round().to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous())
        {
            var writer = new ImageWriter();
            for (var i = 0; i < count; i++)
            {
                if (ClassOf((int)labels[i].item<long>()) is not { } name)
                {
                    continue;
                }
                var folder = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
                using var file = File.Create(Path.Combine(folder, $"{set}_{i:D3}.png"));
                writer.WritePng(bytes[i].data<byte>().ToArray(), TextureDataset.Size, TextureDataset.Size, ColorComponents.RedGreenBlue, file);
            }
        }
        return root;
    }

    private static (int ExitCode, string Output) FineTune(string arguments) =>
        ProcessRunner.Run("dotnet", $"\"{Repository.PathOf("samples", "EffNetGen.FineTune", "bin", Repository.Configuration, "net10.0", "EffNetGen.FineTune.dll")}\" {arguments}", Repository.Root);

    [Fact]
    public void The_sample_fine_tunes_on_an_image_folder_writes_weights_that_classify_new_images_and_resumes()
    {
        using var temp = new TempDirectory();
        var pretrained = temp.PathOf("textures.safetensors");
        SafetensorsWriter.Write(pretrained, trained.Model.state_dict());
        var train = WriteFolder(temp.PathOf("train"), set: 400, count: 320);
        var unseen = WriteFolder(temp.PathOf("unseen"), set: 401, count: 128);
        var (weights, checkpoint) = (temp.PathOf("finetuned.safetensors"), temp.PathOf("training.safetensors"));
        var common = $"--model efficientnet_lite0 --weights \"{pretrained}\" --resolution 64 --batch 16 --lr 0.008 -o \"{weights}\" --checkpoint \"{checkpoint}\"";

        var (exitCode, log) = FineTune($"\"{train}\" --epochs 3 {common}");
        output.WriteLine(log);
        Assert.True(exitCode == 0, log);
        Assert.Matches(@"1[0-9]{2} training and [0-9]{2} validation images of 2 classes \(horizontal, vertical\)", log);
        Assert.Contains("the classifier only", log);
        Assert.Contains("epoch 3: loss", log);
        // The checkpoint served back by ONNX Runtime, labelled with the folder's class names from its metadata.
        var served = Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, @"served by ONNX Runtime from .*: validation accuracy ([0-9.]+) %"));
        Assert.True(double.Parse(served.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 90, served.Value);
        Assert.Matches(@"  \w+\.png: (horizontal|vertical) \(", log);

        var (resumedExit, resumedLog) = FineTune($"\"{train}\" --epochs 5 {common}");
        output.WriteLine(resumedLog);
        Assert.True(resumedExit == 0, resumedLog);
        Assert.Contains("at step 24", resumedLog); // 3 epochs of 8 steps (128 images, batch 16) came from the checkpoint
        Assert.DoesNotContain("epoch 3: loss", resumedLog);
        Assert.Contains("epoch 5: loss", resumedLog);

        var file = SafetensorsFile.Open(weights);
        Assert.Equal(new[] { "horizontal", "vertical" }, JsonSerializer.Deserialize<string[]>(file.Metadata["classes"]));
        using var model = new EfficientNetLite0(numClasses: 2);
        model.LoadSafetensors(weights);
        var backbone = trained.Model.state_dict().Where(p => !p.Key.StartsWith("classifier.", StringComparison.Ordinal));
        Assert.All(backbone, p => Assert.True(p.Value.eq(model.state_dict()[p.Key]).all().item<bool>(), $"{p.Key} changed"));
        var settings = EfficientNetLite0.PreprocessSettings with { Resolution = 64 };
        var accuracy = Trainer.Accuracy(model, ImageFolder.Open(unseen).Batches(16, settings));
        output.WriteLine($"accuracy on unseen images: {accuracy:P1}");
        Assert.True(accuracy >= 0.9, $"accuracy on unseen images {accuracy:P1}");
    }

    // Issue 21: D4 (--resolution -5 crashed with a stack trace), D9 (an output folder that does not exist failed only
    // after training), M7 (--lr NaN wrote all-NaN weights with exit code 0). Each is refused before any image is read.
    [Theory]
    [InlineData("--resolution -5", "error: --resolution must be from 8 to 4096 pixels, not -5")]
    [InlineData("--lr NaN", "error: --lr must be a positive number, not NaN")]
    [InlineData("--lr -0.1", "error: --lr must be a positive number, not -0.1")]
    [InlineData("-o /nonexistent/dir/x.safetensors", "error: --output: the folder /nonexistent/dir does not exist")]
    [InlineData("--checkpoint /nonexistent/c.safetensors", "error: --checkpoint: the folder /nonexistent does not exist")]
    public void Bad_options_are_refused_before_any_work(string options, string message)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.PathOf("empty")); // no classes: reading it would be an error of its own

        var (exitCode, output) = FineTune($"\"{temp.PathOf("empty")}\" {options}");

        Assert.Equal(1, exitCode);
        Assert.Equal(message, output.Trim());
    }

    [Fact]
    public void A_folder_without_classes_or_with_a_broken_image_is_an_error_naming_it()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.PathOf("flat"));
        File.WriteAllBytes(temp.PathOf("flat/a.png"), new byte[] { 1, 2, 3 });
        var broken = Directory.CreateDirectory(temp.PathOf("broken/b")).FullName;
        Directory.CreateDirectory(temp.PathOf("broken/a"));
        File.WriteAllText(Path.Combine(broken, "x.png"), "not a png");
        File.Copy(Path.Combine(broken, "x.png"), temp.PathOf("broken/a/y.png"));

        var flat = Assert.Throws<InvalidDataException>(() => ImageFolder.Open(temp.PathOf("flat")));
        var decode = Assert.Throws<InvalidDataException>(() => ImageFolder.Open(temp.PathOf("broken")).Batches(4, EfficientNetLite0.PreprocessSettings).First());

        Assert.Contains("a sub-folder per class", flat.Message);
        Assert.StartsWith(Path.Combine(temp.PathOf("broken"), "a", "y.png") + ": cannot decode the image", decode.Message);
    }
}
