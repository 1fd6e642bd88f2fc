using System.Linq;
using EffNetGen.Formats;
using EffNetGen.Runtime.Training;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Training;

/// <summary>Training checkpoints resume exactly, and a wrong one changes nothing.</summary>
[Collection(SequentialRandomCollection.Name)]
public class CheckpointTests
{
    private static readonly TrainingRecipe Recipe = EfficientNetB0.Training with { WarmupEpochs = 1 };

    private static System.Collections.Generic.IEnumerable<(Tensor, Tensor)> Epoch(int epoch) => TextureDataset.Batches(300 + epoch, 2, 8);

    private static Trainer Train(EfficientNetModule model, int epochs) =>
        new(model, Recipe, new TrainerOptions(BatchSize: 8, StepsPerEpoch: 2, Epochs: epochs));

    [Fact]
    public void Stopping_saving_and_resuming_in_a_new_process_state_gives_the_same_weights_as_training_through()
    {
        manual_seed(5);
        using var through = new EfficientNetLite0();
        using var throughTrainer = Train(through, epochs: 2);
        throughTrainer.Fit(Epoch);

        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("step2.safetensors");
        manual_seed(5);
        using (var first = new EfficientNetLite0())
        using (var firstTrainer = Train(first, epochs: 1))
        {
            firstTrainer.Fit(Epoch);
            firstTrainer.SaveCheckpoint(checkpoint);
        }
        manual_seed(999); // a different initialisation and random stream: all of it must come from the checkpoint
        using var resumed = new EfficientNetLite0();
        using var resumedTrainer = Train(resumed, epochs: 2);
        resumedTrainer.LoadCheckpoint(checkpoint);
        Assert.Equal(2, resumedTrainer.Step);
        resumedTrainer.Fit(Epoch);

        Assert.Equal(4, resumedTrainer.Step);
        Assert.All(through.state_dict(), p => Assert.True(p.Value.eq(resumed.state_dict()[p.Key]).all().item<bool>(), p.Key));
        Assert.All(throughTrainer.Ema!.Average, p => Assert.True(p.Value.eq(resumedTrainer.Ema!.Average[p.Key]).all().item<bool>(), "ema " + p.Key));
        Assert.Equal(throughTrainer.Optimizer.State.Keys.Order(), resumedTrainer.Optimizer.State.Keys.Order());
        Assert.All(throughTrainer.Optimizer.State, p => Assert.True(p.Value.eq(resumedTrainer.Optimizer.State[p.Key]).all().item<bool>(), "optimizer " + p.Key));
    }

    [Fact]
    public void A_checkpoint_of_another_variant_is_refused_and_changes_nothing()
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("b0.safetensors");
        using (var b0 = new EfficientNetB0(numClasses: 4))
        using (var trainer = Train(b0, epochs: 1))
        {
            trainer.SaveCheckpoint(checkpoint);
        }
        using var lite = new EfficientNetLite0(numClasses: 4);
        using var liteTrainer = Train(lite, epochs: 1);
        var before = lite.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        var error = Assert.Throws<WeightFormatException>(() => liteTrainer.LoadCheckpoint(checkpoint));

        Assert.Contains(checkpoint, error.Message);
        Assert.Equal(0, liteTrainer.Step);
        Assert.All(lite.state_dict(), p => Assert.True(p.Value.eq(before[p.Key]).all().item<bool>(), p.Key));
    }
}
