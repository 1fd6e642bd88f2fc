using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Formats;
using EffNetGen.Runtime.Weights;
using EffNetGen.Tests.Shared;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests.Weights;

public class WeightLoaderTests
{
    /// <summary>A B0 with random weights and non-trivial BatchNorm statistics, written to a checkpoint.</summary>
    private static Dictionary<string, Tensor> Checkpoint(string path, long seed, long numClasses = 1000)
    {
        manual_seed(seed);
        using var model = new EfficientNetB0(numClasses);
        RandomWeights.Apply(model);
        var state = model.state_dict();
        SafetensorsWriter.Write(path, state);
        // Copies: the model's own tensors die with it.
        return state.ToDictionary(s => s.Key, s => s.Value.clone());
    }

    private static bool Equal(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static Dictionary<string, Tensor> Snapshot(nn.Module module) => module.state_dict().ToDictionary(s => s.Key, s => s.Value.clone());

    private static void AssertSame(IReadOnlyDictionary<string, Tensor> expected, nn.Module module, Func<string, bool>? only = null)
    {
        foreach (var (name, tensor) in module.state_dict().Where(s => only?.Invoke(s.Key) ?? true))
        {
            Assert.True(Equal(expected[name], tensor), name);
        }
    }

    [Fact]
    public void A_checkpoint_with_torchvision_names_loads_into_the_generated_B0()
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        manual_seed(2);
        using var model = new EfficientNetB0();

        var report = model.LoadSafetensors(folder.PathOf("b0.safetensors"));

        Assert.Equal(360, report.Loaded.Count);
        Assert.Empty(report.Missing.Concat(report.Unexpected).Concat(report.Skipped));
        AssertSame(weights, model);
    }

