using System;

namespace EffNetGen.Runtime.Training;

/// <summary>The optimizer of a recipe.</summary>
public enum OptimizerKind
{
    /// <summary>RMSProp as TensorFlow defines it (see <see cref="RmsPropTF"/>).</summary>
    RmsPropTF,

    /// <summary>SGD with momentum (see <see cref="MomentumSgd"/>).</summary>
    Sgd,
}

/// <summary>The data augmentation a recipe names. EffNetGen records it; the input pipeline is the caller's.</summary>
public enum AugmentationKind
{
    /// <summary>Random resized crop and flip only.</summary>
    None,

    /// <summary>AutoAugment's ImageNet policy, as the EfficientNet paper.</summary>
    AutoAugment,

    /// <summary>RandAugment, as EfficientNetV2.</summary>
    RandAugment,
}

/// <summary>
/// A variant's training recipe, generated from the spec's <c>training</c> section (the generated <c>Training</c>
/// property). Values are the reference's: <see cref="LearningRate"/> is for <see cref="ReferenceBatchSize"/> images
/// per step and scales linearly with the batch size (<see cref="LearningRateFor"/>), as the reference code does
/// (lr = base · batch / reference batch); <see cref="NormMomentum"/> is in TensorFlow's convention.
/// </summary>
/// <param name="DecayEpochs">The learning rate is multiplied by <paramref name="LrDecay"/> every this many epochs (staircase).</param>
/// <param name="Ema">Decay of the weights' exponential moving average; 0: none.</param>
/// <param name="NormMomentum">BatchNorm momentum, TensorFlow's convention (PyTorch's momentum is 1 − it).</param>
/// <param name="Dropout">Dropout before the classifier (the variant's).</param>
/// <param name="StochasticDepth">The last block's drop rate (the variant's); survival probability 1 − it.</param>
public sealed record TrainingRecipe(
    OptimizerKind Optimizer,
    double LearningRate,
    int ReferenceBatchSize,
    double Decay,
    double Momentum,
    double Epsilon,
    double WeightDecay,
    double WarmupEpochs,
    double LrDecay,
    double DecayEpochs,
    int Epochs,
    double LabelSmoothing,
    double Ema,
    double NormMomentum,
    AugmentationKind Augmentation,
    double Dropout,
    double StochasticDepth)
{
    /// <summary>The initial learning rate for <paramref name="batchSize"/> images per step: linear scaling from the reference batch.</summary>
    public double LearningRateFor(int batchSize) =>
        batchSize >= 1 ? LearningRate * batchSize / ReferenceBatchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be ≥ 1");

    /// <summary>PyTorch's BatchNorm momentum for <see cref="NormMomentum"/>: 1 − it.</summary>
    public double TorchNormMomentum => 1 - NormMomentum;

    /// <summary>The survival probability of the last block (the paper's 0.8).</summary>
    public double SurvivalProbability => 1 - StochasticDepth;
}
