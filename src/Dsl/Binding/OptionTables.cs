using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Binding;

/// <summary>The options each statement accepts (key → human name) and the words each choice accepts.</summary>
internal static class OptionTables
{
    public static readonly IReadOnlyDictionary<string, string> Scaling = new Dictionary<string, string>
    {
        ["alpha"] = "depth coefficient", ["beta"] = "width coefficient", ["gamma"] = "resolution coefficient",
        ["divisor"] = "channel divisor", ["min"] = "channel minimum", ["depth"] = "depth rounding",
        ["resolution"] = "base resolution",
    };

    public static readonly IReadOnlyDictionary<string, string> Norm = new Dictionary<string, string>
    {
        ["eps"] = "BatchNorm epsilon", ["momentum"] = "BatchNorm momentum",
    };

    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["act"] = "activation", ["padding"] = "padding", ["se_base"] = "squeeze-excitation base",
        ["se_round"] = "squeeze-excitation rounding", ["expand_round"] = "expansion rounding", ["se_gate"] = "squeeze-excitation gate",
        ["se_act"] = "squeeze-excitation activation",
    };

    public static readonly IReadOnlyDictionary<string, string> Preprocess = new Dictionary<string, string>
    {
        ["interpolation"] = "resize interpolation", ["normalize"] = "input normalisation", ["crop"] = "evaluation crop fraction",
    };

    public static readonly IReadOnlyDictionary<string, Interpolation> Interpolations = new Dictionary<string, Interpolation>
    {
        ["bicubic"] = Interpolation.Bicubic, ["bilinear"] = Interpolation.Bilinear,
    };

    public static readonly IReadOnlyDictionary<string, Normalization> Normalizations = new Dictionary<string, Normalization>
    {
        ["imagenet"] = Normalization.ImageNet, ["inception"] = Normalization.Inception,
    };

    public static readonly IReadOnlyDictionary<string, string> Naming = new Dictionary<string, string>
    {
        ["prefix"] = "model name prefix", ["layout"] = "module layout",
    };

    public static readonly IReadOnlyDictionary<string, string> Classifier = new Dictionary<string, string>
    {
        ["classes"] = "number of classes", ["hidden"] = "hidden layer width", ["act"] = "hidden layer activation",
        ["norm"] = "hidden layer BatchNorm",
    };

    public static readonly IReadOnlyDictionary<string, string> Regularization = new Dictionary<string, string>
    {
        ["dropout"] = "classifier dropout", ["stochastic_depth"] = "stochastic depth rate",
    };

    public static readonly IReadOnlyDictionary<string, string> Training = new Dictionary<string, string>
    {
        ["optimizer"] = "optimizer", ["lr"] = "learning rate", ["batch"] = "batch size of the learning rate",
        ["decay"] = "RMSProp decay", ["momentum"] = "optimizer momentum", ["eps"] = "optimizer epsilon",
        ["weight_decay"] = "weight decay", ["warmup"] = "warm-up epochs", ["lr_decay"] = "learning-rate decay factor",
        ["decay_epochs"] = "epochs per learning-rate decay", ["epochs"] = "training epochs", ["label_smoothing"] = "label smoothing",
        ["ema"] = "weight EMA decay", ["bn_momentum"] = "BatchNorm momentum (TensorFlow convention)", ["augment"] = "data augmentation",
    };

    public static readonly IReadOnlyDictionary<string, Optimizer> Optimizers = new Dictionary<string, Optimizer>
    {
        ["rmsprop"] = Optimizer.RmsPropTF, ["sgd"] = Optimizer.Sgd,
    };

    public static readonly IReadOnlyDictionary<string, Augmentation> Augmentations = new Dictionary<string, Augmentation>
    {
        ["none"] = Augmentation.None, ["autoaugment"] = Augmentation.AutoAugment, ["randaugment"] = Augmentation.RandAugment,
    };

    public static readonly IReadOnlyDictionary<string, string> Stem = new Dictionary<string, string>
    {
        ["k"] = "kernel size", ["s"] = "stride", ["c"] = "output channels", ["act"] = "activation", ["fixed"] = "fixed width",
    };

    public static readonly IReadOnlyDictionary<string, string> Head = new Dictionary<string, string>
    {
        ["k"] = "kernel size", ["c"] = "output channels", ["times"] = "multiple of the last stage's channels",
        ["act"] = "activation", ["fixed"] = "fixed width", ["shrink"] = "narrower with a width below 1",
    };

    public static readonly IReadOnlyDictionary<string, string> Stage = new Dictionary<string, string>
    {
        ["k"] = "kernel size", ["s"] = "stride", ["e"] = "expansion ratio", ["c"] = "output channels",
        ["r"] = "repeats", ["se"] = "squeeze-excitation ratio", ["act"] = "activation", ["fc"] = "forced input channels",
        ["skip"] = "residual connection", ["fixed"] = "fixed repeats", ["pw_act"] = "activated projection",
        ["a"] = "expansion kernels", ["p"] = "projection kernels",
    };

    /// <summary>A <c>then</c> row: a stage row's options but the stage-wide one (whether repeats scale).</summary>
    public static readonly IReadOnlyDictionary<string, string> Then = Stage.Where(o => o.Key != "fixed").ToDictionary(o => o.Key, o => o.Value);

    public static readonly IReadOnlyDictionary<string, string> Variant = new Dictionary<string, string>
    {
        ["width"] = "width multiplier", ["depth"] = "depth multiplier", ["resolution"] = "input resolution",
        ["phi"] = "compound coefficient", ["dropout"] = "classifier dropout", ["stochastic_depth"] = "stochastic depth rate",
        ["crop"] = "evaluation crop fraction", ["norm"] = "BatchNorm settings", ["expect"] = "contract",
        ["training"] = "training recipe", ["model"] = "model name", ["layout"] = "module layout",
        ["interpolation"] = "resize interpolation", ["output_stride"] = "output stride",
    };

    public static readonly IReadOnlyDictionary<string, string> Expect = new Dictionary<string, string>
    {
        ["params"] = "expected parameters", ["macs"] = "expected MACs",
    };

    public static readonly IReadOnlyDictionary<string, Activation> Activations = new Dictionary<string, Activation>
    {
        ["silu"] = Activation.SiLU, ["swish"] = Activation.SiLU, ["relu"] = Activation.ReLU, ["relu6"] = Activation.ReLU6,
        ["hswish"] = Activation.HardSwish, ["gelu"] = Activation.GELU, ["sigmoid"] = Activation.Sigmoid,
        ["leaky_relu"] = Activation.LeakyReLU, ["mish"] = Activation.Mish,
    };

    public static readonly IReadOnlyDictionary<string, DepthRounding> DepthRoundings = new Dictionary<string, DepthRounding>
    {
        ["ceil"] = DepthRounding.Ceil, ["round"] = DepthRounding.Round,
    };

    /// <summary>Module layouts, by the torchvision model whose state_dict keys they reproduce.</summary>
    public static readonly IReadOnlyDictionary<string, FeatureLayout> Layouts = new Dictionary<string, FeatureLayout>
    {
        ["efficientnet"] = FeatureLayout.Stages, ["mobilenetv3"] = FeatureLayout.Flat,
    };

    public static readonly IReadOnlyDictionary<string, Gate> Gates = new Dictionary<string, Gate>
    {
        ["sigmoid"] = Gate.Sigmoid, ["hardsigmoid"] = Gate.HardSigmoid,
    };

    public static readonly IReadOnlyDictionary<string, Padding> Paddings = new Dictionary<string, Padding>
    {
        ["symmetric"] = Padding.Symmetric, ["same"] = Padding.Same,
    };

    public static readonly IReadOnlyDictionary<string, SeBase> SeBases = new Dictionary<string, SeBase>
    {
        ["input"] = SeBase.Input, ["expanded"] = SeBase.Expanded,
    };

    public static readonly IReadOnlyDictionary<string, SeRounding> SeRoundings = new Dictionary<string, SeRounding>
    {
        ["floor"] = SeRounding.Floor, ["round"] = SeRounding.Round, ["divisor"] = SeRounding.Divisor,
    };

    public static readonly IReadOnlyDictionary<string, ExpandRounding> ExpandRoundings = new Dictionary<string, ExpandRounding>
    {
        ["divisor"] = ExpandRounding.Divisor, ["nearest"] = ExpandRounding.Nearest,
    };

    public static readonly IReadOnlyDictionary<string, bool> Switches = new Dictionary<string, bool>
    {
        ["on"] = true, ["off"] = false,
    };
}
