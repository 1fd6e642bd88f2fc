using System.Linq;
using EffNetGen.Runtime.Training;
using EffNetGen.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Training;

/// <summary>
/// Training that really learns: a generated variant trained from scratch on procedural textures reaches 90% on
/// held-out images (chance: 25%), and its frozen backbone takes a new head for a new task.
/// </summary>
[Collection(TrainedTextureModelCollection.Name)]
[Trait(TestLanes.Category, TestLanes.Integration)]
public class LearningTests(TrainedTextureModel trained, ITestOutputHelper output)
{
    [Fact]
    public void Lite0_trained_with_the_recipe_reaches_90_percent_on_held_out_textures()
    {
        output.WriteLine($"{TrainedTextureModel.Epochs * TrainedTextureModel.StepsPerEpoch} steps in {trained.TrainingTime.TotalSeconds:F0} s: " +
            $"held-out accuracy {trained.Accuracy:P1}, with the weight average {trained.EmaAccuracy:P1}");

        Assert.True(trained.Accuracy >= 0.9, $"held-out accuracy {trained.Accuracy:P1}");
        Assert.True(trained.EmaAccuracy >= 0.9, $"held-out accuracy of the EMA weights {trained.EmaAccuracy:P1}");
    }

    /// <summary>
    /// Transfer learning as users do it: a new two-class task (axis-aligned stripes or not), the classifier reset, the
    /// backbone and its BatchNorm statistics frozen; only the head trains, and the backbone does not change by a bit.
    /// </summary>
    [Fact]
    public void Fine_tuning_only_a_new_head_on_the_frozen_backbone_learns_a_new_task()
    {
        static int AxisAligned(int texture) => texture <= 1 ? 1 : 0;
        // The new head's initialisation and dropout draw from libtorch's global generator: seeded, so the result does not
        // depend on which tests ran before. 30 steps were not enough: 75–90 % held out for seeds 30–34 (it passed or
        // failed with the test order); 60 steps reach 100 % for each of them.
        manual_seed(30);
        using var model = new EfficientNetLite0(new ModelOptions { NumClasses = 4 });
        using (no_grad())
        {
            foreach (var (name, tensor) in model.state_dict())
            {
                tensor.copy_(trained.Model.state_dict()[name]);
            }
        }
        model.ResetClassifier(2);
        model.FreezeBackbone();
        model.FreezeBatchNorm = true;
        var backbone = model.state_dict().Where(p => !p.Key.StartsWith("classifier.", System.StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value.clone());
        var before = Trainer.Accuracy(model, TrainedTextureModel.HeldOut(AxisAligned));
        var recipe = trained.Recipe with { WarmupEpochs = 0, Ema = 0, LearningRate = trained.Recipe.LearningRate * 4 };
        using var trainer = new Trainer(model, recipe, new TrainerOptions(32, StepsPerEpoch: 60, Epochs: 1) { ApplyNormMomentum = false });

        trainer.Fit(_ => TextureDataset.Batches(200, 60, 32, AxisAligned));
        var after = trainer.Evaluate(TrainedTextureModel.HeldOut(AxisAligned));

        output.WriteLine($"new task: {before:P1} before, {after:P1} after 60 steps of the head");
        Assert.True(after >= 0.9, $"held-out accuracy {after:P1}");
        Assert.All(backbone, p => Assert.True(p.Value.eq(model.state_dict()[p.Key]).all().item<bool>(), $"{p.Key} changed"));
    }
}
