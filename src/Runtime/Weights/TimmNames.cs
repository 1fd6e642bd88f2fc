using System;
using System.Collections.Generic;
using System.Linq;
using Names = EffNetGen.Architecture.TimmNameMap;

namespace EffNetGen.Runtime.Weights;

/// <summary>
/// timm's names for the tensors of a generated model (<c>conv_stem</c>, <c>bn1</c>, <c>blocks.{i}.{j}.conv_dw</c>,
/// <c>…se.conv_reduce</c>, <c>conv_head</c>, <c>bn2</c>, <c>classifier</c>), as the model's plan names them.
/// </summary>
public static class TimmNames
{
    /// <summary>Load options that read a checkpoint saved by timm into <paramref name="model"/>.</summary>
    public static LoadOptions LoadOptions(EfficientNetModule model, bool skipClassifier = false)
    {
        var names = new Names(model.Plan);
        return new LoadOptions { KeyMap = names.FromTimm, SkipClassifier = skipClassifier };
    }

    /// <summary>Our state_dict name → timm's, for every tensor of <paramref name="model"/>.</summary>
    public static IReadOnlyDictionary<string, string> For(EfficientNetModule model)
    {
        var names = new Names(model.Plan);
        return model.state_dict().Keys.ToDictionary(key => key, names.ToTimm, StringComparer.Ordinal);
    }
}
