using System;
using System.CommandLine;
using System.IO;

namespace EffNetGen.FineTune;

/// <summary>The command line of the fine-tuning sample.</summary>
internal static class FineTuneCommand
{
    public static RootCommand Create()
    {
        var folder = new Argument<DirectoryInfo>("folder") { Description = "The images: one sub-folder per class (folder/cat/*.png, folder/dog/*.jpg, …)." };
        var model = new Option<string>("--model") { Description = "The variant (model or class name).", DefaultValueFactory = _ => "efficientnet_b0" };
        var weights = new Option<FileInfo?>("--weights") { Description = "Pretrained safetensors weights (EffNetGen/torchvision or timm names); the classifier is replaced." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch") { Description = "Images per step (the recipe's learning rate is scaled to it).", DefaultValueFactory = _ => 16 };
        var resolution = new Option<int?>("--resolution") { Description = "Input size (default: the variant's)." };
        var backbone = new Option<bool>("--train-backbone") { Description = "Train every layer, not only a new classifier on the frozen backbone." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the fine-tuned weights (safetensors).", DefaultValueFactory = _ => new FileInfo("finetuned.safetensors") };
        var learningRate = new Option<double?>("--lr") { Description = "Learning rate at --batch (default: the recipe's, scaled linearly to the batch)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the new classifier, dropout and the shuffling: the same seed gives the same run.", DefaultValueFactory = _ => 0 };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Training checkpoint, saved after every epoch; training resumes from it when it exists." };
        var command = new RootCommand("Fine-tune a generated EfficientNet on an image folder with its spec's training recipe.")
        {
            folder, model, weights, epochs, batch, learningRate, resolution, backbone, seed, output, checkpoint,
        };
        command.SetAction(parse =>
        {
            var console = Spectre.Console.AnsiConsole.Console;
            if (Console.IsOutputRedirected)
            {
                console.Profile.Width = 200; // logs and pipes: one line per message
            }
            try
            {
                var job = new FineTuneJob(
                    parse.GetRequiredValue(folder).FullName, parse.GetRequiredValue(model), parse.GetValue(weights)?.FullName,
                    parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(learningRate), parse.GetValue(resolution), parse.GetValue(backbone), parse.GetValue(seed),
                    parse.GetRequiredValue(output).FullName, parse.GetValue(checkpoint)?.FullName);
                return job.Run(console);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or Formats.WeightFormatException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
