using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace EffNetGen.Architecture;

/// <summary>How the feature extractor's modules are named (each follows a reference's state_dict keys).</summary>
public enum FeatureLayout
{
    /// <summary>torchvision's EfficientNet: <c>features.{stage}.{block}.block.{layer}</c>, the stem and head <c>features.0</c> and last.</summary>
    Stages,

    /// <summary>torchvision's MobileNetV3: <c>features.{n}.block.{layer}</c>, one child per block, a single convolution as <c>features.{n}</c>.</summary>
    Flat,
}

/// <summary>
/// Lowers a network, block by block, to its <see cref="NetworkPlan"/>: the one place that knows which layers each block
/// type has, in which order, with which widths, module paths (torchvision's) and timm names, when a block adds its input,
/// and how feature maps shrink. The resolver calls it with the numbers it computed; the generated class calls it with the
/// same numbers as literals, so both build the same value.
/// </summary>
public sealed class PlanBuilder
{
    /// <summary>The input image channels (RGB).</summary>
    public const int ImageChannels = 3;

    private readonly string _name;
    private readonly int _resolution;
    private readonly NormSettings _norm;
    private readonly Padding _padding;
    private readonly List<PlanUnit> _units = new();
    private readonly List<FeatureLevel> _levels = new();
    private int _channels = ImageChannels;
    private int _size;
    private int _stride = 1;
    private int _stage;
    private int _index;
    private HiddenLayer? _hidden;
    private readonly FeatureLayout _layout;
    private readonly int? _outputStride;
    private int _dilation = 1;
    private int _blockDilation = 1;

    /// <summary>
    /// Starts the plan of network <paramref name="name"/> (its class name) at <paramref name="resolution"/>, its modules
    /// named as <paramref name="layout"/> says; with <paramref name="outputStride"/> (8 or 16) the feature maps shrink no
    /// further, later strides becoming dilations (timm's <c>output_stride</c>, for dense prediction).
    /// </summary>
    public PlanBuilder(string name, int resolution, NormSettings norm, Padding padding, FeatureLayout layout = FeatureLayout.Stages, int? outputStride = null)
    {
        Require(outputStride is null or 8 or 16, "an output stride is 8 or 16");
        (_name, _resolution, _norm, _padding, _size, _layout, _outputStride) = (name, resolution, norm, padding, resolution, layout, outputStride);
    }

    /// <summary>The stem: <c>features.0</c>, a k×k conv-norm-activation from the image.</summary>
    public PlanBuilder Stem(int channels, int kernel, int stride, Activation activation)
    {
        Require(_units.Count == 0, "the stem comes first");
        var path = Features(0);
        var conv = Conv(path, "conv_stem", "bn1", _channels, channels, kernel, stride, 1, activation);
        _units.Add(new PlanUnit(UnitKind.Stem, 0, 0, path, new PlanLayer[] { conv }.ToEquatableArray(), Residual: false, DropPath: null));
        return Advance(conv, stride, opensLevel: true);
    }

    /// <summary>Starts the next stage: <c>features.{n}</c>, whose blocks follow.</summary>
    public PlanBuilder Stage()
    {
        Require(_units.Count > 0 && _units[_units.Count - 1].Kind != UnitKind.Head, "a stage follows the stem and precedes the head");
        Require(_stage == 0 || _index > 0, "every stage has a block");
        (_stage, _index) = (_stage + 1, 0);
        return this;
    }

    /// <summary>
    /// timm's <c>ds</c>: k×k depthwise, [SE of <paramref name="se"/> channels with <paramref name="gate"/> and
    /// <paramref name="seActivation"/> (null: the block's)], 1×1 projection, activated by <paramref name="pointwise"/>
    /// (timm's <c>dsa</c>, MobileNetV1 and LCNet; linear by default). <paramref name="kernels"/>: a mixed depthwise
    /// convolution (MixNet; <paramref name="kernel"/> is then ignored); <paramref name="projectKernels"/>: a mixed projection.
    /// </summary>
    public PlanBuilder DepthwiseSeparable(int output, int kernel, int stride, Activation activation, int? se = null, Gate gate = Gate.Sigmoid, bool skip = true,
        Activation? seActivation = null, Activation pointwise = Activation.None, int[]? kernels = null, int[]? projectKernels = null) =>
        Block(UnitKind.DepthwiseSeparable, stride, output, skip, (next, timm, s) =>
        {
            var layers = new List<PlanLayer> { Conv(next(), timm + "conv_dw", timm + "bn1", _channels, _channels, kernel, s, _channels, activation, kernels: kernels) };
            AddSqueeze(layers, next, timm, _channels, se, seActivation ?? activation, gate);
            layers.Add(Conv(next(), timm + "conv_pw", timm + "bn2", _channels, output, 1, 1, 1, pointwise, SizeAfter(kernel, s), projectKernels));
            return layers;
        });

