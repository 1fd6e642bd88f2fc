using System;
using System.Diagnostics;
using EffNetGen.Runtime.Training;

namespace EffNetGen.Runtime.Tests.Training;

/// <summary>
/// EfficientNet-Lite0, trained once from scratch on <see cref="TextureDataset"/> with the paper's recipe as the
/// generated <c>EfficientNetB0.Training</c> gives it, adapted only where a two-minute CPU run must differ from 350
/// ImageNet epochs: 8 epochs of 40 steps of 32 images (fresh images every epoch), 1 warm-up epoch, the learning rate
/// decayed by 0.9 per epoch, a quarter of the paper's rate (the paper's, linearly scaled to batch 32, makes the loss
/// oscillate for the whole run from torchvision's initialisation) and the model's own BatchNorm momentum (the recipe's
/// 0.99 averages over too many early, useless steps for a short run). Optimizer (RMSProp as TF), label smoothing,
/// weight decay and EMA are the recipe's.
/// </summary>
public sealed class TrainedTextureModel : IDisposable
{
    public const int BatchSize = 32;
    public const int StepsPerEpoch = 40;
    public const int Epochs = 8;

    public TrainedTextureModel()
    {
        TorchSharp.torch.manual_seed(1);
        Model = new EfficientNetLite0(new ModelOptions { NumClasses = TextureDataset.Classes.Length });
        Recipe = EfficientNetB0.Training with { LearningRate = EfficientNetB0.Training.LearningRate / 4, WarmupEpochs = 1, DecayEpochs = 1, LrDecay = 0.9 };
        using var trainer = new Trainer(Model, Recipe, new TrainerOptions(BatchSize, StepsPerEpoch, Epochs) { ApplyNormMomentum = false });
        var clock = Stopwatch.StartNew();
        trainer.Fit(epoch => TextureDataset.Batches(100 + epoch, StepsPerEpoch, BatchSize));
        TrainingTime = clock.Elapsed;
        Accuracy = trainer.Evaluate(HeldOut());
        Ema = new EfficientNetLite0(new ModelOptions { NumClasses = TextureDataset.Classes.Length });
        trainer.Ema!.CopyTo(Ema);
        EmaAccuracy = Trainer.Accuracy(Ema, HeldOut());
    }

    public EfficientNetLite0 Model { get; }

    /// <summary>The model with the recipe's exponential moving average of the weights (what the reference evaluates).</summary>
    public EfficientNetLite0 Ema { get; }

    public TrainingRecipe Recipe { get; }

    public double Accuracy { get; }

    public double EmaAccuracy { get; }

    public TimeSpan TrainingTime { get; }

    /// <summary>512 images the training never sees (another set of the generator).</summary>
    public static System.Collections.Generic.IEnumerable<(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)> HeldOut(Func<int, int>? relabel = null) =>
        TextureDataset.Batches(1, 16, BatchSize, relabel);

    public void Dispose()
    {
        Model.Dispose();
        Ema.Dispose();
    }
}

/// <summary>
/// The tests that use the trained model share one training run, alone: libtorch's random generator is global to the
/// process, and tests running beside it would draw from it and change the run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainedTextureModelCollection : ICollectionFixture<TrainedTextureModel>
{
    public const string Name = "trained texture model";
}

/// <summary>Tests that need the process's random generator to themselves (exact reproduction of a run).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SequentialRandomCollection
{
    public const string Name = "sequential random";
}
