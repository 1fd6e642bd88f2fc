using EffNetGen.Dsl;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.CodeGen;

/// <summary>
/// One class to emit: a resolved variant, its namespace and its spec file. No source span: moving a
/// variant within its file must not re-emit its class.
/// </summary>
public sealed record GeneratedModel(ResolvedNetwork Network, string Namespace, string SpecPath)
{
    /// <summary>The fully qualified type name, without <c>global::</c>.</summary>
    public string FullTypeName => Namespace + "." + Network.ClassName;

    /// <summary>Unique within the compilation, ignoring case, as long as type names are; short enough for a file name.</summary>
    public string HintName => HintNames.For(FullTypeName);

    /// <summary>Used when the project sets no namespace and the spec has no <c>namespace</c> statement.</summary>
    public const string DefaultNamespace = "EffNetGen.Models";

    /// <summary>
    /// The classes to emit for a compiled spec file: one per variant, in the spec's namespace or else
    /// <paramref name="defaultNamespace"/>; none at all when the file has errors.
    /// </summary>
    public static EquatableArray<GeneratedModel> For(SpecCompilation compilation, string specPath, string defaultNamespace) =>
        compilation.Succeeded
            ? System.Linq.Enumerable.Select(compilation.Networks, n => new GeneratedModel(n, n.Namespace ?? defaultNamespace, specPath)).ToEquatableArray()
            : EquatableArray<GeneratedModel>.Empty;
}
