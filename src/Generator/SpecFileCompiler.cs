using System;
using System.Linq;
using System.Threading;
using EffNetGen.Dsl;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Text;
using EffNetGen.CodeGen;
using EffNetGen.Generator.Diagnostics;
using EffNetGen.Generator.Models;
using Microsoft.CodeAnalysis.Diagnostics;

namespace EffNetGen.Generator;

/// <summary>The generator's transform steps, as plain functions over equatable models.</summary>
public static class SpecFileCompiler
{
    /// <summary>Used when the project sets no RootNamespace and the spec no <c>namespace</c>.</summary>
    public const string DefaultNamespace = "EffNetGen.Models";

    /// <summary>Where diagnostics about a whole file point: its first character.</summary>
    public static readonly SourceSpan FileStart = new(0, 0, 1, 1, 1, 1);

    /// <summary>The consuming project's <c>RootNamespace</c> (made visible by build/EffNetGen.props).</summary>
    public static string RootNamespace(AnalyzerConfigOptions options) =>
        options.TryGetValue("build_property.RootNamespace", out var ns) && !string.IsNullOrWhiteSpace(ns)
            ? ns.Trim()
            : DefaultNamespace;

    /// <summary>
    /// Compiles one spec file. Any exception from the DSL becomes an EFF0099 diagnostic on the file,
    /// never a CS8785 that would stop all generation in the user's project.
    /// </summary>
    public static SpecFileResult Compile(SpecFile file, string rootNamespace, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var compilation = SpecCompiler.Compile(file.Text);
            var models = compilation.Succeeded
                ? compilation.Networks.Select(n => new GeneratedModel(n, n.Namespace ?? rootNamespace, file.Path)).ToEquatableArray()
                : EquatableArray<GeneratedModel>.Empty;
            var diagnostics = compilation.Diagnostics.Select(d => DiagnosticInfo.From(d, file.Path)).ToEquatableArray();
            return new SpecFileResult(models, diagnostics);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var diagnostic = SpecDiagnostic.Create(DiagnosticCatalog.InternalError, FileStart, e.GetType().Name + ": " + e.Message);
            return new SpecFileResult(EquatableArray<GeneratedModel>.Empty, new[] { DiagnosticInfo.From(diagnostic, file.Path) }.ToEquatableArray());
        }
    }
}
