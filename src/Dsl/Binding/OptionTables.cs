using System.Collections.Generic;
using EffNetGen.Dsl.Model;

namespace EffNetGen.Dsl.Binding;

/// <summary>The options each statement accepts (key → human name) and the words each choice accepts.</summary>
internal static class OptionTables
{
    public static readonly IReadOnlyDictionary<string, string> Scaling = new Dictionary<string, string>
    {
        ["alpha"] = "depth coefficient", ["beta"] = "width coefficient", ["gamma"] = "resolution coefficient",
        ["divisor"] = "channel divisor", ["depth"] = "depth rounding",
    };

    public static readonly IReadOnlyDictionary<string, string> Norm = new Dictionary<string, string>
    {
        ["eps"] = "BatchNorm epsilon", ["momentum"] = "BatchNorm momentum",
    };

    public static readonly IReadOnlyDictionary<string, string> Classifier = new Dictionary<string, string>
    {
        ["classes"] = "number of classes",
    };

    public static readonly IReadOnlyDictionary<string, string> Regularization = new Dictionary<string, string>
    {
        ["dropout"] = "classifier dropout", ["stochastic_depth"] = "stochastic depth rate",
    };

    public static readonly IReadOnlyDictionary<string, string> Conv = new Dictionary<string, string>
    {
        ["k"] = "kernel size", ["s"] = "stride", ["c"] = "output channels", ["act"] = "activation",
    };

    public static readonly IReadOnlyDictionary<string, string> MBConv = new Dictionary<string, string>
    {
        ["k"] = "kernel size", ["s"] = "stride", ["e"] = "expansion ratio", ["c"] = "output channels",
        ["r"] = "repeats", ["se"] = "squeeze-excitation ratio", ["act"] = "activation",
    };

    public static readonly IReadOnlyDictionary<string, string> Variant = new Dictionary<string, string>
    {
        ["width"] = "width multiplier", ["depth"] = "depth multiplier", ["resolution"] = "input resolution",
        ["dropout"] = "classifier dropout", ["stochastic_depth"] = "stochastic depth rate", ["norm"] = "BatchNorm settings",
    };

    public static readonly IReadOnlyDictionary<string, Activation> Activations = new Dictionary<string, Activation>
    {
        ["silu"] = Activation.SiLU, ["relu"] = Activation.ReLU, ["relu6"] = Activation.ReLU6,
        ["hswish"] = Activation.HardSwish, ["gelu"] = Activation.GELU,
    };

    public static readonly IReadOnlyDictionary<string, DepthRounding> DepthRoundings = new Dictionary<string, DepthRounding>
    {
        ["ceil"] = DepthRounding.Ceil, ["round"] = DepthRounding.Round,
    };
}
