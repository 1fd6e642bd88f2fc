using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Architecture;

/// <summary>
/// A hidden classifier layer: linear to <paramref name="Width"/> units with a bias (MobileNetV3), or without one and
/// then BatchNorm when <paramref name="Norm"/> (MobileNetV4), then <paramref name="Activation"/>.
/// </summary>
public sealed record HiddenLayer(int Width, Activation Activation, bool Norm = false);

/// <summary>A child of a plan's <c>features</c>: one unit, or (<paramref name="IsStage"/>) a stage's blocks in a <c>Sequential</c>.</summary>
public sealed record FeatureChild(EquatableArray<PlanUnit> Units, bool IsStage);

/// <summary>A multi-scale feature map: the <c>features</c> child that produces it (<c>features.{Index}</c>), its stride and its channels.</summary>
public readonly record struct FeatureLevel(int Index, int Stride, int Channels);

/// <summary>
/// A resolved variant lowered to its layers: the feature extractor's units in execution order, global average pooling,
/// then the classifier: dropout and the linear layer <c>classifier.1</c> (timm's <c>classifier</c>), or, with a
/// <see cref="Hidden"/> layer, <c>classifier.0</c> (timm's <c>conv_head</c>), its activation, dropout and <c>classifier.3</c>
/// (torchvision's MobileNetV3 layout). The resolver builds it once (with
/// <see cref="PlanBuilder"/>); the generated class builds the same value with the same builder; the C# emitter, the
/// runtime's modules and inference path, the ONNX writer, timm's names and the cost counts all read it.
/// </summary>
/// <param name="Name">The generated class name.</param>
/// <param name="Resolution">The input size the layers' sizes (and so <see cref="Macs"/>) are computed for.</param>
/// <param name="StochasticDepth">The last block's stochastic-depth rate.</param>
/// <param name="FeatureLevels">The last <c>features</c> child at each stride (stem and stages, not the head): timm's <c>features_only</c> maps.</param>
public sealed record NetworkPlan(
    string Name,
    int Resolution,
    NormSettings Norm,
    Padding Padding,
    EquatableArray<PlanUnit> Units,
    int Classes,
    double Dropout,
    double StochasticDepth,
    EquatableArray<FeatureLevel> FeatureLevels)
{
    /// <summary>How the feature extractor's modules are named (torchvision's EfficientNet or MobileNetV3 keys).</summary>
    public FeatureLayout Layout { get; init; }

    /// <summary>The output stride the feature maps stop at (timm's <c>output_stride</c>: later strides are dilations), if any.</summary>
    public int? OutputStride { get; init; }

    /// <summary>The hidden classifier layer between the pooling and the output layer, if any.</summary>
    public HiddenLayer? Hidden { get; init; }

    /// <summary>The hidden classifier layer's module path (torchvision's MobileNetV3).</summary>
    public const string HiddenPath = "classifier.0";

    /// <summary>The hidden layer's BatchNorm module path, when it has one.</summary>
    public const string HiddenNormPath = "classifier.1";

    /// <summary>
    /// The output layer's module path: <c>classifier.1</c> after dropout; after a hidden layer <c>classifier.3</c>
    /// (linear, activation, dropout) or <c>classifier.4</c> (linear, BatchNorm, activation, dropout).
    /// </summary>
    public string ClassifierPath => Hidden is null ? "classifier.1" : Hidden.Norm ? "classifier.4" : "classifier.3";

    /// <summary>Image channels the stem takes.</summary>
    public int InputChannels => Units[0].InputChannels;

    /// <summary>Channels into the classifier.</summary>
    public int FeatureChannels => Units[Units.Count - 1].OutputChannels;

    /// <summary>The blocks of stage <paramref name="stage"/> (1-based).</summary>
    public IEnumerable<PlanUnit> Blocks(int stage) => Units.Where(u => u.IsBlock && u.Stage == stage);

    /// <summary>
    /// The children of <c>features</c>, in order: a unit of its own (<c>features.{n}</c>: the stem, the head, a flat
    /// layout's block), or a stage's blocks (<c>features.{n}.{i}</c>), which are built into one <c>Sequential</c>.
    /// </summary>
    public IEnumerable<FeatureChild> FeatureChildren() =>
        Units.GroupBy(u => u.FeatureChild).Select(child => new FeatureChild(child.ToEquatableArray(), !child.First().IsFeaturesChild));

    /// <summary>The stem unit.</summary>
    public PlanUnit Stem => Units[0];

    /// <summary>The head unit, or null when the network has none.</summary>
    public PlanUnit? Head => Units[Units.Count - 1].Kind == UnitKind.Head ? Units[Units.Count - 1] : null;

    /// <summary>Every tensor, in execution order, with its shape (BatchNorm statistics included).</summary>
    public IEnumerable<PlanTensor> Tensors() => Units.SelectMany(u => u.Layers).SelectMany(l => l.Tensors()).Concat(ClassifierTensors());

    /// <summary>The classifier's weights and biases: the hidden layer's (timm stores it as a 1×1 convolution) and the output layer's.</summary>
    public IEnumerable<PlanTensor> ClassifierTensors()
    {
        if (Hidden is { } hidden)
        {
            // timm's MobileNetV3/V4 call the hidden layer conv_head (their last 1×1 conv is a block); a network with a head
            // conv too has no timm counterpart, and its hidden layer gets names of its own so no two tensors share one.
            var (timmLinear, timmNorm) = Head is null ? ("conv_head", "norm_head") : ("head_hidden", "head_hidden_norm");
            yield return new PlanTensor(HiddenPath + ".weight", timmLinear + ".weight", new long[] { hidden.Width, FeatureChannels }, true)
            {
                TimmShape = new long[] { hidden.Width, FeatureChannels, 1, 1 },
            };
            if (hidden.Norm)
            {
                foreach (var norm in PlanTensor.BatchNorm(HiddenNormPath, timmNorm, hidden.Width))
                {
                    yield return norm;
                }
            }
            else
            {
                yield return new PlanTensor(HiddenPath + ".bias", timmLinear + ".bias", new long[] { hidden.Width }, true);
            }
        }
        yield return new PlanTensor(ClassifierPath + ".weight", "classifier.weight", new long[] { Classes, ClassifierInput }, true);
        yield return new PlanTensor(ClassifierPath + ".bias", "classifier.bias", new long[] { Classes }, true);
    }

    /// <summary>Inputs of the output layer: the hidden layer's width, or the pooled features.</summary>
    public int ClassifierInput => Hidden?.Width ?? FeatureChannels;

    /// <summary>Learnable parameters, as <c>parameters()</c> sums them (BatchNorm running statistics are buffers).</summary>
    public long Parameters => Units.Sum(u => u.Parameters) + ClassifierParameters;

    /// <summary>Learnable parameters of the classifier.</summary>
    public long ClassifierParameters => ClassifierTensors().Where(t => t.Learnable).Sum(t => t.Elements);

    /// <summary>Multiply-accumulates of one image at <see cref="Resolution"/>: every convolution, SE gate and the classifier.</summary>
    public long Macs => Units.Sum(u => u.Macs) + ClassifierMacs;

    /// <summary>Multiply-accumulates of the classifier for one image.</summary>
    public long ClassifierMacs => ((long)FeatureChannels * (Hidden?.Width ?? 0)) + ((long)ClassifierInput * Classes);

    /// <summary>Indices into <see cref="Units"/> of the units whose outputs are the <see cref="FeatureLevels"/> maps.</summary>
    public IReadOnlyList<int> FeatureLevelUnits() =>
        FeatureLevels.Select(level => Units.Select((u, i) => (u, i)).Last(p => p.u.FeatureChild == level.Index).i).ToList();

    /// <summary>The same network for <paramref name="channels"/> image channels (a grey-scale or multi-band stem).</summary>
    public NetworkPlan WithInputChannels(int channels)
    {
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "an image has at least one channel");
        }
        var stem = Units[0];
        var conv = (ConvLayer)stem.Layers[0];
        var units = Units.ToArray();
        units[0] = stem with { Layers = new PlanLayer[] { conv with { InputChannels = channels } }.ToEquatableArray() };
        return this with { Units = units.ToEquatableArray() };
    }

    /// <summary>The same network with a classifier of <paramref name="classes"/> outputs.</summary>
    public NetworkPlan WithClasses(int classes) =>
        classes >= 1 ? this with { Classes = classes } : throw new ArgumentOutOfRangeException(nameof(classes), classes, "a classifier needs at least one class");
}
