using System.Linq;

namespace EffNetGen.Dsl.Resolution;

/// <summary>
/// Analytic parameter and multiply-accumulate counts of the module structure the runtime builds
/// (torchvision's): convolutions without bias before BatchNorm (weight + bias per channel), SE
/// convolutions with bias, a linear classifier. BatchNorm running statistics are buffers, not parameters.
/// MACs count convolutions and the classifier at the variant's resolution.
/// </summary>
public static class CostModel
{
    /// <summary>Learnable parameters, as <c>parameters()</c> sums them.</summary>
    public static long Parameters(ResolvedConv stem, EquatableArray<ResolvedStage> stages, ResolvedConv? head, int features, int classes) =>
        Parameters(stem) + stages.Sum(Parameters) + (head is null ? 0 : Parameters(head)) + ClassifierParameters(features, classes);

    /// <summary>Multiply-accumulates of one forward pass of a single image.</summary>
    public static long Macs(ResolvedConv stem, EquatableArray<ResolvedStage> stages, ResolvedConv? head, int features, int classes) =>
        Macs(stem) + stages.Sum(Macs) + (head is null ? 0 : Macs(head)) + ((long)features * classes);

    /// <summary>Parameters of a conv-BatchNorm layer (stem or head).</summary>
    public static long Parameters(ResolvedConv conv) => ConvNormParameters(conv.InputChannels, conv.OutputChannels, conv.Kernel, 1);

    /// <summary>MACs of a conv-BatchNorm layer (stem or head).</summary>
    public static long Macs(ResolvedConv conv) => ConvMacs(conv.InputChannels, conv.OutputChannels, conv.Kernel, 1, conv.OutputSize);

    /// <summary>Parameters of all blocks of a stage.</summary>
    public static long Parameters(ResolvedStage stage) => stage.Blocks.Sum(BlockParameters);

    /// <summary>MACs of all blocks of a stage.</summary>
    public static long Macs(ResolvedStage stage) => stage.Blocks.Sum(BlockMacs);

    /// <summary>Parameters of the linear classifier (weight and bias).</summary>
    public static long ClassifierParameters(int features, int classes) => ((long)features * classes) + classes;

    private static long BlockParameters(ResolvedBlock b) => b.Kind == ResolvedBlockKind.Inverted
        ? (b.HasExpansion ? ConvNormParameters(b.InputChannels, b.ExpandedChannels, 1, 1) : 0)
          + ConvNormParameters(b.ExpandedChannels, b.ExpandedChannels, b.Kernel, b.ExpandedChannels)
          + SqueezeParameters(b)
          + ConvNormParameters(b.ExpandedChannels, b.OutputChannels, 1, 1)
        : b.HasExpansion
            ? ConvNormParameters(b.InputChannels, b.ExpandedChannels, b.Kernel, 1) + SqueezeParameters(b)
              + ConvNormParameters(b.ExpandedChannels, b.OutputChannels, 1, 1)
            : ConvNormParameters(b.InputChannels, b.OutputChannels, b.Kernel, 1);

    private static long BlockMacs(ResolvedBlock b) => b.Kind == ResolvedBlockKind.Inverted
        ? (b.HasExpansion ? ConvMacs(b.InputChannels, b.ExpandedChannels, 1, 1, b.InputSize) : 0)
          + ConvMacs(b.ExpandedChannels, b.ExpandedChannels, b.Kernel, b.ExpandedChannels, b.OutputSize)
          + SqueezeMacs(b)
          + ConvMacs(b.ExpandedChannels, b.OutputChannels, 1, 1, b.OutputSize)
        : b.HasExpansion
            ? ConvMacs(b.InputChannels, b.ExpandedChannels, b.Kernel, 1, b.OutputSize) + SqueezeMacs(b)
              + ConvMacs(b.ExpandedChannels, b.OutputChannels, 1, 1, b.OutputSize)
            : ConvMacs(b.InputChannels, b.OutputChannels, b.Kernel, 1, b.OutputSize);

    private static long SqueezeParameters(ResolvedBlock b) =>
        b.HasSqueezeExcitation ? (2L * b.ExpandedChannels * b.SqueezeChannels) + b.SqueezeChannels + b.ExpandedChannels : 0;

    private static long SqueezeMacs(ResolvedBlock b) => b.HasSqueezeExcitation ? 2L * b.ExpandedChannels * b.SqueezeChannels : 0;

    private static long ConvNormParameters(int input, int output, int kernel, int groups) =>
        ((long)output * (input / groups) * kernel * kernel) + (2L * output);

    private static long ConvMacs(int input, int output, int kernel, int groups, int outputSize) =>
        (long)outputSize * outputSize * output * (input / groups) * kernel * kernel;
}
