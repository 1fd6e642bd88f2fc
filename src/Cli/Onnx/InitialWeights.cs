using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Formats;

namespace EffNetGen.Cli.Onnx;

/// <summary>
/// Untrained weights for a plan, initialised as torchvision initialises EfficientNet (kaiming-normal fan-out
/// convolutions, unit BatchNorm, uniform ±1/√classes classifier, zero biases), from a seed: for testing a deployment
/// pipeline before a checkpoint exists. The same seed gives the same numbers.
/// </summary>
internal sealed class InitialWeights(NetworkPlan plan, int seed) : WeightSource
{
    private readonly IReadOnlyList<(string Name, long[] Shape)> _tensors = plan.Tensors().Select(t => (t.Name, t.Shape.ToArray())).ToList();
    private readonly Dictionary<string, int> _index = plan.Tensors().Select((t, i) => (t.Name, i)).ToDictionary(t => t.Name, t => t.i, StringComparer.Ordinal);

    public override string Origin => $"initial weights (seed {seed})";

    public override IEnumerable<string> Names => _tensors.Select(t => t.Name);

    public override long[]? ShapeOf(string name) => _index.TryGetValue(name, out var i) ? _tensors[i].Shape : null;

    public override float[] Read(string name)
    {
        var index = _index[name];
        var shape = _tensors[index].Shape;
        var values = new float[shape.Aggregate(1L, (product, d) => product * d)];
        // One generator per tensor, so a tensor's values do not depend on which tensors were read before it.
        var random = new Random(unchecked((seed * 1_000_003) + index)); // not HashCode: it is randomised per process
        switch (shape.Length)
        {
            case 4: // convolution [out, in / groups, k, k]: normal, std √(2 / fan_out), fan_out = out · k · k
                var std = Math.Sqrt(2.0 / (shape[0] * shape[2] * shape[3]));
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)(std * Normal(random));
                }
                break;
            case 2: // classifier [classes, features]
                var range = 1.0 / Math.Sqrt(shape[0]);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)(((random.NextDouble() * 2) - 1) * range);
                }
                break;
            default: // BatchNorm scale and running variance 1; biases and running means 0
                Array.Fill(values, name.EndsWith(".running_var", StringComparison.Ordinal) || name.EndsWith(".1.weight", StringComparison.Ordinal) ? 1f : 0f);
                break;
        }
        return values;
    }

    /// <summary>A standard normal sample (Box–Muller).</summary>
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
