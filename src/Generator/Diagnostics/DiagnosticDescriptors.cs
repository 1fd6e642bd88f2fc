using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using Microsoft.CodeAnalysis;
using RoslynDescriptor = Microsoft.CodeAnalysis.DiagnosticDescriptor;

namespace EffNetGen.Generator.Diagnostics;

/// <summary>Roslyn descriptors for the DSL's <see cref="DiagnosticCatalog"/>: one catalogue, two views.</summary>
public static class DiagnosticDescriptors
{
    private const string Category = "EffNetGen";

    private static readonly Dictionary<string, RoslynDescriptor> ById = DiagnosticCatalog.All.ToDictionary(
        d => d.Id,
        d => new RoslynDescriptor(
            d.Id,
            d.Title,
            d.MessageFormat,
            Category,
            d.Severity switch
            {
                Severity.Error => DiagnosticSeverity.Error,
                Severity.Warning => DiagnosticSeverity.Warning,
                _ => DiagnosticSeverity.Info,
            },
            isEnabledByDefault: d.EnabledByDefault,
            helpLinkUri: d.HelpLink));

    /// <summary>The descriptor for <paramref name="id"/>.</summary>
    public static RoslynDescriptor Get(string id) => ById[id];
}
