using System;

namespace EffNetGen.Runtime.Training;

/// <summary>
/// The reference code's schedule, by step: lr = base · decay^⌊step / decay steps⌋ (staircase exponential decay
/// counted from step 0), except during the warm-up, where it rises linearly from 0: base · step / warm-up steps.
/// base is the recipe's rate scaled to the batch size.
/// </summary>
public sealed record LearningRateSchedule(double BaseRate, double Decay, double DecaySteps, double WarmupSteps)
{
    /// <summary>The schedule of <paramref name="recipe"/> for <paramref name="batchSize"/> images per step and <paramref name="stepsPerEpoch"/>.</summary>
    public static LearningRateSchedule For(TrainingRecipe recipe, int batchSize, int stepsPerEpoch) =>
        new(recipe.LearningRateFor(batchSize), recipe.LrDecay, recipe.DecayEpochs * stepsPerEpoch, recipe.WarmupEpochs * stepsPerEpoch);

    /// <summary>The learning rate of step <paramref name="step"/> (0-based).</summary>
    public double At(long step) => step < WarmupSteps
        ? BaseRate * step / WarmupSteps
        : BaseRate * Math.Pow(Decay, Math.Floor(step / DecaySteps));
}
