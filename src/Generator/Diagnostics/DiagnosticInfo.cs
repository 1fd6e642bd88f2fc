using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EffNetGen.Generator.Diagnostics;

/// <summary>
/// A diagnostic as plain data (descriptor ID, arguments, file path, span). Roslyn's Diagnostic and
/// tree-bound Location are not value-equal, so the Diagnostic is only created when reported.
/// </summary>
public sealed record DiagnosticInfo(string Id, EquatableArray<string> Arguments, string Path, SourceSpan Span)
{
    /// <summary>Wraps a DSL diagnostic about the file at <paramref name="path"/>.</summary>
    public static DiagnosticInfo From(SpecDiagnostic diagnostic, string path) =>
        new(diagnostic.Id, diagnostic.Arguments, path, diagnostic.Span);

    /// <summary>The Roslyn diagnostic, located in the <c>.effnet</c> file.</summary>
    public Diagnostic ToDiagnostic()
    {
        var lineSpan = new LinePositionSpan(
            new LinePosition(Span.Line - 1, Span.Column - 1),
            new LinePosition(Span.EndLine - 1, Span.EndColumn - 1));
        var location = Location.Create(Path, new TextSpan(Span.Start, Span.Length), lineSpan);
        return Diagnostic.Create(DiagnosticDescriptors.Get(Id), location, System.Linq.Enumerable.ToArray<object>(Arguments));
    }
}