    /// <summary>
    /// timm's <c>ir</c>: 1×1 expansion to <paramref name="expanded"/>, k×k depthwise, [SE], linear 1×1 projection; the
    /// kernel lists make a convolution mixed (MixNet: <paramref name="kernels"/> for the depthwise one, 1×1 groups for
    /// <paramref name="expandKernels"/> and <paramref name="projectKernels"/>).
    /// </summary>
    public PlanBuilder InvertedResidual(int expanded, int output, int kernel, int stride, Activation activation, int? se = null, Gate gate = Gate.Sigmoid, bool skip = true,
        Activation? seActivation = null, int[]? kernels = null, int[]? expandKernels = null, int[]? projectKernels = null) =>
        Block(UnitKind.InvertedResidual, stride, output, skip, (next, timm, s) =>
        {
            var layers = new List<PlanLayer>
            {
                Conv(next(), timm + "conv_pw", timm + "bn1", _channels, expanded, 1, 1, 1, activation, kernels: expandKernels),
                Conv(next(), timm + "conv_dw", timm + "bn2", expanded, expanded, kernel, s, expanded, activation, kernels: kernels),
            };
            AddSqueeze(layers, next, timm, expanded, se, seActivation ?? activation, gate);
            layers.Add(Conv(next(), timm + "conv_pwl", timm + "bn3", expanded, output, 1, 1, 1, Activation.None, SizeAfter(kernel, s), projectKernels));
            return layers;
        });

    /// <summary>
    /// MobileNetV4's universal inverted residual (timm's <c>uir</c>): [k×k depthwise on the input, no activation], 1×1
    /// expansion, [k×k depthwise], [SE], linear 1×1 projection, [k×k depthwise on the output, no activation]; a kernel of
    /// 0 leaves its convolution out. The stride goes to the middle convolution, else the first, else the last.
    /// </summary>
    public PlanBuilder UniversalInvertedResidual(int expanded, int output, int stride, Activation activation, int startKernel = 0, int middleKernel = 0, int endKernel = 0,
        int? se = null, Gate gate = Gate.Sigmoid, bool skip = true, Activation? seActivation = null)
    {
        Require(stride == 1 || startKernel + middleKernel + endKernel > 0, "a strided universal inverted residual has a depthwise convolution");
        return Block(UnitKind.UniversalInvertedResidual, stride, output, skip, (next, timm, s) =>
        {
            var layers = new List<PlanLayer>();
            var size = _size;
            ConvLayer Add(string name, int input, int width, int kernel, int convStride, int groups, Activation act)
            {
                var conv = Conv(next(), $"{timm}{name}.conv", $"{timm}{name}.bn", input, width, kernel, convStride, groups, act, size);
                layers.Add(conv);
                size = conv.OutputSize;
                return conv;
            }
            if (startKernel > 0)
            {
                Add("dw_start", _channels, _channels, startKernel, middleKernel > 0 ? 1 : s, _channels, Activation.None);
            }
            Add("pw_exp", _channels, expanded, 1, 1, 1, activation);
            if (middleKernel > 0)
            {
                Add("dw_mid", expanded, expanded, middleKernel, s, expanded, activation);
            }
            AddSqueeze(layers, next, timm, expanded, se, seActivation ?? activation, gate);
            Add("pw_proj", expanded, output, 1, 1, 1, Activation.None);
            if (endKernel > 0)
            {
                Add("dw_end", output, output, endKernel, startKernel + middleKernel == 0 ? s : 1, output, Activation.None);
            }
            return layers;
        });
    }

