using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using EffNetGen.Formats;
using EffNetGen.Formats.Hub;
using EffNetGen.OnnxRuntime;

namespace EffNetGen.Cli.Commands;

/// <summary>
/// <c>effnet predict image… --model efficientnet_b0 (--weights file | --pretrained tag) [--top 5] [--json]</c>: top-k
/// classes of images on ONNX Runtime (no libtorch), with the model's evaluation transform and ImageNet-1k's (or the
/// checkpoint's own) class names.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Image files (JPEG, PNG, WebP, GIF, BMP).", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string?>("--model", "-m") { Description = "A shipped model (efficientnet_b0, tf_efficientnet_b3, …) or, with --spec, a variant of that spec." };
        var spec = new Option<string?>("--spec") { Description = "An .effnet spec whose variant --model names (default: the shipped specs)." };
        var weights = new Option<string?>("--weights") { Description = "A safetensors checkpoint or PyTorch .pth state_dict (EffNetGen/torchvision or timm names); its classifier sets the classes, its 'classes' metadata the labels." };
        var pretrained = new Option<string?>("--pretrained")
        {
            Description = "Pretrained weights from the Hugging Face hub: a tag of --model (ra_in1k), a full id (efficientnet_b0.ra_in1k), or 'default'. Cached as huggingface_hub caches (HF_HOME); HF_HUB_OFFLINE=1 or --offline uses the cache only.",
        };
        var top = new Option<int>("--top", "-k") { Description = "How many classes to print per image.", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print JSON: [{image, top: [{index, label, probability}]}]." };
        var offline = new Option<bool>("--offline") { Description = "Never download: use the cache only." };
        var cache = new Option<string?>("--cache-dir") { Description = "The weights cache (default: HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub)." };
        var command = new Command("predict", "Classify images on ONNX Runtime with a model and its weights (no TorchSharp or libtorch).") { images, model, spec, weights, pretrained, top, json, offline, cache };
        command.SetAction(parse =>
        {
            var (stdout, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (parse.GetValue(top) < 1)
            {
                error.WriteLine("error: --top must be at least 1");
                return EffNetCli.Failure;
            }
            if ((parse.GetValue(weights) is null) == (parse.GetValue(pretrained) is null))
            {
                error.WriteLine("error: give the weights: --weights <checkpoint> or --pretrained <tag> (one of them)");
                return EffNetCli.Failure;
            }
            var missing = parse.GetRequiredValue(images).Where(i => !File.Exists(i)).ToList();
            if (missing.Count > 0)
            {
                error.WriteLine($"error: no such image file: {string.Join(", ", missing)}");
                return EffNetCli.Failure;
            }
            try
            {
                var hub = new HubOptions() with { Progress = new DownloadProgressBar(error) };
                hub = parse.GetValue(offline) ? hub with { Offline = true } : hub;
                hub = parse.GetValue(cache) is { } directory ? hub with { CacheDirectory = directory } : hub;
                using var classifier = Open(parse.GetValue(model), parse.GetValue(spec), parse.GetValue(weights), parse.GetValue(pretrained), hub, error);
                if (classifier is null)
                {
                    return EffNetCli.Failure;
                }
                var predictions = classifier.Classify(parse.GetRequiredValue(images).Select(ImageInput.FromFile).ToList(), parse.GetValue(top));
                Print(predictions, parse.GetValue(json), stdout);
                return EffNetCli.Success;
            }
            catch (Exception e) when (e is WeightFormatException or PretrainedException or InvalidDataException or IOException or UnauthorizedAccessException
                or ArgumentException or FormatException or NotSupportedException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException
                or DllNotFoundException or TypeInitializationException)
            {
                error.WriteLine($"error: {e.Message}");
                return EffNetCli.Failure;
            }
        });
        return command;
    }

    private static ImageClassifier? Open(string? model, string? spec, string? weights, string? pretrained, HubOptions hub, TextWriter error)
    {
        if (pretrained is not null)
        {
            if (spec is not null)
            {
                error.WriteLine("error: --pretrained weights are for the shipped models; --spec goes with --weights");
                return null;
            }
            var id = pretrained.Contains('.', StringComparison.Ordinal) || model is null ? pretrained
                : pretrained == "default" ? model
                : $"{model}.{pretrained}";
            if (model is not null && PretrainedCatalog.TryFind(id, out var found) && !string.Equals(found.Model, model, StringComparison.OrdinalIgnoreCase))
            {
                error.WriteLine($"error: --pretrained {pretrained} is for {found.Model}, not --model {model}");
                return null;
            }
            return ImageClassifier.FromPretrained(id, hub);
        }
        if (model is null)
        {
            error.WriteLine("error: --model is required with --weights");
            return null;
        }
        return spec is null ? ImageClassifier.FromCheckpoint(model, weights!) : ImageClassifier.FromSpec(spec, model, weights!);
    }

    private static void Print(IReadOnlyList<Prediction> predictions, bool json, TextWriter output)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(predictions.Select(p => new
            {
                image = p.Image,
                top = p.Top.Select(c => new { index = c.Index, label = c.Label, probability = c.Probability }),
            }), new JsonSerializerOptions { WriteIndented = true }));
            return;
        }
        foreach (var prediction in predictions)
        {
            output.WriteLine(prediction.Image);
            foreach (var (score, rank) in prediction.Top.Select((s, i) => (s, i + 1)))
            {
                output.WriteLine($"  {rank}. {score.Probability.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)}  {score.Label} ({score.Index})");
            }
        }
    }
}
