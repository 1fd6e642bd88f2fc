using System.Collections.Generic;
using System.Linq;
using EffNetGen.Runtime.Inference;
using EffNetGen.Runtime.Tests.Training;
using EffNetGen.Tests.Shared;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// Every model the tests generate — each shipped variant and the showcase — computes in float32 what it computes in
/// float64: eval mode and the inference path (channels-last and NCHW), at 1 and 2 threads. This is where a wrong float32
/// kernel of libtorch shows (issue 15: oneDNN's AVX-512 convolutions, 20–40 % off); float64-only comparisons miss it.
/// </summary>
[Collection(SequentialRandomCollection.Name)] // sets libtorch's thread count, which is global to the process
[Trait(TestLanes.Category, TestLanes.Integration)]
public class Float32AccuracyTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Models => EffNetModels.All.Select(info => new object[] { info.Name });

    [Theory]
    [MemberData(nameof(Models))]
    public void Float32_equals_float64_in_eval_and_inference_at_1_and_2_threads(string name)
    {
        manual_seed(15);
        using var model = EffNetModels.Create(name);
        // Calibrated on 64×64 random images and tested on the same kind, so that activations stay O(1) to the end.
        RandomWeights.ApplyCalibrated(model, size: 64);
        model.eval();
        using var scope = NewDisposeScope();
        var input = randn(2, model.InputChannels, 64, 64);
        var results = new List<(string What, Tensor Output)>();
        foreach (var count in new[] { 1, 2 })
        {
            using var threads = ThreadCount.Set(count);
            using (no_grad())
            {
                results.Add(($"eval, {count} thread(s)", model.call(input)));
            }
            foreach (var channelsLast in new[] { true, false })
            {
                using var inference = model.ForInference(channelsLast);
                results.Add(($"ForInference({(channelsLast ? "channels-last" : "NCHW")}), {count} thread(s)", inference.Forward(input)));
            }
        }

        model.to(ScalarType.Float64);
        Tensor expected;
        using (no_grad())
        {
            expected = model.call(input.to(ScalarType.Float64));
        }

        Assert.True((expected[0] - expected[1]).norm().item<double>() > 1e-2 * expected[0].norm().item<double>(), $"{name}: logits do not depend on the input");
        foreach (var (what, actual) in results)
        {
            var relative = RelativeError.Of(actual, expected);
            output.WriteLine($"{name} {what}: relative L2 {relative:E2}");
            Assert.True(relative < 1e-4, $"{name} {what}: float32 differs from float64 by {relative:E2} (relative L2)");
        }
    }
}
