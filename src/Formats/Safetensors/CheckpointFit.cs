using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Formats.Torch;

namespace EffNetGen.Formats.Safetensors;

/// <summary>
/// A checkpoint read for a plan: a safetensors file (or sharded index) or a PyTorch <c>.pth</c> state_dict (read
/// without executing its pickle), its tensors renamed from timm's when timm saved it, and the plan given the
/// checkpoint's input channels and classes (a fine-tuned classifier, a grey-scale stem). Shared by
/// <c>effnet export-onnx</c> and the ONNX Runtime engine, so a checkpoint that exports also serves.
/// </summary>
public static class CheckpointFit
{
    /// <summary>The checkpoint at <paramref name="path"/> and <paramref name="plan"/> adapted to it.</summary>
    /// <returns>The plan, the tensors under EffNetGen's names, and the checkpoint's metadata strings (safetensors' <c>__metadata__</c>; none for .pth).</returns>
    /// <exception cref="WeightFormatException">A malformed checkpoint, or a stem or classifier dimension out of range.</exception>
    public static (NetworkPlan Plan, WeightSource Weights, IReadOnlyDictionary<string, string> Metadata) Open(NetworkPlan plan, string path)
    {
        WeightFiles.CheckRegular(path); // before its first bytes are read: a pipe would lose them
        var (weights, metadata) = IsPyTorchZip(path)
            ? ((WeightSource)new PthWeights(path), (IReadOnlyDictionary<string, string>)new Dictionary<string, string>())
            : Safetensors(path);
        if (TimmNameMap.SavedByTimm(weights.Names))
        {
            weights = new RenamedWeights(weights, new TimmNameMap(plan).FromTimm);
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
        return (plan, weights, metadata);
    }

    private static (WeightSource, IReadOnlyDictionary<string, string>) Safetensors(string path)
    {
        var file = new CheckpointWeights(path);
        return (file, file.Metadata);
    }

    /// <summary>Whether the file starts as a zip archive does ("PK\x03\x04"): torch.save's format, never safetensors'.</summary>
    private static bool IsPyTorchZip(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        try
        {
            using var file = File.OpenRead(path);
            return file.Read(magic) == 4 && magic.SequenceEqual("PK\u0003\u0004"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // the reader that follows reports it
        }
    }

    /// <summary>A dimension of a checkpoint tensor that sets a width of the plan: 1 to 2^31 − 1, or a format error naming the tensor.</summary>
    private static int Dimension(WeightSource source, string name, long[] shape, int axis) =>
        shape[axis] is >= 1 and <= int.MaxValue
            ? (int)shape[axis]
            : throw new WeightFormatException($"{source.Origin}: '{name}' has shape {Shapes.Format(shape)}; its dimension {axis} must be between 1 and {int.MaxValue}. Nothing was written.");
}
