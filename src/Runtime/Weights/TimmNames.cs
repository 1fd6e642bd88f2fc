using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Runtime.Blocks;
using TorchSharp;
using static TorchSharp.torch;

namespace EffNetGen.Runtime.Weights;

/// <summary>
/// timm's names for the tensors of a generated model (<c>conv_stem</c>, <c>bn1</c>, <c>blocks.{i}.{j}.conv_dw</c>,
/// <c>…se.conv_reduce</c>, <c>conv_head</c>, <c>bn2</c>, <c>classifier</c>), derived from the model's exact block
/// list: timm's <c>ds</c>/<c>ir</c> blocks are MBConv without/with expansion, <c>er</c> is a Fused-MBConv with
/// expansion, <c>cn</c> one without.
/// </summary>
public static class TimmNames
{
    /// <summary>Load options that read a checkpoint saved by timm into <paramref name="model"/>.</summary>
    public static LoadOptions LoadOptions(EfficientNetModule model, bool skipClassifier = false)
    {
        var ours = For(model).ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        return new LoadOptions { KeyMap = timm => ours.TryGetValue(timm, out var name) ? name : timm, SkipClassifier = skipClassifier };
    }

    /// <summary>Our state_dict name → timm's, for every tensor of <paramref name="model"/>.</summary>
    public static IReadOnlyDictionary<string, string> For(EfficientNetModule model)
    {
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal) { ["classifier.1."] = "classifier." };
        var stages = model.FeatureExtractor.named_children().ToList();
        prefixes["features.0.0."] = "conv_stem.";
        prefixes["features.0.1."] = "bn1.";
        foreach (var (stageName, stage) in stages.Skip(1))
        {
            var stageIndex = int.Parse(stageName, System.Globalization.CultureInfo.InvariantCulture);
            if (stage is ConvNormActivation)
            {
                prefixes[$"features.{stageName}.0."] = "conv_head.";
                prefixes[$"features.{stageName}.1."] = "bn2.";
                continue;
            }
            foreach (var (blockName, block) in stage.named_children())
            {
                var ours = $"features.{stageName}.{blockName}.block.";
                var timm = $"blocks.{stageIndex - 1}.{blockName}.";
                foreach (var (layer, name) in BlockLayers(block))
                {
                    prefixes[ours + layer + "."] = timm + name + ".";
                }
            }
        }
        return model.state_dict().Keys.ToDictionary(key => key, key => Rename(key, prefixes), StringComparer.Ordinal);
    }

    /// <summary>Each layer of a block (its index in <c>block</c>, with the conv/norm sub-index) and timm's name for it.</summary>
    private static IEnumerable<(string Layer, string Name)> BlockLayers(nn.Module block)
    {
        var layers = block.named_children().Single(c => c.name == "block").module.named_children().ToList();
        var convs = layers.Where(l => l.module is ConvNormActivation).Select(l => l.name).ToList();
        var se = layers.Where(l => l.module is SqueezeExcitation).Select(l => l.name).ToList();
        var (convNames, normNames) = (block, convs.Count) switch
        {
            (MBConv, 3) => (new[] { "conv_pw", "conv_dw", "conv_pwl" }, new[] { "bn1", "bn2", "bn3" }),  // timm ir
            (MBConv, _) => (new[] { "conv_dw", "conv_pw" }, new[] { "bn1", "bn2" }),                       // timm ds
            (_, 2) => (new[] { "conv_exp", "conv_pwl" }, new[] { "bn1", "bn2" }),                           // timm er
            _ => (new[] { "conv" }, new[] { "bn1" }),                                                       // timm cn
        };
        for (var i = 0; i < convs.Count; i++)
        {
            yield return (convs[i] + ".0", convNames[i]);
            yield return (convs[i] + ".1", normNames[i]);
        }
        foreach (var name in se)
        {
            yield return (name + ".fc1", "se.conv_reduce");
            yield return (name + ".fc2", "se.conv_expand");
        }
    }

    private static string Rename(string key, Dictionary<string, string> prefixes)
    {
        foreach (var (ours, timm) in prefixes)
        {
            if (key.StartsWith(ours, StringComparison.Ordinal))
            {
                return timm + key.Substring(ours.Length);
            }
        }
        return key;
    }
}
