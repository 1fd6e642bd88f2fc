using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using EffNetGen.OnnxRuntime;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Cli.Tests;

/// <summary>`effnet predict`: images through the ONNX Runtime engine with a checkpoint or hub weights, no TorchSharp.</summary>
public class PredictTests
{
    private static string Image(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "images", name);

    [Fact]
    public void It_prints_the_top_classes_with_ImageNet_names()
    {
        using var temp = new TempDirectory();
        var weights = temp.PathOf("b0.safetensors");
        SeededCheckpoint.Write(weights, ShippedModels.Find("efficientnet_b0").Plan, seed: 1);

        var (exitCode, output, error) = CliRunner.Run("predict", Image("landscape.jpg"), Image("portrait.png"), "--model", "efficientnet_b0", "--weights", weights, "--top", "3");

        Assert.True(exitCode == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.Equal(Image("landscape.jpg"), lines[0]);
        Assert.Matches(@"^  1\. [01]\.[0-9]{4}  .+ \([0-9]+\)$", lines[1]);
        // Labels are ImageNet-1k's, by index.
        var index = int.Parse(lines[1][(lines[1].LastIndexOf('(') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"  {OnnxRuntime.Labels.ClassLabels.ImageNet1k[index]} ({index})", lines[1]);
    }

    [Fact]
    public void Json_lists_probabilities_in_descending_order()
    {
        using var temp = new TempDirectory();
        var weights = temp.PathOf("b0.safetensors");
        SeededCheckpoint.Write(weights, ShippedModels.Find("efficientnet_b0").Plan, seed: 2);

        var (exitCode, output, error) = CliRunner.Run("predict", Image("gray.png"), "-m", "efficientnet_b0", "--weights", weights, "--json");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var top = json.RootElement[0].GetProperty("top").EnumerateArray().Select(t => t.GetProperty("probability").GetDouble()).ToList();
        Assert.Equal(5, top.Count);
        Assert.Equal(top.OrderByDescending(p => p), top);
        Assert.InRange(top.Sum(), 0, 1.000001);
    }

    [Fact]
    public void A_fine_tuned_checkpoint_names_its_own_classes()
    {
        using var temp = new TempDirectory();
        var weights = temp.PathOf("tuned.safetensors");
        var plan = ShippedModels.Find("efficientnet_lite0").Plan.WithClasses(3);
        SeededCheckpoint.Write(weights, plan, seed: 3, new Dictionary<string, string> { ["classes"] = "[\"cat\",\"dog\",\"bird\"]" });

        var (exitCode, output, error) = CliRunner.Run("predict", Image("alpha.png"), "-m", "efficientnet_lite0", "--weights", weights, "--json");

        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var labels = json.RootElement[0].GetProperty("top").EnumerateArray().Select(t => t.GetProperty("label").GetString()).ToList();
        Assert.Equal(new[] { "bird", "cat", "dog" }, labels.Order());
    }

    [Fact]
    public void Offline_with_an_empty_cache_is_a_clear_error_that_names_the_path()
    {
        using var temp = new TempDirectory();

        var (exitCode, _, error) = CliRunner.Run("predict", Image("landscape.jpg"), "--pretrained", "efficientnet_b0.ra_in1k", "--offline", "--cache-dir", temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("offline", error);
        Assert.Contains(Path.Combine(temp.Path, "models--timm--efficientnet_b0.ra_in1k"), error);
    }

    [Fact]
    public void Pretrained_weights_in_the_hugging_face_cache_are_used_offline()
    {
        using var temp = new TempDirectory();
        var commit = new string('a', 40);
        var repo = Path.Combine(temp.Path, "models--timm--mobilenetv3_large_100.ra_in1k");
        Directory.CreateDirectory(Path.Combine(repo, "snapshots", commit));
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), commit);
        SeededCheckpoint.Write(Path.Combine(repo, "snapshots", commit, "model.safetensors"), ShippedModels.Find("mobilenetv3_large_100").Plan, seed: 4);

        var (exitCode, output, error) = CliRunner.Run("predict", Image("progressive.jpg"), "-m", "mobilenetv3_large_100", "--pretrained", "ra_in1k", "--offline", "--cache-dir", temp.Path, "--top", "1");

        Assert.True(exitCode == 0, error);
        Assert.Matches(@"  1\. [01]\.[0-9]{4}  .+ \([0-9]+\)", output);
    }

    [Theory]
    [InlineData("--model|efficientnet_b0|--weights|w.safetensors|--top|0", "--top must be at least 1")]
    [InlineData("--model|efficientnet_b0", "give the weights")]
    [InlineData("--model|efficientnet_b0|--weights|w.safetensors|--pretrained|ra_in1k", "give the weights")]
    [InlineData("--weights|w.safetensors", "--model is required with --weights")]
    [InlineData("--model|efficientnet_b0|--spec|mine.effnet|--pretrained|ra_in1k", "--spec goes with --weights")]
    [InlineData("--model|efficientnet_b0|--pretrained|efficientnet_b3.ra2_in1k", "is for efficientnet_b3, not --model efficientnet_b0")]
    public void Bad_options_are_errors(string options, string message)
    {
        var (exitCode, _, error) = CliRunner.Run(new[] { "predict", Image("gray.png") }.Concat(options.Split('|')).ToArray());

        Assert.Equal(1, exitCode);
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_pth_checkpoint_is_read_without_executing_it_and_checked_like_safetensors()
    {
        var pth = Path.Combine(AppContext.BaseDirectory, "fixtures", "pth");

        var (exitCode, _, error) = CliRunner.Run("predict", Image("gray.png"), "-m", "efficientnet_b0", "--weights", Path.Combine(pth, "state_dict.pth"));
        var (maliciousExit, _, maliciousError) = CliRunner.Run("predict", Image("gray.png"), "-m", "efficientnet_b0", "--weights", Path.Combine(pth, "malicious.pth"));

        Assert.Equal(1, exitCode);
        Assert.Contains("state_dict.pth: the checkpoint does not fit EfficientNetB0", error);
        Assert.Contains("conv.weight", error); // a tensor of the .pth, listed as not in the model
        Assert.Equal(1, maliciousExit);
        Assert.Contains("refusing to load it (nothing is executed)", maliciousError);
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_named_in_the_error()
    {
        using var temp = new TempDirectory();
        var weights = temp.PathOf("b0.safetensors");
        SeededCheckpoint.Write(weights, ShippedModels.Find("efficientnet_b0").Plan, seed: 5);
        var notes = temp.Write("notes.jpg", "not a picture");

        var (exitCode, output, error) = CliRunner.Run("predict", notes, "-m", "efficientnet_b0", "--weights", weights);

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.StartsWith($"error: {notes}: not an image", error);
    }
}