    [Fact]
    public void Sharded_checkpoints_load_through_their_index()
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("whole.safetensors"), seed: 1);
        var names = weights.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var (first, second) = (names.Take(100).ToList(), names.Skip(100).ToList());
        SafetensorsWriter.Write(folder.PathOf("model-1.safetensors"), first.Select(n => KeyValuePair.Create(n, weights[n])));
        SafetensorsWriter.Write(folder.PathOf("model-2.safetensors"), second.Select(n => KeyValuePair.Create(n, weights[n])));
        File.WriteAllText(folder.PathOf("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{" +
            string.Join(",", first.Select(n => $"\"{n}\":\"model-1.safetensors\"").Concat(second.Select(n => $"\"{n}\":\"model-2.safetensors\""))) + "}}");
        using var model = new EfficientNetB0();

        model.LoadSafetensors(folder.PathOf("model.safetensors.index.json"));

        AssertSame(weights, model);
    }

    [Fact]
    public void A_tensor_name_cannot_drive_the_terminal_or_forge_lines_in_an_error()
    {
        // Issue 21, M3: names with ANSI escapes and line breaks were echoed raw.
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        const string hostile = "\u001b[31mred\nforged: all tensors loaded\u202e";
        SafetensorsWriter.Write(folder.PathOf("hostile.safetensors"), weights.Append(KeyValuePair.Create(hostile, zeros(1))));
        using var model = new EfficientNetB0();

        var error = Assert.Throws<WeightFormatException>(() => model.LoadSafetensors(folder.PathOf("hostile.safetensors")));

        Assert.Contains("\\u001b[31mred\\u000aforged: all tensors loaded\\u202e", error.Message);
        Assert.DoesNotContain(error.Message, c => c == '\u001b' || c == '\u202e');
        Assert.DoesNotContain(error.Message.Split('\n'), line => line.StartsWith("forged", StringComparison.Ordinal));
    }

    // Issue 21, D8: an index's weight_map pointed anywhere; files outside its folder were opened, and the error leaked
    // their first 8 bytes and size ("header length 3619251681095544690 exceeds the file (631 bytes)").
    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside/model-1.safetensors")]
    [InlineData("sub/model-1.safetensors")]
    [InlineData("..")]
    public void A_sharded_index_cannot_reach_outside_its_folder(string shard)
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(folder.PathOf("index"));
        Directory.CreateDirectory(folder.PathOf("outside"));
        Directory.CreateDirectory(folder.PathOf("index/sub"));
        var weights = Checkpoint(folder.PathOf("outside/model-1.safetensors"), seed: 1);
        File.Copy(folder.PathOf("outside/model-1.safetensors"), folder.PathOf("index/sub/model-1.safetensors"));
        var index = folder.PathOf("index/model.safetensors.index.json");
        File.WriteAllText(index, "{\"weight_map\":{" + string.Join(",", weights.Keys.Select(n => $"\"{n}\":\"{shard}\"")) + "}}");
        using var model = new EfficientNetB0();
        var before = model.state_dict()["features.0.0.weight"].clone();

        var error = Assert.Throws<WeightFormatException>(() => model.LoadSafetensors(index));

        Assert.Contains($"in '{shard}', which is not a file name in the index's folder; refused", error.Message);
        Assert.DoesNotContain("header length", error.Message);
        Assert.True(before.eq(model.state_dict()["features.0.0.weight"]).all().item<bool>(), "the model changed");
    }

    [Fact]
    public void Half_precision_checkpoints_are_converted_to_the_models_dtype()
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("f32.safetensors"), seed: 1);
        SafetensorsWriter.Write(folder.PathOf("f16.safetensors"), weights.Select(w => KeyValuePair.Create(w.Key, w.Value.is_floating_point() ? w.Value.to_type(ScalarType.Float16) : w.Value)));
        using var model = new EfficientNetB0();

        model.LoadSafetensors(folder.PathOf("f16.safetensors"));

        var stem = model.state_dict()["features.0.0.weight"];
        Assert.Equal(ScalarType.Float32, stem.dtype);
        Assert.True(Equal(stem, weights["features.0.0.weight"].to_type(ScalarType.Float16).to_type(ScalarType.Float32)));
    }

    [Fact]
    public void A_checkpoint_of_another_variant_is_refused_with_every_problem_and_the_model_is_untouched()
    {
        using var folder = new TempDirectory();
        Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        using var b1 = new EfficientNetB1();
        var before = Snapshot(b1);

        var error = Assert.Throws<WeightFormatException>(() => b1.LoadSafetensors(folder.PathOf("b0.safetensors")));

        Assert.StartsWith(folder.PathOf("b0.safetensors") + ": the checkpoint does not fit the model; nothing was loaded.", error.Message);
        Assert.Contains("missing from the checkpoint (", error.Message);
        Assert.Contains("  features.1.1.block.0.0.weight", error.Message); // B1 has two blocks in stage 1
        AssertSame(before, b1);
    }

    [Fact]
    public void Missing_unexpected_and_mismatched_tensors_are_listed_with_shapes()
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        weights.Remove("features.0.1.running_mean");
        weights["features.0.0.weight"] = zeros(16, 3, 3, 3);
        weights["extra.weight"] = zeros(1);
        SafetensorsWriter.Write(folder.PathOf("broken.safetensors"), weights);
        using var model = new EfficientNetB0();
        var before = Snapshot(model);

        var error = Assert.Throws<WeightFormatException>(() => model.LoadSafetensors(folder.PathOf("broken.safetensors")));

        Assert.Contains("missing from the checkpoint (1):" + Environment.NewLine + "  features.0.1.running_mean", error.Message);
        Assert.Contains("not in the model (1):" + Environment.NewLine + "  extra.weight", error.Message);
        Assert.Contains("shape or type mismatch (1):" + Environment.NewLine + "  'features.0.0.weight': [16, 3, 3, 3] in the checkpoint, [32, 3, 3, 3] in the model", error.Message);
        AssertSame(before, model);
    }

    [Fact]
    public void Integer_data_for_floating_point_tensors_is_refused_with_both_types_but_a_float_step_counter_loads()
    {
        // Issue 21, M2: converted silently before (U8 0–255 into weights).
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        weights["features.0.1.num_batches_tracked"] = full(new long[0], 7f); // as a whole state_dict converted to floats has it
        SafetensorsWriter.Write(folder.PathOf("counter.safetensors"), weights);
        weights["features.0.0.weight"] = weights["features.0.0.weight"].to(ScalarType.Byte);
        SafetensorsWriter.Write(folder.PathOf("types.safetensors"), weights);
        using var model = new EfficientNetB0();
        var before = Snapshot(model);

        var error = Assert.Throws<WeightFormatException>(() => model.LoadSafetensors(folder.PathOf("types.safetensors")));

        Assert.Contains("shape or type mismatch (1):" + Environment.NewLine
            + "  'features.0.0.weight': U8 [32, 3, 3, 3] in the checkpoint, Float32 in the model (integer and floating-point data do not convert)", error.Message);
        AssertSame(before, model);
        model.LoadSafetensors(folder.PathOf("counter.safetensors"));
        Assert.Equal(7, model.state_dict()["features.0.1.num_batches_tracked"].item<long>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NaN_and_infinite_values_are_refused_unless_allowed(bool allow)
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        weights["features.0.0.weight"][0, 0, 0, 0] = float.NaN;
        weights["features.0.0.weight"][1, 0, 0, 0] = float.PositiveInfinity;
        // Finite in the file, infinite as float32.
        weights["classifier.1.bias"] = weights["classifier.1.bias"].to(ScalarType.Float64);
        weights["classifier.1.bias"][7] = 1e300;
        SafetensorsWriter.Write(folder.PathOf("nan.safetensors"), weights);
        using var model = new EfficientNetB0();
        var before = Snapshot(model);

        void Load() => model.LoadSafetensors(folder.PathOf("nan.safetensors"), new LoadOptions { RequireFinite = !allow });

        if (allow)
        {
            Load();
            Assert.True(model.state_dict()["features.0.0.weight"][0, 0, 0, 0].isnan().item<bool>());
            return;
        }
        var error = Assert.Throws<WeightFormatException>(Load);
        Assert.Contains("nan.safetensors: 2 tensor(s) hold NaN or infinite values in the model's type; nothing was loaded", error.Message);
        Assert.Contains("'classifier.1.bias': 1 of 1000 values", error.Message);
        Assert.Contains("'features.0.0.weight': 2 of 864 values", error.Message);
        AssertSame(before, model);
    }

    [Fact]
    public void Non_strict_loading_loads_what_fits_and_reports_the_rest()
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        weights.Remove("features.0.1.running_mean");
        weights["extra.weight"] = zeros(1);
        SafetensorsWriter.Write(folder.PathOf("partial.safetensors"), weights);
        using var model = new EfficientNetB0();

        var report = model.LoadSafetensors(folder.PathOf("partial.safetensors"), new LoadOptions { Strict = false });

        Assert.Equal(new[] { "features.0.1.running_mean" }, report.Missing);
        Assert.Equal(new[] { "extra.weight" }, report.Unexpected);
        Assert.Equal(359, report.Loaded.Count);
        AssertSame(weights, model, name => name != "features.0.1.running_mean");
    }

    [Fact]
    public void A_1000_class_checkpoint_loads_into_a_10_class_model_only_when_asked_to_skip_the_classifier()
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        using var model = new EfficientNetB0(numClasses: 10);
        var classifier = Snapshot(model);

        var refused = Assert.Throws<WeightFormatException>(() => model.LoadSafetensors(folder.PathOf("b0.safetensors")));
        Assert.Contains("'classifier.1.weight': [1000, 1280] in the checkpoint, [10, 1280] in the model", refused.Message);

        var report = model.LoadSafetensors(folder.PathOf("b0.safetensors"), new LoadOptions { SkipClassifier = true });

        Assert.Equal(new[] { "classifier.1.bias", "classifier.1.weight" }, report.Skipped);
        AssertSame(weights, model, name => !name.StartsWith("classifier."));
        AssertSame(classifier, model, name => name.StartsWith("classifier."));
    }

    [Fact]
    public void A_1000_class_checkpoint_into_a_1000_class_model_keeps_its_classifier()
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        using var model = new EfficientNetB0();

        model.LoadSafetensors(folder.PathOf("b0.safetensors"));

        Assert.True(Equal(weights["classifier.1.weight"], model.state_dict()["classifier.1.weight"]));
    }

    [Fact]
    public void A_key_map_that_merges_two_tensors_is_refused()
    {
        using var folder = new TempDirectory();
        Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        using var model = new EfficientNetB0();

        var error = Assert.Throws<WeightFormatException>(() => model.LoadSafetensors(folder.PathOf("b0.safetensors"), new LoadOptions { KeyMap = _ => "same" }));

        Assert.Contains("both map to 'same'; nothing was loaded.", error.Message);
    }

    [Fact]
    public void Names_can_be_mapped_from_another_convention()
    {
        using var folder = new TempDirectory();
        var weights = Checkpoint(folder.PathOf("b0.safetensors"), seed: 1);
        SafetensorsWriter.Write(folder.PathOf("prefixed.safetensors"), weights.Select(w => KeyValuePair.Create("model." + w.Key, w.Value)));
        using var model = new EfficientNetB0();

        model.LoadSafetensors(folder.PathOf("prefixed.safetensors"), new LoadOptions { KeyMap = name => name["model.".Length..] });

        AssertSame(weights, model);
    }

    [Theory]
    [MemberData(nameof(SafetensorsTests.Defects), MemberType = typeof(SafetensorsTests))]
    public void A_malformed_file_leaves_the_model_untouched(string defect)
    {
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.PathOf("bad.safetensors"), SafetensorsTests.Malformed(defect));
        using var model = new EfficientNetB0();
        var before = Snapshot(model);

        var error = Assert.Throws<WeightFormatException>(() => model.LoadSafetensors(folder.PathOf("bad.safetensors")));

        Assert.StartsWith(folder.PathOf("bad.safetensors") + ": not a valid safetensors file: ", error.Message);
        AssertSame(before, model);
    }
}
