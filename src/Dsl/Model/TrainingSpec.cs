namespace EffNetGen.Dsl.Model;

/// <summary>
/// How a variant is trained: the <c>training</c> section of a family, with a variant's own <c>training { … }</c>
/// overriding single values. Dropout and stochastic depth stay in <c>regularization</c> and the variants.
/// </summary>
/// <param name="LearningRate">The initial learning rate at <paramref name="BatchSize"/>; scaled linearly for other batch sizes.</param>
/// <param name="BatchSize">The global batch size <paramref name="LearningRate"/> is given for.</param>
/// <param name="Decay">RMSProp's decay of the mean square (rho).</param>
/// <param name="Epsilon">The optimizer's epsilon.</param>
/// <param name="WarmupEpochs">Epochs of linear warm-up from 0 to the learning rate.</param>
/// <param name="LrDecay">Learning-rate factor applied every <paramref name="DecayEpochs"/> epochs (staircase).</param>
/// <param name="Ema">Decay of the exponential moving average of the weights; 0: none.</param>
/// <param name="NormMomentum">BatchNorm momentum in TensorFlow's convention (the running statistics keep this much; PyTorch's momentum is 1 − it).</param>
public sealed record TrainingSpec(
    Optimizer Optimizer,
    double LearningRate,
    int BatchSize,
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
    Augmentation Augmentation);
