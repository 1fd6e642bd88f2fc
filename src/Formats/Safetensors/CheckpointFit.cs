using System.Linq;

namespace EffNetGen.Formats.Safetensors;

/// <summary>
/// A checkpoint read for a plan: its tensors renamed from timm's when timm saved it, and the plan given the checkpoint's
/// input channels and classes (a fine-tuned classifier, a grey-scale stem). Shared by <c>effnet export-onnx</c> and the
/// ONNX Runtime engine, so a checkpoint that exports also serves.
/// </summary>
public static class CheckpointFit
{
    /// <summary>The checkpoint at <paramref name="path"/> and <paramref name="plan"/> adapted to it.</summary>
    /// <exception cref="WeightFormatException">A malformed checkpoint, or a stem or classifier dimension out of range.</exception>
    public static (NetworkPlan Plan, CheckpointWeights Weights) Open(NetworkPlan plan, string path)
    {
        var weights = new CheckpointWeights(path);
        if (TimmNameMap.SavedByTimm(weights.Names))
        {
            weights = new CheckpointWeights(path, new TimmNameMap(plan).FromTimm);
        }
        var (stemWeight, classifierWeight) = (plan.Stem.Layers[0].Tensors().First().Name, plan.ClassifierPath + ".weight");
        if (weights.ShapeOf(stemWeight) is { Length: 4 } stem)
        {
            plan = plan.WithInputChannels(Dimension(weights, stemWeight, stem, axis: 1));
        }
        if (weights.ShapeOf(classifierWeight) is { Length: 2 } classifier)
        {
            plan = plan.WithClasses(Dimension(weights, classifierWeight, classifier, axis: 0));
        }
        return (plan, weights);
    }

    /// <summary>A dimension of a checkpoint tensor that sets a width of the plan: 1 to 2^31 − 1, or a format error naming the tensor.</summary>
    private static int Dimension(WeightSource source, string name, long[] shape, int axis) =>
        shape[axis] is >= 1 and <= int.MaxValue
            ? (int)shape[axis]
            : throw new WeightFormatException($"{source.Origin}: '{name}' has shape {Shapes.Format(shape)}; its dimension {axis} must be between 1 and {int.MaxValue}. Nothing was written.");
}
