using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Training;

/// <summary>How a <see cref="Trainer"/> runs a recipe on the caller's data.</summary>
/// <param name="BatchSize">Images per step (the learning rate is the recipe's scaled to it).</param>
/// <param name="StepsPerEpoch">Batches per epoch (for the schedule, the progress and resuming).</param>
/// <param name="Epochs">Epochs to train; default: the recipe's.</param>
public sealed record TrainerOptions(int BatchSize, int StepsPerEpoch, int? Epochs = null)
{
    /// <summary>Set every BatchNorm's momentum to the recipe's (true, the default), or keep the model's.</summary>
    public bool ApplyNormMomentum { get; init; } = true;
}

/// <summary>Where training stands, after a step.</summary>
/// <param name="Loss">Mean loss over the epoch's steps so far.</param>
/// <param name="Accuracy">Training accuracy over the epoch's images so far.</param>
public sealed record TrainingProgress(
    int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double Accuracy, double LearningRate, double ImagesPerSecond, TimeSpan Remaining);

/// <summary>
/// A small training loop for a generated model and its <see cref="TrainingRecipe"/>: the recipe's optimizer, its
/// learning-rate schedule (scaled to the batch size, with warm-up), label-smoothed cross-entropy, the weight EMA when the
/// recipe has one, progress reports, and safetensors checkpoints that resume exactly where they stopped (model, EMA,
/// optimizer state and step). Augmentation is the data's business: the batches come in ready.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly EfficientNetModule _model;
    private readonly RecipeOptimizer _optimizer;
    private readonly WeightEma? _ema;

    /// <summary>Prepares to train <paramref name="model"/> (in place) with <paramref name="recipe"/>.</summary>
    public Trainer(EfficientNetModule model, TrainingRecipe recipe, TrainerOptions options)
    {
        if (options.BatchSize < 1 || options.StepsPerEpoch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options, "batch size and steps per epoch must be ≥ 1");
        }
        (_model, Recipe, Options) = (model, recipe, options);
        Epochs = options.Epochs ?? recipe.Epochs;
        Schedule = LearningRateSchedule.For(recipe, options.BatchSize, options.StepsPerEpoch);
        if (options.ApplyNormMomentum)
        {
            foreach (var norm in model.modules().OfType<BatchNorm2d>())
            {
                norm.momentum = recipe.TorchNormMomentum;
            }
        }
        _optimizer = RecipeOptimizer.Create(model, recipe);
        _ema = recipe.Ema > 0 ? new WeightEma(model, recipe.Ema) : null;
    }

    /// <summary>The recipe.</summary>
    public TrainingRecipe Recipe { get; }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Epochs <see cref="Fit"/> trains for.</summary>
    public int Epochs { get; }

    /// <summary>The learning rate by step.</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>Steps taken so far (restored by <see cref="LoadCheckpoint"/>).</summary>
    public long Step { get; private set; }

    /// <summary>The weight average, when the recipe keeps one.</summary>
    public WeightEma? Ema => _ema;

    /// <summary>The optimizer.</summary>
    public RecipeOptimizer Optimizer => _optimizer;

    /// <summary>One optimization step on a batch; returns its loss and how many images the model got right.</summary>
    /// <param name="images">[batch, channels, height, width], preprocessed.</param>
    /// <param name="labels">[batch] class indices (int64).</param>
    public (double Loss, long Correct) TrainStep(Tensor images, Tensor labels)
    {
        _model.train();
        _optimizer.LearningRate = Schedule.At(Step);
        _optimizer.ZeroGrad();
        using var scope = NewDisposeScope();
        var logits = _model.call(images);
        var loss = LabelSmoothing.CrossEntropy(logits, labels, Recipe.LabelSmoothing);
        loss.backward();
        _optimizer.Step();
        _ema?.Update();
        Step++;
        using var noGrad = no_grad();
        return (loss.item<float>(), logits.argmax(1).eq(labels).sum().item<long>());
    }

    /// <summary>
    /// Trains until <see cref="Epochs"/> · <see cref="TrainerOptions.StepsPerEpoch"/> steps, from <see cref="Step"/>.
    /// <paramref name="epochBatches"/> gives an epoch's batches (the trainer disposes each after its step); for an exact
    /// resume it must give the same batches for the same epoch. A resumed epoch skips the batches already trained on.
    /// </summary>
    public void Fit(Func<int, IEnumerable<(Tensor Images, Tensor Labels)>> epochBatches, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var steps = Options.StepsPerEpoch;
        var total = (long)Epochs * steps;
        var clock = Stopwatch.StartNew();
        var (startStep, images) = (Step, 0L);
        while (Step < total)
        {
            var epoch = (int)(Step / steps);
            var skip = (int)(Step % steps);
            var (lossSum, correct, seen, stepsInEpoch, index) = (0.0, 0L, 0L, 0, 0);
            foreach (var (x, y) in epochBatches(epoch))
            {
                using (x)
                using (y)
                {
                    if (index++ < skip)
                    {
                        continue; // trained on before the checkpoint this run resumed from
                    }
                    cancellation.ThrowIfCancellationRequested();
                    var (loss, right) = TrainStep(x, y);
                    (lossSum, correct, seen, stepsInEpoch) = (lossSum + loss, correct + right, seen + y.shape[0], stepsInEpoch + 1);
                    images += y.shape[0];
                }
                var perStep = clock.Elapsed / (Step - startStep);
                progress?.Report(new TrainingProgress(epoch + 1, Epochs, Step, total, lossSum / stepsInEpoch, (double)correct / seen,
                    _optimizer.LearningRate, images / clock.Elapsed.TotalSeconds, perStep * (total - Step)));
                if (Step % steps == 0)
                {
                    break;
                }
            }
            if (stepsInEpoch == 0 || Step % steps != 0)
            {
                throw new InvalidOperationException($"epoch {epoch + 1} gave {index} batches; {steps} were expected");
            }
        }
    }

    /// <summary>Accuracy of the model (eval mode) on <paramref name="batches"/>, which it disposes.</summary>
    public double Evaluate(IEnumerable<(Tensor Images, Tensor Labels)> batches) => Accuracy(_model, batches);

    /// <summary>Accuracy of <paramref name="model"/> in eval mode on <paramref name="batches"/>, which it disposes.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, IEnumerable<(Tensor Images, Tensor Labels)> batches)
    {
        model.eval();
        using var noGrad = no_grad();
        var (correct, seen) = (0L, 0L);
        foreach (var (x, y) in batches)
        {
            using (x)
            using (y)
            using (var logits = model.call(x))
            using (var right = logits.argmax(1).eq(y).sum())
            {
                (correct, seen) = (correct + right.item<long>(), seen + y.shape[0]);
            }
        }
        return seen == 0 ? 0 : (double)correct / seen;
    }

    /// <summary>Saves model, EMA, optimizer state and step (<see cref="TrainingCheckpoint"/>).</summary>
    public void SaveCheckpoint(string path) => TrainingCheckpoint.Save(path, _model, _ema, _optimizer, Step);

    /// <summary>Restores what <see cref="SaveCheckpoint"/> saved; training then continues from its step.</summary>
    public void LoadCheckpoint(string path) => Step = TrainingCheckpoint.Load(path, _model, _ema, _optimizer);

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _ema?.Dispose();
    }
}
