using System.Globalization;
using EffNetGen.Dsl.Text;

namespace EffNetGen.Dsl.Diagnostics;

/// <summary>A diagnostic about a spec file: descriptor ID, formatted arguments and where it applies.</summary>
public sealed record SpecDiagnostic(string Id, Severity Severity, EquatableArray<string> Arguments, SourceSpan Span)
{
    /// <summary>Creates a diagnostic from a catalogue entry.</summary>
    public static SpecDiagnostic Create(DiagnosticDescriptor descriptor, SourceSpan span, params string[] arguments) =>
        new(descriptor.Id, descriptor.Severity, arguments.ToEquatableArray(), span);

    /// <summary>The message, formatted with the invariant culture.</summary>
    public string Message => string.Format(
        CultureInfo.InvariantCulture,
        DiagnosticCatalog.Find(Id).MessageFormat,
        System.Linq.Enumerable.ToArray<object>(Arguments));

    /// <summary>Formatted like a compiler message: <c>file(line,col): error EFF0001: …</c>.</summary>
    public string ToString(string path) =>
        $"{path}({Span.Line},{Span.Column}): {Severity.ToString().ToLowerInvariant()} {Id}: {Message}";

    /// <inheritdoc />
    public override string ToString() => ToString("<spec>");
}
