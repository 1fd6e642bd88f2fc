using System;

namespace EffNetGen.Architecture;

/// <summary>The optimizer a training recipe names (DSL names: rmsprop, sgd).</summary>
public enum Optimizer
{
    /// <summary>RMSProp as TensorFlow defines it (epsilon inside the square root, mean square started at 1, learning rate inside the momentum).</summary>
    RmsPropTF,

    /// <summary>SGD with momentum (PyTorch's).</summary>
    Sgd,
}

/// <summary>The data augmentation a training recipe names (DSL names: none, autoaugment, randaugment). EffNetGen records it; the input pipeline is the caller's.</summary>
public enum Augmentation
{
    /// <summary>Random resized crop and flip only.</summary>
    None,

    /// <summary>AutoAugment's ImageNet policy (Cubuk et al., 2019), as the EfficientNet paper.</summary>
    AutoAugment,

    /// <summary>RandAugment (Cubuk et al., 2020), as EfficientNetV2.</summary>
    RandAugment,
}

/// <summary>
/// How a variant is trained: the spec's <c>training</c> section (a variant's own values over its family's), the
/// generated <c>Training</c> property. Values are the reference's: <see cref="LearningRate"/> is for
/// <see cref="ReferenceBatchSize"/> images per step and scales linearly with the batch size (<see cref="LearningRateFor"/>),
/// as the reference code does; <see cref="NormMomentum"/> is in TensorFlow's convention. Dropout and stochastic depth
/// are the variant's own constants.
/// </summary>
/// <param name="Decay">RMSProp's decay of the mean square (rho).</param>
/// <param name="Epsilon">The optimizer's epsilon.</param>
/// <param name="WarmupEpochs">Epochs of linear warm-up from 0 to the learning rate.</param>
/// <param name="LrDecay">Learning-rate factor applied every <paramref name="DecayEpochs"/> epochs (staircase).</param>
/// <param name="Ema">Decay of the exponential moving average of the weights; 0: none.</param>
/// <param name="NormMomentum">BatchNorm momentum in TensorFlow's convention (the running statistics keep this much; PyTorch's momentum is 1 − it).</param>
public sealed record TrainingRecipe(
    Optimizer Optimizer,
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
    Augmentation Augmentation)
{
    /// <summary>The initial learning rate for <paramref name="batchSize"/> images per step: linear scaling from the reference batch.</summary>
    public double LearningRateFor(int batchSize) =>
        batchSize >= 1 ? LearningRate * batchSize / ReferenceBatchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be ≥ 1");

    /// <summary>PyTorch's BatchNorm momentum for <see cref="NormMomentum"/>: 1 − it.</summary>
    public double TorchNormMomentum => 1 - NormMomentum;
}
