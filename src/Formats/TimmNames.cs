using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Formats;

/// <summary>
/// timm's names for a network's tensors (<c>conv_stem</c>, <c>bn1</c>, <c>blocks.{i}.{j}.conv_dw</c>,
/// <c>…se.conv_reduce</c>, <c>conv_head</c>, <c>bn2</c>, <c>classifier</c>), derived from its plan: timm's <c>ds</c>/<c>ir</c>
/// blocks are MBConv without/with expansion (their first convolution is depthwise, or there are three), <c>er</c> is a
/// Fused-MBConv with expansion, <c>cn</c> one without.
/// </summary>
public static class TimmNames
{
    /// <summary>Our name prefix → timm's, for every layer of <paramref name="plan"/> and the classifier.</summary>
    public static IReadOnlyDictionary<string, string> Prefixes(NetworkPlan plan)
    {
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal) { ["classifier.1."] = "classifier." };
        var blockUnits = plan.Units.Where(u => u.Path.Count(c => c == '.') == 2).ToList();
        var single = plan.Units.Except(blockUnits).ToList();
        AddConv(prefixes, single[0].Path, "conv_stem", "bn1");
        if (single.Count > 1)
        {
            AddConv(prefixes, single[^1].Path, "conv_head", "bn2");
        }
        foreach (var unit in blockUnits)
        {
            var parts = unit.Path.Split('.');
            var timm = $"blocks.{int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) - 1}.{parts[2]}.";
            var convs = unit.Layers.OfType<ConvLayer>().ToList();
            var (convNames, normNames) = convs.Count switch
            {
                3 => (new[] { "conv_pw", "conv_dw", "conv_pwl" }, new[] { "bn1", "bn2", "bn3" }),                  // ir
                2 when convs[0].Groups > 1 => (new[] { "conv_dw", "conv_pw" }, new[] { "bn1", "bn2" }),            // ds
                2 => (new[] { "conv_exp", "conv_pwl" }, new[] { "bn1", "bn2" }),                                    // er
                _ => (new[] { "conv" }, new[] { "bn1" }),                                                           // cn
            };
            for (var i = 0; i < convs.Count; i++)
            {
                AddConv(prefixes, convs[i].Path, timm + convNames[i], timm + normNames[i]);
            }
            foreach (var se in unit.Layers.OfType<SqueezeLayer>())
            {
                prefixes[se.Path + ".fc1."] = timm + "se.conv_reduce.";
                prefixes[se.Path + ".fc2."] = timm + "se.conv_expand.";
            }
        }
        return prefixes;
    }

    /// <summary>timm's name for our tensor <paramref name="key"/>, given <see cref="Prefixes"/>; unmapped keys stay as they are.</summary>
    public static string ToTimm(string key, IReadOnlyDictionary<string, string> prefixes) => Replace(key, prefixes.Select(p => (p.Key, p.Value)));

    /// <summary>Our name for timm's tensor <paramref name="key"/>, given <see cref="Prefixes"/>; unmapped keys stay as they are.</summary>
    public static string FromTimm(string key, IReadOnlyDictionary<string, string> prefixes) => Replace(key, prefixes.Select(p => (p.Value, p.Key)));

    /// <summary>Whether a checkpoint with these tensor names was saved by timm (it has timm's stem).</summary>
    public static bool SavedByTimm(IEnumerable<string> names) => names.Contains("conv_stem.weight");

    private static string Replace(string key, IEnumerable<(string From, string To)> prefixes)
    {
        foreach (var (from, to) in prefixes)
        {
            if (key.StartsWith(from, StringComparison.Ordinal))
            {
                return to + key.Substring(from.Length);
            }
        }
        return key;
    }

    private static void AddConv(Dictionary<string, string> prefixes, string path, string conv, string norm)
    {
        prefixes[path + ".0."] = conv + ".";
        prefixes[path + ".1."] = norm + ".";
    }
}