    /// <summary>timm's <c>er</c>: k×k expansion to <paramref name="expanded"/>, [SE], linear 1×1 projection.</summary>
    public PlanBuilder EdgeResidual(int expanded, int output, int kernel, int stride, Activation activation, int? se = null, Gate gate = Gate.Sigmoid, bool skip = true,
        Activation? seActivation = null) =>
        Block(UnitKind.EdgeResidual, stride, output, skip, (next, timm, s) =>
        {
            var layers = new List<PlanLayer> { Conv(next(), timm + "conv_exp", timm + "bn1", _channels, expanded, kernel, s, 1, activation) };
            AddSqueeze(layers, next, timm, expanded, se, seActivation ?? activation, gate);
            layers.Add(Conv(next(), timm + "conv_pwl", timm + "bn2", expanded, output, 1, 1, 1, Activation.None, SizeAfter(kernel, s)));
            return layers;
        });

    /// <summary>timm's <c>cn</c>: one k×k conv-norm-activation.</summary>
    public PlanBuilder ConvNormAct(int output, int kernel, int stride, Activation activation, bool skip = true) =>
        Block(UnitKind.ConvNormAct, stride, output, skip, (next, timm, s) =>
            new List<PlanLayer> { Conv(next(), timm + "conv", timm + "bn1", _channels, output, kernel, s, 1, activation) });

    /// <summary>The head: the last <c>features</c> child, a k×k conv-norm-activation to <paramref name="channels"/>.</summary>
    public PlanBuilder Head(int channels, int kernel, Activation activation)
    {
        Require(_stage > 0 && _index > 0, "the head follows the stages, each with a block");
        var path = Features(_layout == FeatureLayout.Flat ? _units.Count : _stage + 1);
        var conv = Conv(path, "conv_head", "bn2", _channels, channels, kernel, 1, 1, activation);
        _units.Add(new PlanUnit(UnitKind.Head, _stage + 1, 0, path, new PlanLayer[] { conv }.ToEquatableArray(), Residual: false, DropPath: null));
        (_channels, _size) = (channels, conv.OutputSize);
        return this;
    }

    /// <summary>
    /// A hidden classifier layer after the pooling: linear to <paramref name="width"/> (with a bias, or without and then
    /// BatchNorm when <paramref name="norm"/>), <paramref name="activation"/>, then the dropout and the output layer
    /// (MobileNetV3's and MobileNetV4's heads: torchvision's <c>classifier.0</c>, timm's <c>conv_head</c>).
    /// </summary>
    public PlanBuilder Hidden(int width, Activation activation, bool norm = false)
    {
        Require(_stage > 0 && _index > 0 && _hidden is null, "one hidden classifier layer, after the stages");
        Require(width >= 1, "a hidden layer has at least one unit");
        _hidden = new HiddenLayer(width, activation, norm);
        return this;
    }

    /// <summary>The plan, with a classifier of <paramref name="classes"/> outputs after <paramref name="dropout"/>.</summary>
    /// <param name="stochasticDepth">The last block's drop rate; block i of n gets rate · i / n.</param>
    public NetworkPlan Build(int classes, double dropout, double stochasticDepth)
    {
        Require(_stage > 0 && _index > 0, "a network has at least one stage, each with a block");
        var blocks = _units.Count(u => u.IsBlock);
        var block = 0;
        var units = _units.Select(u => u.IsBlock ? u with { DropPath = new DropPath(block++, blocks) } : u);
        return new NetworkPlan(_name, _resolution, _norm, _padding, units.ToEquatableArray(), classes, dropout, stochasticDepth, _levels.ToEquatableArray())
        {
            Hidden = _hidden,
            Layout = _layout,
            OutputStride = _outputStride,
        };
    }

