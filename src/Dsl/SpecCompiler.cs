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
        foreach (var family in bound.Families)
        {
            networks.AddRange(family.Variants.Select(v => NetworkResolver.Resolve(family, v)));
        }
        return new SpecCompilation(networks.ToEquatableArray(), bound.Diagnostics);
    }
}
