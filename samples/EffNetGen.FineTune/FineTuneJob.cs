using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Architecture;
using EffNetGen.Formats.Safetensors;
using EffNetGen.OnnxRuntime;
using EffNetGen.OnnxRuntime.Imaging;
using EffNetGen.OnnxRuntime.Labels;
using EffNetGen.Runtime.Training;
using EffNetGen.Runtime.Weights;
using Spectre.Console;

namespace EffNetGen.FineTune;

/// <summary>
/// One fine-tuning run: every fifth image of each class held out for validation, the variant's training recipe (the
/// paper's where its spec has none) scaled to the batch, a fresh classifier for the folder's classes, by default only
/// that classifier trained on pretrained weights (backbone and BatchNorm statistics frozen; every layer without
/// weights or with --train-backbone), validation after every epoch, and the better of
/// the trained weights and their moving average written as safetensors with the class names in its metadata, then
/// served from that file by the ONNX Runtime engine on the validation images.
/// </summary>
internal sealed record FineTuneJob(
    string Folder, string Model, string? Weights, int Epochs, int Batch, double? LearningRate, int? Resolution, bool TrainBackbone, int Seed, string Output, string? Checkpoint)
{
    /// <summary>
    /// Every option checked before any work (issue 21: D4, D9, M7): a run must not train for an hour and then find it
    /// cannot write its result, or write weights that are all NaN.
    /// </summary>
    private void Validate()
    {
        if (Epochs < 1 || Batch < 1)
        {
            throw new ArgumentException("--epochs and --batch must be at least 1");
        }
        if (Resolution is < 8 or > 4096)
        {
            throw new ArgumentException($"--resolution must be from 8 to 4096 pixels, not {Resolution}");
        }
        if (LearningRate is { } rate && !(double.IsFinite(rate) && rate > 0))
        {
            throw new ArgumentException($"--lr must be a positive number, not {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        foreach (var (option, path) in new[] { ("--output", Output), ("--checkpoint", Checkpoint) })
        {
            if (path is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                throw new ArgumentException($"{option}: the folder {Path.GetDirectoryName(Path.GetFullPath(path))} does not exist");
            }
            if (path is not null && Directory.Exists(path))
            {
                throw new ArgumentException($"{option}: {path} is a folder; name the file to write");
            }
        }
    }

    public int Run(IAnsiConsole console)
    {
        Validate();
        var info = EffNetModels.Find(Model) ?? throw new ArgumentException($"no model named '{Model}'; available: {string.Join(", ", EffNetModels.All.Select(i => i.Name))}");
        var (train, validation) = ImageFolder.Open(Folder).Split(every: 5);
        var settings = info.Preprocess! with { Resolution = Resolution ?? info.Resolution };
        var recipe = (info.Training ?? EfficientNetB0.Training) with { Epochs = Epochs, WarmupEpochs = Math.Min(1, Epochs / 5.0) };
        if (LearningRate is { } rate)
        {
            recipe = recipe with { LearningRate = rate, ReferenceBatchSize = Batch };
        }

        TorchSharp.torch.manual_seed(Seed);
        using var model = info.Create(numClasses: train.Classes.Count);
        if (Weights is not null)
        {
            var timm = TimmNameMap.SavedByTimm(new CheckpointWeights(Weights).Names);
            model.LoadSafetensors(Weights, timm ? TimmNames.LoadOptions(model, skipClassifier: true) : new LoadOptions { SkipClassifier = true });
        }
        // Without pretrained weights a frozen backbone is random noise whose BatchNorm statistics wash out the input.
        var trainBackbone = TrainBackbone || Weights is null;
        if (!TrainBackbone && Weights is null)
        {
            console.MarkupLine("note: no --weights, so every layer trains (a random backbone cannot be frozen usefully)");
        }
        if (!trainBackbone)
        {
            model.FreezeBackbone();
            model.FreezeBatchNorm = true;
        }
        var steps = (train.Images.Count + Batch - 1) / Batch;
        using var trainer = new Trainer(model, recipe, new TrainerOptions(Batch, steps, Epochs) { ApplyNormMomentum = trainBackbone });
        if (Checkpoint is not null && File.Exists(Checkpoint))
        {
            trainer.LoadCheckpoint(Checkpoint);
            console.MarkupLineInterpolated($"resumed from {Checkpoint} at step {trainer.Step}");
        }
        console.MarkupLineInterpolated($"{info.Name}: {train.Images.Count} training and {validation.Images.Count} validation images of {train.Classes.Count} classes ({string.Join(", ", train.Classes)}), {settings.Resolution}×{settings.Resolution}");
        console.MarkupLineInterpolated($"{(trainBackbone ? "all layers" : "the classifier only")}, {recipe.Optimizer} at {recipe.LearningRateFor(Batch):G3} (batch {Batch}), label smoothing {recipe.LabelSmoothing}, EMA {recipe.Ema}");

        console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: (double)Epochs * steps);
                task.Value = trainer.Step;
                trainer.Fit(
                    epoch => train.Batches(Batch, settings, shuffleSeed: (Seed * 1_000) + epoch, flip: true),
                    new OnThisThread(p =>
                    {
                        task.Value = p.Step;
                        task.Description = $"epoch {p.Epoch}/{p.Epochs}  step {p.Step}/{p.TotalSteps}  loss {p.Loss:F3}  acc {p.Accuracy:P0}  {p.ImagesPerSecond:F0} img/s";
                        if (p.Step % steps == 0)
                        {
                            var accuracy = trainer.Evaluate(validation.Batches(Batch, settings));
                            context.Refresh();
                            console.MarkupLineInterpolated($"epoch {p.Epoch}: loss {p.Loss:F3}, training accuracy {p.Accuracy:P1}, validation accuracy {accuracy:P1}");
                            if (Checkpoint is not null)
                            {
                                trainer.SaveCheckpoint(Checkpoint);
                            }
                        }
                    }));
            });

        var trained = trainer.Evaluate(validation.Batches(Batch, settings));
        var (best, source) = (trained, "trained weights");
        if (trainer.Ema is { } ema)
        {
            using var averaged = info.Create(numClasses: train.Classes.Count);
            ema.CopyTo(averaged);
            var averageAccuracy = Trainer.Accuracy(averaged, validation.Batches(Batch, settings));
            console.MarkupLineInterpolated($"validation accuracy: {trained:P1} trained, {averageAccuracy:P1} moving average");
            if (averageAccuracy > trained)
            {
                ema.CopyTo(model);
                (best, source) = (averageAccuracy, "moving average");
            }
        }
        var metadata = new Dictionary<string, string> { [ClassLabels.MetadataKey] = ClassLabels.ToJson(train.Classes), ["model"] = info.Name };
        SafetensorsWriter.Write(Output, model.state_dict(), metadata);
        console.MarkupLineInterpolated($"wrote {Output} ({source}, validation accuracy {best:P1})");
        Serve(console, model.Plan, EvalTransform.For(settings), validation);
        return 0;
    }

    /// <summary>
    /// The written checkpoint served as a deployment would serve it: ONNX Runtime, no TorchSharp, the class names from
    /// the checkpoint's metadata, the validation images decoded from their files.
    /// </summary>
    private void Serve(IAnsiConsole console, NetworkPlan plan, EvalTransform transform, ImageFolder validation)
    {
        using var classifier = ImageClassifier.FromCheckpoint(plan, Output, transform);
        var predictions = classifier.Classify(validation.Images.Select(i => ImageInput.FromFile(i.Path)).ToList(), top: 1);
        var correct = predictions.Zip(validation.Images).Count(p => p.First.Top[0].Label == validation.Classes[p.Second.Label]);
        var accuracy = ((double)correct / predictions.Count).ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
        console.MarkupLineInterpolated($"served by ONNX Runtime from {Output}: validation accuracy {accuracy}");
        foreach (var prediction in predictions.Take(3))
        {
            var probability = prediction.Top[0].Probability.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
            console.MarkupLineInterpolated($"  {Path.GetFileName(prediction.Image)}: {prediction.Top[0].Label} ({probability})");
        }
    }

    /// <summary>Reports on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class OnThisThread(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
