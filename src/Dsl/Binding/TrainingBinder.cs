namespace EffNetGen.Dsl.Binding;

/// <summary>Binds a <c>training { … }</c> section: the family's over the paper's recipe, a variant's over its family's.</summary>
internal static class TrainingBinder
{
    /// <summary>
    /// The EfficientNet paper's ImageNet recipe (Tan and Le, 2019, section 5.2; the TF model cards): RMSProp with decay
    /// and momentum 0.9, BatchNorm momentum 0.99, weight decay 1e-5, learning rate 0.256 at batch 2048 decayed by 0.97
    /// every 2.4 epochs, 350 epochs, label smoothing 0.1, AutoAugment. From the reference code (tensorflow/tpu
    /// efficientnet): RMSProp epsilon 0.001, 5 warm-up epochs, weight EMA 0.9999.
    /// </summary>
    public static readonly TrainingRecipe Paper = new(
        Optimizer.RmsPropTF, LearningRate: 0.256, ReferenceBatchSize: 2048, Decay: 0.9, Momentum: 0.9, Epsilon: 0.001, WeightDecay: 1e-5,
        WarmupEpochs: 5, LrDecay: 0.97, DecayEpochs: 2.4, Epochs: 350, LabelSmoothing: 0.1, Ema: 0.9999, NormMomentum: 0.99,
        Augmentation.AutoAugment);

    /// <summary>The options <paramref name="r"/> gives, each missing one from <paramref name="defaults"/>.</summary>
    public static TrainingRecipe Bind(OptionReader r, TrainingRecipe defaults) => new(
        r.Choice("optimizer", defaults.Optimizer, OptionTables.Optimizers),
        r.Number("lr", defaults.LearningRate, v => v > 0 && v <= 100, "must be in (0, 100]"),
        r.Integer("batch", defaults.ReferenceBatchSize, Rules.IsPositive, Rules.PositiveRequirement),
        r.Number("decay", defaults.Decay, Rules.IsRate, Rules.RateRequirement),
        r.Number("momentum", defaults.Momentum, Rules.IsRate, Rules.RateRequirement),
        r.Number("eps", defaults.Epsilon, v => v > 0 && v < 1, "must be in (0, 1)"),
        r.Number("weight_decay", defaults.WeightDecay, Rules.IsRate, Rules.RateRequirement),
        r.Number("warmup", defaults.WarmupEpochs, v => v >= 0 && v <= 10_000, "must be in [0, 10000]"),
        r.Number("lr_decay", defaults.LrDecay, v => v > 0 && v <= 1, "must be in (0, 1]"),
        r.Number("decay_epochs", defaults.DecayEpochs, v => v > 0 && v <= 10_000, "must be in (0, 10000]"),
        r.Integer("epochs", defaults.Epochs, Rules.IsPositive, Rules.PositiveRequirement),
        r.Number("label_smoothing", defaults.LabelSmoothing, Rules.IsRate, Rules.RateRequirement),
        r.Number("ema", defaults.Ema, Rules.IsRate, Rules.RateRequirement),
        r.Number("bn_momentum", defaults.NormMomentum, Rules.IsRate, Rules.RateRequirement),
        r.Choice("augment", defaults.Augmentation, OptionTables.Augmentations));
}
