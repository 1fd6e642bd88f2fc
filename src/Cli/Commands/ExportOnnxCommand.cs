using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using EffNetGen.Cli.Onnx;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Formats;
using EffNetGen.Formats.Onnx;
using EffNetGen.Formats.Safetensors;

namespace EffNetGen.Cli.Commands;

/// <summary>
/// <c>effnet export-onnx file variant [--weights checkpoint] -o model.onnx</c>: the ONNX model of a variant, straight
/// from the spec and a safetensors checkpoint (torchvision's names as EffNetGen saves them, or timm's), without
/// TorchSharp or libtorch. Without a checkpoint the weights are torchvision's initialisation from a seed.
/// </summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The .effnet spec file." };
        var variant = new Argument<string>("variant") { Description = "The variant: its name (B0), class (EfficientNetB0) or model name (efficientnet_b0)." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "The .onnx file to write.", Required = true };
        var weights = new Option<string?>("--weights")
        {
            Description = "A safetensors checkpoint (or *.safetensors.index.json) with EffNetGen/torchvision or timm tensor names. Its classifier and stem set the classes and input channels.",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights when no --weights is given.", DefaultValueFactory = _ => 0 };
        var features = new Option<bool>("--features") { Description = "Also output the multi-scale feature maps (features_0 … at strides 2 … 32)." };
        var command = new Command("export-onnx", "Write a variant as an ONNX model (opset 17) for ONNX Runtime and other engines.") { file, variant, output, weights, seed, features };
        command.SetAction(parse =>
        {
            var (stdout, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (SpecFiles.Load(new[] { parse.GetRequiredValue(file) }, error) is not { } specs || SpecFiles.ReportDiagnostics(specs, error))
            {
                return EffNetCli.Failure;
            }
            if (SpecFiles.FindVariant(SpecFiles.Networks(specs).ToList(), parse.GetRequiredValue(variant), error) is not { } network)
            {
                return EffNetCli.Failure;
            }
            var path = parse.GetRequiredValue(output).FullName;
            try
            {
                var (plan, source) = parse.GetValue(weights) is { } checkpoint
                    ? FromCheckpoint(network, checkpoint)
                    : FromSeed(network, parse.GetValue(seed), error);
                OnnxWriter.Write(plan, source, path, new OnnxExportOptions { Features = parse.GetValue(features) });
                stdout.WriteLine($"{path}: {plan.Name}, {plan.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} parameters from {source.Origin}; " +
                    $"input [batch, {plan.InputChannels}, height, width] ({network.Resolution}×{network.Resolution} native), output logits [batch, {plan.Classes}]" +
                    (parse.GetValue(features) ? $", features_0 … features_{plan.FeatureLevels.Count - 1}" : "") + $"; ONNX opset {OnnxWriter.Opset}.");
                return EffNetCli.Success;
            }
            catch (Exception e) when (e is WeightFormatException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return EffNetCli.Failure;
            }
        });
        return command;
    }

    /// <summary>
    /// The checkpoint's tensors, renamed from timm's when it was saved by timm, and the plan built with the
    /// checkpoint's input channels and classes (a fine-tuned classifier, a grey-scale stem).
    /// </summary>
    private static (NetworkPlan, WeightSource) FromCheckpoint(ResolvedNetwork network, string checkpoint)
    {
        var stored = new CheckpointWeights(checkpoint);
        WeightSource source = stored;
        if (TimmNameMap.SavedByTimm(stored.Names))
        {
            source = new CheckpointWeights(checkpoint, new TimmNameMap(network.Plan).FromTimm);
        }
        var plan = network.Plan;
        var (stemWeight, classifierWeight) = (plan.Stem.Layers[0].Tensors().First().Name, plan.ClassifierPath + ".weight");
        if (source.ShapeOf(stemWeight) is { Length: 4 } stem)
        {
            plan = plan.WithInputChannels(Dimension(source, stemWeight, stem, axis: 1));
        }
        if (source.ShapeOf(classifierWeight) is { Length: 2 } classifier)
        {
            plan = plan.WithClasses(Dimension(source, classifierWeight, classifier, axis: 0));
        }
        return (plan, source);
    }

    /// <summary>A dimension of a checkpoint tensor that sets a width of the plan: 1 to 2^31 − 1, or a format error naming the tensor.</summary>
    private static int Dimension(WeightSource source, string name, long[] shape, int axis) =>
        shape[axis] is >= 1 and <= int.MaxValue
            ? (int)shape[axis]
            : throw new WeightFormatException($"{source.Origin}: '{name}' has shape {Shapes.Format(shape)}; its dimension {axis} must be between 1 and {int.MaxValue}. Nothing was written.");

    private static (NetworkPlan, WeightSource) FromSeed(ResolvedNetwork network, int seed, TextWriter error)
    {
        error.WriteLine($"note: no --weights: the model has untrained weights (torchvision's initialisation, seed {seed}).");
        return (network.Plan, new InitialWeights(network.Plan, seed));
    }
}
