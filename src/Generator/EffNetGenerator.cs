using System;
using System.Collections.Immutable;
using System.Linq;
using EffNetGen.Dsl;
using EffNetGen.Generator.Diagnostics;
using EffNetGen.Generator.Emit;
using EffNetGen.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EffNetGen.Generator;

/// <summary>
/// Turns every <c>*.effnet</c> AdditionalFile into TorchSharp EfficientNet classes, one per variant,
/// plus a registry of them all. Spec errors become EFF diagnostics located in the spec; the generator
/// never throws. Only spec files and the root namespace flow in, so C# edits regenerate nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class EffNetGenerator : IIncrementalGenerator
{
    /// <summary>Written into <c>[GeneratedCode]</c>.</summary>
    public static readonly string Version = typeof(EffNetGenerator).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // The consuming project's root namespace, reduced to a string so it compares by value.
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => SpecFileCompiler.RootNamespace(options.GlobalOptions))
            .WithTrackingName(TrackingNames.Options);

        // Each spec as path + text: AdditionalText itself compares by reference.
        var specFiles = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".effnet", StringComparison.OrdinalIgnoreCase))
            .Select(static (text, ct) => new SpecFile(text.Path, text.GetText(ct)?.ToString() ?? ""))
            .WithTrackingName(TrackingNames.SpecFiles);

        // Parse, bind and resolve each file on its own, so editing one spec leaves the others cached.
        var compiled = specFiles
            .Combine(rootNamespace)
            .Select(static (input, ct) => SpecFileCompiler.Compile(input.Left, input.Right, ct))
            .WithTrackingName(TrackingNames.Compiled);

        // Diagnostics and sources are separate outputs: a moved error does not re-emit code.
        context.RegisterSourceOutput(
            compiled.Select(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.Diagnostics),
            static (spc, diagnostics) =>
            {
                foreach (var diagnostic in diagnostics)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

        var models = compiled.SelectMany(static (result, _) => result.Models).WithTrackingName(TrackingNames.Models);
        context.RegisterSourceOutput(models, static (spc, model) => EmitModel(spc, model));

        context.RegisterSourceOutput(
            models.Collect().Combine(rootNamespace).WithTrackingName(TrackingNames.Registry),
            static (spc, input) => EmitRegistry(spc, input.Left, input.Right));
    }

    private static void EmitModel(SourceProductionContext context, GeneratedModel model)
    {
        try
        {
            context.AddSource(model.HintName, SourceText.From(ModelEmitter.Emit(model, Version), System.Text.Encoding.UTF8));
        }
        catch (ArgumentException)
        {
            // AddSource rejects a second file with the same hint name: two specs define the same type.
            context.ReportDiagnostic(new DiagnosticInfo(
                EffNetGen.Dsl.Diagnostics.DiagnosticCatalog.Duplicate.Id,
                new[] { "generated type", model.FullTypeName, " (another .effnet file in this project defines it too)" }.ToEquatableArray(),
                model.SpecPath,
                SpecFileCompiler.FileStart).ToDiagnostic());
        }
    }

    private static void EmitRegistry(SourceProductionContext context, ImmutableArray<GeneratedModel> models, string rootNamespace)
    {
        if (models.IsEmpty)
        {
            return;
        }
        var distinct = models.GroupBy(m => m.FullTypeName, StringComparer.Ordinal).Select(g => g.First());
        context.AddSource(rootNamespace + "." + RegistryEmitter.ClassName + ".g.cs",
            SourceText.From(RegistryEmitter.Emit(rootNamespace, distinct, Version), System.Text.Encoding.UTF8));
    }
}
