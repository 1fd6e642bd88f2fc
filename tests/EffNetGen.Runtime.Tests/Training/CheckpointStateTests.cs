using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using EffNetGen.Formats;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Runtime.Training;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Training;

/// <summary>
/// A training checkpoint whose random-generator state (issue 21, D2) or optimizer state (M4) does not fit is refused
/// before anything changes — libtorch would abort the process on a state it refuses.
/// </summary>
[Collection(SequentialRandomCollection.Name)]
public class CheckpointStateTests(CheckpointStateTests.Checkpoints saved) : IClassFixture<CheckpointStateTests.Checkpoints>
{
    private static readonly TrainingRecipe Recipe = EfficientNetB0.Training;

    /// <summary>A checkpoint of a B0 after one step (so the optimizer has state) per optimizer, written once.</summary>
    public sealed class Checkpoints : IDisposable
    {
        private readonly TempDirectory _folder = new();

        public Checkpoints()
        {
            RmsProp = _folder.PathOf("rmsprop.safetensors");
            Sgd = _folder.PathOf("sgd.safetensors");
            SaveTrained(RmsProp, Recipe);
            SaveTrained(Sgd, Recipe with { Optimizer = Optimizer.Sgd });
        }

        public string RmsProp { get; }

        public string Sgd { get; }

        public void Dispose() => _folder.Dispose();
    }

    private static GeneratorState Current() => GeneratorState.Read(CurrentBytes());

    private static byte[] CurrentBytes()
    {
        using var state = Generator.Default.get_state();
        return state.data<byte>().ToArray();
    }

    [Fact]
    public void Generator_states_are_read_as_libtorch_lays_them_out()
    {
        manual_seed(5);
        Assert.Equal(new GeneratorState(5, Left: 1, Seeded: 1, Next: 0), Current());

        using (rand(10))
        {
        }

        // The first draw refills the twister's 624 words; each float32 takes one word.
        Assert.Equal(new GeneratorState(5, Left: 615, Seeded: 1, Next: 10), Current());
        Assert.Null(Current().Problem);
    }

    public static TheoryData<string, string> RefusedGeneratorStates => new()
    {
        { "zeroed", "is not one libtorch accepts: its Mersenne Twister is marked unseeded" },
        { "left 0", "'left' is 0, outside 1–624" },
        { "left 625", "'left' is 625, outside 1–624" },
        { "left -1", "'left' is -1, outside 1–624" },
        { "next 625", "'next' is 625, above 624" },
        { "left 624 next 624", "would read word 1246, past its 624 ('left' 624 + 'next' 624 > 625)" },
        { "left 2 next 624", "would read word 624, past its 624" },
        { "F32", "the random-generator state 'rng' is missing or not U8 [5056]" },
        { "I64", "the random-generator state 'rng' is missing or not U8 [5056]" },
        { "one byte short", "the random-generator state 'rng' is missing or not U8 [5056]" },
        { "missing", "the random-generator state 'rng' is missing or not U8 [5056]" },
    };

    [Theory]
    [MemberData(nameof(RefusedGeneratorStates))]
    public void A_generator_state_libtorch_would_refuse_is_refused_and_changes_nothing(string damage, string message)
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("rng.safetensors");
        File.Copy(saved.RmsProp, checkpoint);
        RewriteGeneratorState(checkpoint, damage);

