using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using EffNetGen.CodeGen;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Generator.Diagnostics;
using EffNetGen.Generator.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace EffNetGen.Generator;

/// <summary>
/// Turns every <c>*.effnet</c> AdditionalFile into TorchSharp EfficientNet classes, one per variant,
/// plus a registry of them all. Spec errors become EFF diagnostics located in the spec; the generator
/// never throws. Only spec files and MSBuild options flow in, so C# edits regenerate nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class EffNetGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // The consuming project's options, reduced to a record so they compare by value.
        var options = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => SpecFileCompiler.Options(provider.GlobalOptions))
            .WithTrackingName(TrackingNames.Options);

        // Each spec as path + text: AdditionalText itself compares by reference.
        var specFiles = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".effnet", StringComparison.OrdinalIgnoreCase))
            .Select(static (text, ct) => new SpecFile(text.Path, text.GetText(ct)?.ToString() ?? ""))
            .WithTrackingName(TrackingNames.SpecFiles);

        // Parse, bind and resolve each file on its own, so editing one spec leaves the others cached.
        var compiled = specFiles
            .Combine(options)
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

        // Type and model names more than one variant generates, in any file: a small value-equal set, so an edit that
        // does not change it leaves every other model cached.
        var conflicts = models.Collect()
            .Select(static (all, _) => GeneratedSources.FindConflicts(all))
            .WithTrackingName(TrackingNames.Conflicts);

        context.RegisterSourceOutput(models.Combine(conflicts), static (spc, input) => EmitModel(spc, input.Left, input.Right));

        context.RegisterSourceOutput(
            models.Collect().Combine(conflicts).Combine(options).WithTrackingName(TrackingNames.Registry),
            static (spc, input) => EmitRegistry(spc, input.Left.Left, input.Left.Right, input.Right));
    }

    private static void EmitModel(SourceProductionContext context, GeneratedModel model, Conflicts conflicts)
    {
        if (conflicts.Involve(model))
        {
            foreach (var diagnostic in conflicts.Diagnostics(model))
            {
                context.ReportDiagnostic(DiagnosticInfo.From(diagnostic, model.SpecPath).ToDiagnostic());
            }
        }
        else
        {
            Render(context, model.SpecPath, () => (model.HintName, ModelEmitter.Emit(model)));
        }
    }

    private static void EmitRegistry(
        SourceProductionContext context, ImmutableArray<GeneratedModel> models, Conflicts conflicts, GeneratorOptions options)
    {
        if (options.EmitRegistry && models.FirstOrDefault(m => !conflicts.Involve(m)) is { } first)
        {
            Render(context, first.SpecPath, () => GeneratedSources.Registry(options.Namespace, models, conflicts));
        }
    }

    /// <summary>Runs an emitter and adds its source; a bug in it becomes EFF0099 on the spec instead of CS8785 for the whole project.</summary>
    private static void Render(SourceProductionContext context, string specPath, Func<(string HintName, string Source)?> emit)
    {
        (string HintName, string Source)? emitted;
        try
        {
            emitted = emit();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Report(context, DiagnosticCatalog.InternalError, specPath, e.GetType().Name + ": " + e.Message);
            return;
        }
        if (emitted is { } source)
        {
            context.AddSource(source.HintName, SourceText.From(source.Source, Encoding.UTF8));
        }
    }

    private static void Report(SourceProductionContext context, Dsl.Diagnostics.DiagnosticDescriptor descriptor, string specPath, params string[] arguments) =>
        context.ReportDiagnostic(new DiagnosticInfo(descriptor.Id, arguments.ToEquatableArray(), specPath, GeneratedSources.FileStart).ToDiagnostic());
}