    /// <summary>
    /// Adds a block whose <paramref name="layers"/> get the stride to use. Past the output stride (timm's
    /// <c>output_stride</c>) a stride becomes a dilation: the block keeps stride 1 and the dilation so far, the blocks
    /// after it dilate their k×k convolutions by the stride it gave up.
    /// </summary>
    private PlanBuilder Block(UnitKind kind, int stride, int output, bool skip, Func<Func<string>, string, int, List<PlanLayer>> layers)
    {
        Require(_stage > 0 && (_units[_units.Count - 1].Kind != UnitKind.Head), "a block belongs to a stage");
        Require(_index == 0 || stride == 1, "only a stage's first block changes the stride");
        var (effective, nextDilation) = stride > 1 && _outputStride is { } limit && _stride * stride > limit ? (1, _dilation * stride) : (stride, _dilation);
        // Flat: every block a features child of its own (torchvision's MobileNetV3), a single convolution without the
        // block wrapper (its last conv, features.16); by stage: features.{stage}.{block}.block.{layer} (its EfficientNet).
        var flat = _layout == FeatureLayout.Flat;
        var bare = flat && kind == UnitKind.ConvNormAct;
        var path = flat ? Features(_units.Count) : $"{Features(_stage)}.{Invariant(_index)}";
        var count = 0;
        string Next() => bare ? path : $"{path}.block.{Invariant(count++)}";
        _blockDilation = _dilation;
        var built = layers(Next, $"blocks.{Invariant(_stage - 1)}.{Invariant(_index)}.", effective).ToEquatableArray();
        (_blockDilation, _dilation) = (1, nextDilation);
        var residual = skip && PlanUnit.KeepsShape(effective, _channels, output);
        Require(!(bare && residual), "in torchvision's MobileNetV3 layout a single convolution never adds its input ('skip off')");
        _units.Add(new PlanUnit(kind, _stage, _index++, path, built, residual, DropPath: null) { Stride = stride });
        return Advance((ConvLayer)built[built.Count - 1], effective, opensLevel: _index == 1);
    }

    /// <summary>
    /// Moves to the unit's output. The stem and a stage's first block open a feature level, which replaces the last one
    /// when the stride has not changed; later blocks of the stage update it (a level is the last map at its stride).
    /// </summary>
    private PlanBuilder Advance(ConvLayer last, int stride, bool opensLevel)
    {
        (_channels, _size, _stride) = (last.OutputChannels, last.OutputSize, _stride * stride);
        if (opensLevel && _levels.Count > 0 && _levels[_levels.Count - 1].Stride == _stride)
        {
            _levels.RemoveAt(_levels.Count - 1);
        }
        var level = new FeatureLevel(_layout == FeatureLayout.Flat ? _units.Count - 1 : _stage, _stride, _channels);
        if (opensLevel)
        {
            _levels.Add(level);
        }
        else
        {
            _levels[_levels.Count - 1] = level;
        }
        return this;
    }

    private static void AddSqueeze(List<PlanLayer> layers, Func<string> next, string timm, int channels, int? se, Activation activation, Gate gate)
    {
        if (se is { } squeeze)
        {
            layers.Add(new SqueezeLayer(next(), timm + "se", channels, squeeze, activation, gate));
        }
    }

    private ConvLayer Conv(string path, string timmConv, string timmNorm, int input, int output, int kernel, int stride, int groups, Activation activation,
        int? inputSize = null, int[]? kernels = null)
    {
        var size = inputSize ?? _size;
        Require(kernel >= 1 && kernel % 2 == 1, "a convolution's kernel is odd");
        if (kernels is { Length: > 0 })
        {
            Require(kernels.All(k => k >= 1 && k % 2 == 1), "a mixed convolution's kernels are odd");
            Require(kernels.Length <= Math.Min(input, output), "a mixed convolution has at least one channel per group");
            Require(_padding == Padding.Symmetric || !kernels.Any(k => SamePadding.Differs(k, stride)), "a mixed convolution with TensorFlow 'same' padding does not stride");
            kernel = kernels.Max();
        }
        var dilation = kernel > 1 ? _blockDilation : 1; // a 1×1 convolution is the same dilated
        return new ConvLayer(path, timmConv, timmNorm, input, output, kernel, stride, groups,
            _padding == Padding.Same && SamePadding.Differs(((kernel - 1) * dilation) + 1, stride), activation, size, ConvOutputSize(size, kernel, stride))
        {
            Kernels = (kernels ?? Array.Empty<int>()).ToEquatableArray(),
            Dilation = dilation,
        };
    }

    /// <summary>The size after the block's spatial conv (what a projection after it sees).</summary>
    private int SizeAfter(int kernel, int stride) => ConvOutputSize(_size, kernel, stride);

    /// <summary>Spatial size after a k×k convolution with symmetric padding (k−1)/2 (and so with 'same' padding for odd kernels).</summary>
    private static int ConvOutputSize(int input, int kernel, int stride) => ((input + (2 * ((kernel - 1) / 2)) - kernel) / stride) + 1;

    private static string Features(int index) => "features." + Invariant(index);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Require(bool condition, string rule)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"plan: {rule}");
        }
    }
}
