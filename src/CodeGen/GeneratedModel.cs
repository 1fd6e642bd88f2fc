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

    /// <summary>Unique within the compilation as long as type names are.</summary>
    public string HintName => FullTypeName + ".g.cs";
}
