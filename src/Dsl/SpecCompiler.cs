using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Binding;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Parsing;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.Dsl;

/// <summary>Every resolved variant of one spec file, and every diagnostic about it.</summary>
public sealed record SpecCompilation(EquatableArray<ResolvedNetwork> Networks, EquatableArray<SpecDiagnostic> Diagnostics)
{
    /// <summary>True when no diagnostic is an error.</summary>
    public bool Succeeded => Diagnostics.All(d => d.Severity != Severity.Error);
}

/// <summary>The whole pipeline for one file: text → syntax → bound families → resolved networks.</summary>
public static class SpecCompiler
{
    /// <summary>Compiles <paramref name="text"/>. Never throws for any input text.</summary>
    public static SpecCompilation Compile(string text)
    {
        var parsed = SpecParser.Parse(text);
        if (parsed.Syntax is null)
        {
            return new SpecCompilation(EquatableArray<ResolvedNetwork>.Empty, new[] { parsed.Error! }.ToEquatableArray());
        }
        var bound = SpecBinder.Bind(parsed.Syntax);
        var networks = new List<ResolvedNetwork>();
        var diagnostics = bound.Diagnostics.ToList();
        foreach (var family in bound.Families)
        {
            foreach (var variant in family.Variants)
            {
                if (ResolutionLimits.Problem(family, variant) is { } problem)
                {
                    diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidValue, variant.Span, $"variant '{variant.Name}'", problem));
                }
                else
                {
                    networks.Add(NetworkResolver.Resolve(family, variant));
                }
            }
        }
        return new SpecCompilation(networks.ToEquatableArray(), diagnostics.ToEquatableArray());
    }
}
