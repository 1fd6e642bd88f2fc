using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Text;

namespace EffNetGen.CodeGen;

/// <summary>
/// What a project's spec files generate together — the rules the source generator and <c>effnet generate</c>/<c>check</c>
/// share: which models clash (an error on each, and none of them is emitted), and the registry of the rest.
/// </summary>
public static class GeneratedSources
{
    /// <summary>Where diagnostics about a whole file point: its first character.</summary>
    public static readonly SourceSpan FileStart = new(0, 0, 1, 1, 1, 1);

    /// <summary>
    /// The clashes among <paramref name="models"/>, in any file: type names (ignoring case, as Roslyn compares the
    /// hint names of generated files) and model names (ignoring case, as <c>EffNetModels.Find</c> looks them up).
    /// </summary>
    public static Conflicts FindConflicts(IEnumerable<GeneratedModel> models)
    {
        var list = models.ToList();
        static EquatableArray<string> Repeated(IEnumerable<string> keys) => keys.GroupBy(k => k, StringComparer.Ordinal)
            .Where(g => g.Count() > 1).Select(g => g.Key).OrderBy(k => k, StringComparer.Ordinal).ToEquatableArray();
        return new Conflicts(Repeated(list.Select(Conflicts.TypeKey)), Repeated(list.Select(Conflicts.ModelKey)));
    }

    /// <summary>
    /// The registry of <paramref name="models"/> except those in <paramref name="conflicts"/>, as (hint name, source),
    /// or null when no model is left.
    /// </summary>
    public static (string HintName, string Source)? Registry(string rootNamespace, IEnumerable<GeneratedModel> models, Conflicts conflicts)
    {
        var registered = models.Where(m => !conflicts.Involve(m)).ToList();
        return registered.Count == 0 ? null : (HintNames.For(rootNamespace + "." + RegistryEmitter.ClassName), RegistryEmitter.Emit(rootNamespace, registered));
    }
}

/// <summary>Generated type names and model names that more than one variant produces (lower-cased keys, in ordinal order).</summary>
public sealed record Conflicts(EquatableArray<string> TypeNames, EquatableArray<string> ModelNames)
{
    /// <summary>No clash.</summary>
    public static Conflicts None { get; } = new(EquatableArray<string>.Empty, EquatableArray<string>.Empty);

    /// <summary>Whether <paramref name="model"/> clashes with another one.</summary>
    public bool Involve(GeneratedModel model) => TypeNames.Contains(TypeKey(model)) || ModelNames.Contains(ModelKey(model));

    /// <summary>EFF0003 on <paramref name="model"/>'s spec file for each of its clashes; none when it has none.</summary>
    public IEnumerable<SpecDiagnostic> Diagnostics(GeneratedModel model)
    {
        const string Where = " (more than one variant of this project's .effnet files defines it, ignoring case; none of them is generated)";
        if (TypeNames.Contains(TypeKey(model)))
        {
            yield return SpecDiagnostic.Create(DiagnosticCatalog.Duplicate, GeneratedSources.FileStart, "generated type", model.FullTypeName, Where);
        }
        if (ModelNames.Contains(ModelKey(model)))
        {
            yield return SpecDiagnostic.Create(DiagnosticCatalog.Duplicate, GeneratedSources.FileStart, "model name", model.Network.ModelName,
                $" of {model.Network.ClassName}" + Where);
        }
    }

    internal static string TypeKey(GeneratedModel model) => model.FullTypeName.ToLowerInvariant();

    internal static string ModelKey(GeneratedModel model) => model.Network.ModelName.ToLowerInvariant();
}
