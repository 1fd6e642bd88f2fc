namespace EffNetGen.Runtime.Tests.Training;

/// <summary>The generated <c>Training</c> constants against the seed model card and the paper, typed in from them.</summary>
public class RecipeTests
{
    [Fact]
    public void TF_B0s_recipe_is_the_seed_cards()
    {
        // tf_efficientnet_b0: LR 0.256, Epochs 350, Momentum 0.9, Batch Size 2048, Weight Decay 0.00001,
        // RMSProp Decay 0.9, Label Smoothing 0.1, BatchNorm Momentum 0.99; the paper: AutoAugment, decay 0.97 every 2.4 epochs.
        var r = TfEfficientNetB0.Training;
        Assert.Equal((Optimizer.RmsPropTF, 0.256, 2048, 350, 0.9, 1e-5, 0.9, 0.1, 0.99, Augmentation.AutoAugment, 0.97, 2.4),
            (r.Optimizer, r.LearningRate, r.ReferenceBatchSize, r.Epochs, r.Momentum, r.WeightDecay, r.Decay, r.LabelSmoothing, r.NormMomentum, r.Augmentation, r.LrDecay, r.DecayEpochs));
        Assert.Equal(0.01, r.TorchNormMomentum, 12);
    }

    [Fact]
    public void Dropout_grows_from_B0_to_B7_and_survival_is_the_papers()
    {
        // The paper: dropout 0.2 for B0 rising to 0.5 for B7, stochastic depth with survival probability 0.8.
        Assert.Equal((0.2, 0.8), (EfficientNetB0.Dropout, 1 - EfficientNetB0.StochasticDepthRate));
        Assert.Equal((0.5, 0.8), (EfficientNetB7.Dropout, 1 - EfficientNetB7.StochasticDepthRate));
        Assert.Equal(0.128, TfEfficientNetL2.Training.LearningRate); // the card's tf_efficientnet_l2_ns_475
    }

    [Fact]
    public void The_registry_carries_each_variants_recipe_and_preprocessing()
    {
        Assert.Same(EfficientNetB3.Training, EffNetModels.Find("efficientnet_b3")!.Training);
        Assert.Same(TfEfficientNetB0.PreprocessSettings, EffNetModels.Find("tf_efficientnet_b0")!.Preprocess);
        Assert.Null(EffNetModels.Find("efficientnet_lite0")!.Training); // its spec gives no recipe
    }

    [Fact]
    public void The_learning_rate_scales_linearly_with_the_batch_size()
    {
        Assert.Equal(0.256, EfficientNetB0.Training.LearningRateFor(2048), 12);
        Assert.Equal(0.032, EfficientNetB0.Training.LearningRateFor(256), 12);
        Assert.Equal(0.004, EfficientNetB0.Training.LearningRateFor(32), 12);
        Assert.Throws<System.ArgumentOutOfRangeException>(() => EfficientNetB0.Training.LearningRateFor(0));
    }
}
