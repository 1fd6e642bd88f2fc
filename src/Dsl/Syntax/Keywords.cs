using System.Collections.Generic;

namespace EffNetGen.Dsl.Syntax;

/// <summary>The statement keywords of a family body, grouped by the shape of what follows them.</summary>
public static class Keywords
{
    /// <summary>Opens a family.</summary>
    public const string Family = "family";

    /// <summary><c>namespace A.B</c>: the C# namespace of the generated classes.</summary>
    public const string Namespace = "namespace";

    /// <summary>Followed by a <c>{ key value … }</c> block.</summary>
    public static readonly IReadOnlyList<string> Settings = new[] { "scaling", "norm", "defaults", "classifier", "regularization", "naming", "preprocess", "training" };

    /// <summary>Followed by a layer type and inline options (<c>stage mbconv k3 s1 …</c>).</summary>
    public static readonly IReadOnlyList<string> Layers = new[] { "stem", "stage", "then", "head" };

    /// <summary><c>variant Name { … }</c>.</summary>
    public const string Variant = "variant";
}
