using System.Collections.Generic;

namespace EffNetGen.Dsl.Diagnostics;

/// <summary>Severity of a spec diagnostic (mapped 1:1 to Roslyn's by the generator).</summary>
public enum Severity
{
    /// <summary>Reported, build continues.</summary>
    Warning,

    /// <summary>Build fails.</summary>
    Error,

    /// <summary>A remark (opt-in checks): shown, never a warning.</summary>
    Info,
}

/// <summary>One entry of the catalogue: stable ID, title, message format (<see cref="string.Format(string, object[])"/>).</summary>
/// <param name="EnabledByDefault">False: an opt-in check, reported only when a project enables it (<c>dotnet_diagnostic.ID.severity</c>).</param>
public sealed record DiagnosticDescriptor(string Id, Severity Severity, string Title, string MessageFormat, bool EnabledByDefault = true)
{
    /// <summary>
    /// The published docs/diagnostics.md section of this diagnostic, when the build was stamped with the docs' URL
    /// (<see cref="DiagnosticDocumentation.PublishedUrl"/>); otherwise null (<c>effnet explain</c> prints it offline).
    /// </summary>
    public string? HelpLink => DiagnosticDocumentation.PublishedUrl is { } docs ? docs + "diagnostics.md#" + Id.ToLowerInvariant() : null;
}

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

    /// <summary>A stage asks for a residual connection that none of its blocks can have.</summary>
    public static readonly DiagnosticDescriptor ResidualNeverApplies = new(
        "EFF0007", Severity.Warning, "Residual connection can never apply", "Stage {0} asks for a residual connection ('skip on'), but {1}");

    /// <summary>A variant's <c>expect</c> contract disagrees with the resolved architecture.</summary>
    public static readonly DiagnosticDescriptor ContractViolated = new(
        "EFF0008", Severity.Error, "Architecture contract violated", "Variant '{0}' has {1} {2}; the spec expects {3}");

    /// <summary>A variant is larger than the configured budget; it is rejected before anything large is computed.</summary>
    public static readonly DiagnosticDescriptor BudgetExceeded = new(
        "EFF0009", Severity.Error, "Variant over budget", "Variant '{0}' {1}");

    /// <summary>The compound-scaling constants do not satisfy alpha·beta²·gamma² ≈ 2.</summary>
    public static readonly DiagnosticDescriptor ScalingConstants = new(
        "EFF0101", Severity.Warning, "Compound-scaling constants do not double the FLOPs",
        "alpha·beta²·gamma² = {0}, not 2 within ±{1}: each step of phi will not double the FLOPs");

    /// <summary>A variant gives both <c>phi</c> and a resolution the formula does not predict.</summary>
    public static readonly DiagnosticDescriptor PhiResolution = new(
        "EFF0102", Severity.Warning, "Resolution differs from gamma^phi",
        "Variant '{0}' declares phi {1} but resolution {2}; the base resolution × gamma^phi rounded to 8 is {3}");

    /// <summary>Opt-in: a resolution that the network's total stride does not divide.</summary>
    public static readonly DiagnosticDescriptor ResolutionStride = new(
        "EFF0103", Severity.Warning, "Resolution is not a multiple of the total stride",
        "Variant '{0}' has resolution {1}, not a multiple of the network's total stride {2}: feature maps are rounded up at each stride", EnabledByDefault: false);

    /// <summary>A variant gives <c>phi</c> and also an explicit width or depth, which overrides what phi implies.</summary>
    public static readonly DiagnosticDescriptor PhiMultiplier = new(
        "EFF0104", Severity.Warning, "Explicit multiplier overrides phi",
        "Variant '{0}' declares phi {1} and {2} {3}: the explicit value wins over the {2} phi gives, {4}");

    /// <summary>Opt-in: a baseline channel count that rounding to the divisor changes before any scaling.</summary>
    public static readonly DiagnosticDescriptor ChannelsRounded = new(
        "EFF0105", Severity.Info, "Baseline width changed by the divisor",
        "{0} asks for {1} channels; rounded to a multiple of {2} the baseline has {3}", EnabledByDefault: false);

    /// <summary>The generator itself failed; reported instead of crashing the compiler.</summary>
    public static readonly DiagnosticDescriptor InternalError = new(
        "EFF0099", Severity.Error, "EffNetGen internal error", "EffNetGen failed to process this spec: {0}");

    /// <summary>All descriptors, ordered by ID.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[]
    {
        SyntaxError, UnknownName, Duplicate, Missing, InvalidValue, InvalidName, ResidualNeverApplies, ContractViolated,
        BudgetExceeded, ScalingConstants, PhiResolution, ResolutionStride, PhiMultiplier, ChannelsRounded, InternalError,
    };

    /// <summary>The descriptor with <paramref name="id"/>.</summary>
    public static DiagnosticDescriptor Find(string id) =>
        System.Linq.Enumerable.First(All, d => d.Id == id);
}
