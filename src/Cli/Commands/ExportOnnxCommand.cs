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
            Description = "A safetensors checkpoint (or *.safetensors.index.json) or a PyTorch .pth state_dict, with EffNetGen/torchvision or timm tensor names. Its classifier and stem set the classes and input channels.",
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
            if (OnnxWriter.SizeProblem(network.Plan) is { } tooLarge)
            {
                error.WriteLine($"error: {tooLarge}.");
                return EffNetCli.Failure;
            }
            try
            {
                var (plan, source) = parse.GetValue(weights) is { } checkpoint
                    ? Fitted(network.Plan, checkpoint)
                    : FromSeed(network, parse.GetValue(seed), error);
                OnnxWriter.Write(plan, source, path, new OnnxExportOptions { Features = parse.GetValue(features) });
                stdout.WriteLine($"{path}: {plan.Name}, {plan.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} parameters from {source.Origin}; " +
                    $"input [batch, {plan.InputChannels}, height, width] ({network.Resolution}×{network.Resolution} native), output logits [batch, {plan.Classes}]" +
                    (parse.GetValue(features) ? $", features_0 … features_{plan.FeatureLevels.Count - 1}" : "") + $"; ONNX opset {OnnxWriter.Opset}.");
                return EffNetCli.Success;
            }
            catch (Exception e) when (e is WeightFormatException or IOException or UnauthorizedAccessException or NotSupportedException)
            {
                error.WriteLine($"error: {e.Message}");
                return EffNetCli.Failure;
            }
        });
        return command;
    }

    private static (NetworkPlan, WeightSource) Fitted(NetworkPlan plan, string checkpoint)
    {
        var (fitted, weights, _) = CheckpointFit.Open(plan, checkpoint);
        return (fitted, weights);
    }

    private static (NetworkPlan, WeightSource) FromSeed(ResolvedNetwork network, int seed, TextWriter error)
    {
        error.WriteLine($"note: no --weights: the model has untrained weights (torchvision's initialisation, seed {seed}).");
        return (network.Plan, new InitialWeights(network.Plan, seed));
    }
}
