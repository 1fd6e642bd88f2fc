using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Formats;

/// <summary>The activations an exported layer can end with (the runtime's and the DSL's, by the same names).</summary>
public enum LayerActivation
{
    /// <summary>Identity (a block's linear projection).</summary>
    None,

    /// <summary>x·sigmoid(x).</summary>
    SiLU,

    /// <summary>max(0, x).</summary>
    ReLU,

    /// <summary>min(max(0, x), 6).</summary>
    ReLU6,

    /// <summary>x·relu6(x + 3)/6.</summary>
    HardSwish,

    /// <summary>Exact (erf) GELU.</summary>
    GELU,
}

/// <summary>Where TensorFlow's 'same' padding differs from PyTorch's symmetric (k − 1) / 2.</summary>
public static class SamePadding
{
    /// <summary>
    /// Whether a convolution of <paramref name="kernel"/> and <paramref name="stride"/> pads differently under 'same':
    /// only strided or even-kernel ones do (the runtime builds those as <c>Conv2dSame</c>).
    /// </summary>
    public static bool Differs(long kernel, long stride) => stride != 1 || kernel % 2 == 0;
}

/// <summary>
/// A layer of the feature extractor at its state_dict path. Its tensors are named as the runtime's modules name
/// them (torchvision's names), so a plan reads the checkpoints the runtime writes.
/// </summary>
public abstract record PlanLayer(string Path)
{
    /// <summary>Every tensor of the layer (parameters and BatchNorm statistics), with its shape.</summary>
    public abstract IEnumerable<(string Name, long[] Shape)> Tensors();
}

/// <summary>
/// Convolution without bias, BatchNorm and activation: <c>{Path}.0.weight</c> [out, in / groups, k, k] and
/// <c>{Path}.1.{weight, bias, running_mean, running_var}</c> [out]. <paramref name="SamePadding"/>: TensorFlow
/// 'same' padding (the extra row and column at the end) instead of symmetric (k − 1) / 2.
/// </summary>
public sealed record ConvLayer(
    string Path, int InputChannels, int OutputChannels, int Kernel, int Stride, int Groups, bool SamePadding, double NormEps, LayerActivation Activation)
    : PlanLayer(Path)
{
    /// <inheritdoc />
    public override IEnumerable<(string Name, long[] Shape)> Tensors()
    {
        yield return ($"{Path}.0.weight", new long[] { OutputChannels, InputChannels / Groups, Kernel, Kernel });
        foreach (var statistic in new[] { "weight", "bias", "running_mean", "running_var" })
        {
            yield return ($"{Path}.1.{statistic}", new long[] { OutputChannels });
        }
    }
}

/// <summary>
/// Squeeze-excitation: global average pool, <c>{Path}.fc1</c> (1×1 conv with bias, to <paramref name="SqueezeChannels"/>),
/// the activation, <c>{Path}.fc2</c> (back to <paramref name="Channels"/>), sigmoid, and the product with the input.
/// </summary>
public sealed record SqueezeLayer(string Path, int Channels, int SqueezeChannels, LayerActivation Activation) : PlanLayer(Path)
{
    /// <inheritdoc />
    public override IEnumerable<(string Name, long[] Shape)> Tensors()
    {
        yield return ($"{Path}.fc1.weight", new long[] { SqueezeChannels, Channels, 1, 1 });
        yield return ($"{Path}.fc1.bias", new long[] { SqueezeChannels });
        yield return ($"{Path}.fc2.weight", new long[] { Channels, SqueezeChannels, 1, 1 });
        yield return ($"{Path}.fc2.bias", new long[] { Channels });
    }
}

/// <summary>
/// A step of the feature extractor: the stem or head alone, or a block's layers, which add the block's input when
/// <paramref name="Residual"/>. <paramref name="FeatureLevel"/>: the unit's output is a multi-scale feature map (the
/// last unit at a stride; the runtime's <c>Features</c>).
/// </summary>
public sealed record PlanUnit(string Path, IReadOnlyList<PlanLayer> Layers, bool Residual, bool FeatureLevel);

/// <summary>
/// What an exported graph computes, without its numbers: the feature extractor's units in execution order, global
/// average pooling and the linear classifier <c>classifier.1.{weight, bias}</c>. Built from a model by the runtime and
/// from a resolved spec by the effnet tool; both describe the same modules (a test compares them for every variant).
/// </summary>
public sealed record NetworkPlan(string Name, int InputChannels, IReadOnlyList<PlanUnit> Units, int FeatureChannels, int Classes)
{
    /// <summary>Every tensor the plan needs, in execution order, with its shape.</summary>
    public IEnumerable<(string Name, long[] Shape)> Tensors() =>
        Units.SelectMany(u => u.Layers).SelectMany(l => l.Tensors())
            .Append(("classifier.1.weight", new long[] { Classes, FeatureChannels }))
            .Append(("classifier.1.bias", new long[] { Classes }));

    /// <summary>Learnable parameters, as <c>parameters()</c> sums them (BatchNorm running statistics are buffers).</summary>
    public long ParameterCount => Tensors().Where(t => !t.Name.Contains(".running_")).Sum(t => t.Shape.Aggregate(1L, (product, d) => product * d));
}
