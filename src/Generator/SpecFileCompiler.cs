using System;
using System.Linq;
using System.Threading;
using EffNetGen.CodeGen;
using EffNetGen.Dsl;
using EffNetGen.Dsl.Binding;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Generator.Diagnostics;
using EffNetGen.Generator.Models;
using Microsoft.CodeAnalysis.Diagnostics;

namespace EffNetGen.Generator;

/// <summary>The generator's transform steps, as plain functions over equatable models.</summary>
public static class SpecFileCompiler
{
    /// <summary>
    /// Reads the options made visible by buildTransitive/EffNetGen.props: <c>EffNetGenNamespace</c>,
    /// else <c>RootNamespace</c>, else <see cref="GeneratedModel.DefaultNamespace"/>; <c>EffNetGenRegistry</c> (default true);
    /// <c>EffNetGenMaxParameters</c>, <c>EffNetGenMaxBlocks</c> and <c>EffNetGenMaxVariants</c> (default <see cref="Budget.Default"/>).
    /// </summary>
    public static GeneratorOptions Options(AnalyzerConfigOptions options)
    {
        string? Property(string name) =>
            options.TryGetValue("build_property." + name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var emitRegistry = !bool.TryParse(Property("EffNetGenRegistry"), out var registry) || registry;
        var budget = Budget.FromProperties(Property("EffNetGenMaxParameters"), Property("EffNetGenMaxBlocks"), Property("EffNetGenMaxVariants"));
        return new GeneratorOptions(Property("EffNetGenNamespace") ?? Property("RootNamespace") ?? GeneratedModel.DefaultNamespace, emitRegistry, budget);
    }

    /// <summary>
    /// Compiles one spec file. Any exception from the DSL becomes an EFF0099 diagnostic on the file,
    /// never a CS8785 that would stop all generation in the user's project.
    /// </summary>
    public static SpecFileResult Compile(SpecFile file, GeneratorOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // Opt-in checks too: Roslyn reports them only where the project's .editorconfig enables them.
            var compilation = SpecCompiler.Compile(file.Text, options.Budget, includeOptIn: true);
            // The project's namespace, where a spec names none: one that is not C# would make every class a syntax error.
            if (compilation.Networks.Any(n => n.Namespace is null) && CSharpNames.NamespaceProblem(options.Namespace) is { } problem)
            {
                var invalid = SpecDiagnostic.Create(DiagnosticCatalog.InvalidName, GeneratedSources.FileStart, options.Namespace,
                    problem + " (the project's EffNetGenNamespace or RootNamespace; or give the spec a namespace statement)");
                return new SpecFileResult(EquatableArray<GeneratedModel>.Empty,
                    compilation.Diagnostics.Append(invalid).Select(d => DiagnosticInfo.From(d, file.Path)).ToEquatableArray());
            }
            var models = GeneratedModel.For(compilation, file.Path, options.Namespace);
            var diagnostics = compilation.Diagnostics.Select(d => DiagnosticInfo.From(d, file.Path)).ToEquatableArray();
            return new SpecFileResult(models, diagnostics);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var diagnostic = SpecDiagnostic.Create(DiagnosticCatalog.InternalError, GeneratedSources.FileStart, e.GetType().Name + ": " + e.Message);
            return new SpecFileResult(EquatableArray<GeneratedModel>.Empty, new[] { DiagnosticInfo.From(diagnostic, file.Path) }.ToEquatableArray());
        }
    }
}
