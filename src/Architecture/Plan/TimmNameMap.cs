using System;
using System.Collections.Generic;
using System.Linq;

namespace EffNetGen.Architecture;

/// <summary>
/// Renames tensors between our (torchvision's) state_dict names and timm's (<c>conv_stem</c>, <c>bn1</c>,
/// <c>blocks.{i}.{j}.conv_dw</c>, <c>…se.conv_reduce</c>, <c>conv_head</c>, <c>bn2</c>, <c>classifier</c>), module by module
/// as a plan names them, so buffers the plan does not list (<c>num_batches_tracked</c>) follow their module.
/// </summary>
public sealed class TimmNameMap
{
    private readonly Dictionary<string, string> _toTimm = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _fromTimm = new(StringComparer.Ordinal);

    /// <summary>The names of <paramref name="plan"/>'s modules.</summary>
    public TimmNameMap(NetworkPlan plan)
    {
        foreach (var tensor in plan.Tensors())
        {
            var (ours, timm) = (Module(tensor.Name), Module(tensor.TimmName));
            _toTimm[ours] = timm;
            _fromTimm[timm] = ours;
        }
    }

    /// <summary>timm's name for our tensor <paramref name="key"/>; a key of no module of the plan stays as it is.</summary>
    public string ToTimm(string key) => Rename(key, _toTimm);

    /// <summary>Our name for timm's tensor <paramref name="key"/>; a key of no module of the plan stays as it is.</summary>
    public string FromTimm(string key) => Rename(key, _fromTimm);

    /// <summary>Whether a checkpoint with these tensor names was saved by timm (it has timm's stem).</summary>
    public static bool SavedByTimm(IEnumerable<string> names) => names.Contains("conv_stem.weight");

    private static string Rename(string key, Dictionary<string, string> modules) =>
        modules.TryGetValue(Module(key), out var module) ? module + key.Substring(key.LastIndexOf('.')) : key;

    private static string Module(string key) => key.LastIndexOf('.') is var dot and > 0 ? key.Substring(0, dot) : "";
}