        AssertRefusedChangingNothing(checkpoint, Recipe, message);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 624)]
    [InlineData(624, 1)]
    public void Generator_states_at_libtorch_limits_are_restored(int left, int next)
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("rng.safetensors");
        File.Copy(saved.RmsProp, checkpoint);
        RewriteGeneratorState(checkpoint, $"left {left} next {next}");
        using var model = new EfficientNetB0(numClasses: 4);
        using var trainer = Train(model, Recipe);

        trainer.LoadCheckpoint(checkpoint);

        Assert.Equal((left, 1, (uint)next), (Current().Left, Current().Seeded, Current().Next));
    }

    [Fact]
    public void An_sgd_checkpoint_is_refused_by_an_rmsprop_trainer_and_changes_nothing()
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("sgd.safetensors");
        File.Copy(saved.Sgd, checkpoint);

        AssertRefusedChangingNothing(checkpoint, Recipe, "the checkpoint's optimizer is sgd, the recipe's is rmsprop_tf.");
    }

    [Fact]
    public void Sgd_state_without_the_optimizers_name_is_refused_by_an_rmsprop_trainer()
    {
        // Checkpoints written before the name was recorded: the state itself shows the optimizer.
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("sgd.safetensors");
        File.Copy(saved.Sgd, checkpoint);
        Rewrite(checkpoint, metadata: m => m.Remove("optimizer"));

        AssertRefusedChangingNothing(checkpoint, Recipe, "is momentum; rmsprop_tf keeps mean_square and momentum per parameter.");
    }

    [Fact]
    public void Rmsprop_state_is_refused_by_an_sgd_trainer()
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("rmsprop.safetensors");
        File.Copy(saved.RmsProp, checkpoint);
        Rewrite(checkpoint, metadata: m => m.Remove("optimizer"));

        AssertRefusedChangingNothing(checkpoint, Recipe with { Optimizer = Optimizer.Sgd },
            "is mean_square and momentum; sgd keeps momentum per parameter.");
    }

    [Fact]
    public void Optimizer_state_of_another_type_than_its_parameter_is_refused()
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("f64.safetensors");
        File.Copy(saved.RmsProp, checkpoint);
        Rewrite(checkpoint, tensors: t => t["optimizer.features.0.0.weight.momentum"] = t["optimizer.features.0.0.weight.momentum"].to(float64));

        AssertRefusedChangingNothing(checkpoint, Recipe, "optimizer state 'optimizer.features.0.0.weight.momentum' F64 [32, 3, 3, 3] fits no parameter of the model.");
    }

    [Fact]
    public void A_weight_average_of_another_shape_is_refused_and_changes_nothing()
    {
        // Trailing ones passed the old check, then copy_ failed after the model was loaded.
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("ema.safetensors");
        File.Copy(saved.RmsProp, checkpoint);
        Rewrite(checkpoint, tensors: t => t["ema.features.0.1.bias"] = t["ema.features.0.1.bias"].reshape(32, 1));

        AssertRefusedChangingNothing(checkpoint, Recipe, "'features.0.1.bias': F32 [32, 1] in the checkpoint, F32 [32] in the weight average");
    }

    [Theory]
    [InlineData("ema.features.0.0.weight")]
    [InlineData("optimizer.features.0.0.weight.momentum")]
    public void A_weight_average_or_optimizer_state_with_NaN_is_refused_and_changes_nothing(string name)
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("nan.safetensors");
        File.Copy(saved.RmsProp, checkpoint);
        Rewrite(checkpoint, tensors: t => t[name][0, 0, 0, 0] = float.NaN);

        AssertRefusedChangingNothing(checkpoint, Recipe, $"1 tensor(s) hold NaN or infinite values in the model's type; nothing was loaded:{Environment.NewLine}  '{name}': 1 of 864 values");
    }

    [Theory]
    [InlineData("step", "9223372036854775807")]
    [InlineData("ema_updates", "9007199254740993")]
    public void A_step_count_no_training_reaches_is_refused(string field, string value)
    {
        using var folder = new TempDirectory();
        var checkpoint = folder.PathOf("steps.safetensors");
        File.Copy(saved.RmsProp, checkpoint);
        Rewrite(checkpoint, metadata: m => m[field] = value);

        AssertRefusedChangingNothing(checkpoint, Recipe, "is above 2^53 = 9007199254740992; no training gets there.");
    }

    private static Trainer Train(EfficientNetModule model, TrainingRecipe recipe) =>
        new(model, recipe, new TrainerOptions(BatchSize: 4, StepsPerEpoch: 1, Epochs: 1));

    private static void SaveTrained(string path, TrainingRecipe recipe)
    {
        manual_seed(1);
        using var model = new EfficientNetB0(numClasses: 4);
        using var trainer = Train(model, recipe with { WarmupEpochs = 0 });
        using var images = randn(4, 3, 32, 32);
        using var labels = tensor(new long[] { 0, 1, 2, 3 });
        trainer.TrainStep(images, labels);
        trainer.SaveCheckpoint(path);
    }

    private static void RewriteGeneratorState(string path, string damage)
    {
        Rewrite(path, tensors: t =>
        {
            var state = t["rng"].data<byte>().ToArray();
            var words = damage.Split(' ');
            switch (words[0])
            {
                case "zeroed": Array.Clear(state); break;
                case "F32": t["rng"] = tensor(state.Select(b => (float)b).ToArray()); return;
                case "I64": t["rng"] = tensor(state.Select(b => (long)b).ToArray()); return;
                case "one": t["rng"] = tensor(state[..^1]); return;
                case "missing": t.Remove("rng"); return;
                default:
                    for (var i = 0; i < words.Length; i += 2)
                    {
                        var value = int.Parse(words[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                        if (words[i] == "left")
                        {
                            MemoryMarshal.Write(state.AsSpan(8), in value);
                        }
                        else
                        {
                            var next = (ulong)value;
                            MemoryMarshal.Write(state.AsSpan(16), in next);
                        }
                    }
                    break;
            }
            t["rng"] = tensor(state);
        });
    }

    /// <summary>Reads every tensor and the metadata of <paramref name="path"/>, changes them and writes them back.</summary>
    private static void Rewrite(string path, Action<Dictionary<string, Tensor>>? tensors = null, Action<Dictionary<string, string>>? metadata = null)
    {
        var file = SafetensorsFile.Open(path);
        var read = file.Entries.Keys.ToDictionary(n => n, file.ReadTensor, StringComparer.Ordinal);
        var meta = file.Metadata.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        tensors?.Invoke(read);
        metadata?.Invoke(meta);
        SafetensorsWriter.Write(path, read, meta);
    }

    private static void AssertRefusedChangingNothing(string checkpoint, TrainingRecipe recipe, string message)
    {
        manual_seed(2); // not the checkpoint's weights
        using var model = new EfficientNetB0(numClasses: 4);
        using var trainer = Train(model, recipe);
        var weights = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var average = trainer.Ema!.Average.ToDictionary(p => p.Key, p => p.Value.clone());
        var generator = CurrentBytes();

        var error = Assert.Throws<WeightFormatException>(() => trainer.LoadCheckpoint(checkpoint));

        Assert.Contains(checkpoint, error.Message);
        Assert.Contains(message, error.Message);
        Assert.Equal(0, trainer.Step);
        Assert.All(model.state_dict(), p => Assert.True(p.Value.eq(weights[p.Key]).all().item<bool>(), p.Key));
        Assert.All(trainer.Ema.Average, p => Assert.True(p.Value.eq(average[p.Key]).all().item<bool>(), "ema " + p.Key));
        Assert.Empty(trainer.Optimizer.State);
        Assert.Equal(generator, CurrentBytes());
    }
}
