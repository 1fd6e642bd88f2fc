using System.Collections.Generic;

namespace EffNetGen.Dsl.Diagnostics;

/// <summary>Severity of a spec diagnostic (mapped 1:1 to Roslyn's by the generator).</summary>
public enum Severity
{
    /// <summary>Reported, build continues.</summary>
    Warning,

    /// <summary>Build fails.</summary>
    Error,
}

/// <summary>One entry of the catalogue: stable ID, title, message format (<see cref="string.Format(string, object[])"/>).</summary>
public sealed record DiagnosticDescriptor(string Id, Severity Severity, string Title, string MessageFormat);

/// <summary>
/// Every diagnostic EffNetGen can report, in one place. The generator builds its Roslyn
/// descriptors from this list; docs/diagnostics.md documents each ID.
/// </summary>
public static class DiagnosticCatalog
{
    /// <summary>The text does not follow the grammar.</summary>
    public static readonly DiagnosticDescriptor SyntaxError = new(
        "EFF0001", Severity.Error, "Syntax error in spec", "{0}");

    /// <summary>A keyword, option, layer type, activation or rounding mode that does not exist.</summary>
    public static readonly DiagnosticDescriptor UnknownName = new(
        "EFF0002", Severity.Error, "Unknown name in spec", "Unknown {0} '{1}'{2}");

    /// <summary>The same option, statement, variant or family given twice.</summary>
    public static readonly DiagnosticDescriptor Duplicate = new(
        "EFF0003", Severity.Error, "Duplicate definition in spec", "Duplicate {0} '{1}'{2}");

    /// <summary>A required statement or option is absent.</summary>
    public static readonly DiagnosticDescriptor Missing = new(
        "EFF0004", Severity.Error, "Missing definition in spec", "Missing {0} in {1}");

    /// <summary>A value of the wrong kind or outside its allowed range.</summary>
    public static readonly DiagnosticDescriptor InvalidValue = new(
        "EFF0005", Severity.Error, "Invalid value in spec", "Invalid {0}: {1}");

    /// <summary>A family or variant name that cannot become a C# type name.</summary>
    public static readonly DiagnosticDescriptor InvalidName = new(
        "EFF0006", Severity.Error, "Name cannot be used for a generated type", "'{0}' cannot be used as a generated type name: {1}");

    /// <summary>The generator itself failed; reported instead of crashing the compiler.</summary>
    public static readonly DiagnosticDescriptor InternalError = new(
        "EFF0099", Severity.Error, "EffNetGen internal error", "EffNetGen failed to process this spec: {0}");

    /// <summary>All descriptors, ordered by ID.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        SyntaxError, UnknownName, Duplicate, Missing, InvalidValue, InvalidName, InternalError,
    };

    /// <summary>The descriptor with <paramref name="id"/>.</summary>
    public static DiagnosticDescriptor Find(string id) =>
        System.Linq.Enumerable.First(All, d => d.Id == id);
}
