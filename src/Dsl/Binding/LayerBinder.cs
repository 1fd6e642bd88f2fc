using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Model;
using EffNetGen.Dsl.Syntax;

namespace EffNetGen.Dsl.Binding;

/// <summary>
/// The layers a family or a variant declares: <c>stem</c>, <c>stage</c> rows and <c>head</c>. Parts a
/// variant leaves out come from its family; a part neither declares is reported missing.
/// </summary>
internal sealed record LayerSet(ConvSpec? Stem, IReadOnlyList<StageSpec> Stages, bool HasHead, ConvSpec? Head)
{
    public static LayerSet Bind(IEnumerable<StatementSyntax> statements, string context, List<SpecDiagnostic> diagnostics)
    {
        var layers = statements.Where(s => Keywords.Layers.Contains(s.Keyword.Text)).ToList();
        foreach (var duplicate in layers.Where(s => s.Keyword.Text != "stage").GroupBy(s => s.Keyword.Text).SelectMany(g => g.Skip(1)))
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Duplicate, duplicate.Keyword.Span, "statement", duplicate.Keyword.Text, $" in {context}"));
        }
        var stem = layers.FirstOrDefault(s => s.Keyword.Text == "stem");
        var head = layers.FirstOrDefault(s => s.Keyword.Text == "head");
        return new LayerSet(
            stem is null ? null : BindStem(stem, diagnostics),
            layers.Where(s => s.Keyword.Text == "stage").Select(s => BindStage(s, diagnostics)).ToList(),
            head is not null,
            head is null ? null : BindHead(head, diagnostics));
    }

    /// <summary>This set's parts where it has them, <paramref name="fallback"/>'s otherwise.</summary>
    public LayerSet Over(LayerSet fallback) => new(
        Stem ?? fallback.Stem,
        Stages.Count > 0 ? Stages : fallback.Stages,
        HasHead || fallback.HasHead,
        HasHead ? Head : fallback.Head);

    private static ConvSpec BindStem(StatementSyntax statement, List<SpecDiagnostic> diagnostics)
    {
        CheckType(statement, new[] { "conv" }, diagnostics);
        var r = new OptionReader("'stem'", statement.Options, OptionTables.Stem, diagnostics);
        return new ConvSpec(
            r.Integer("k", 3, Rules.IsKernel, Rules.KernelRequirement),
            r.Integer("s", 2, Rules.IsStride, Rules.StrideRequirement),
            r.RequiredInteger("c", statement.Span, Rules.IsPositive, Rules.PositiveRequirement),
            null,
            Activation(r),
            r.Choice("fixed", false, OptionTables.Switches),
            statement.Span);
    }

    private static ConvSpec? BindHead(StatementSyntax statement, List<SpecDiagnostic> diagnostics)
    {
        CheckType(statement, new[] { "conv", "none" }, diagnostics);
        var r = new OptionReader("'head'", statement.Options, statement.Subject!.Text == "none" ? new Dictionary<string, string>() : OptionTables.Head, diagnostics);
        if (statement.Subject!.Text == "none")
        {
            return null;
        }
        if (r.Has("c") == r.Has("times"))
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Missing, statement.Span, "either channels 'c' or 'times' (a multiple of the last stage)", "'head'"));
        }
        return new ConvSpec(
            r.Integer("k", 1, Rules.IsKernel, Rules.KernelRequirement),
            1,
            r.Integer("c", 1, Rules.IsPositive, Rules.PositiveRequirement),
            r.Has("times") ? r.Integer("times", 1, Rules.IsPositive, Rules.PositiveRequirement) : null,
            Activation(r),
            r.Choice("fixed", false, OptionTables.Switches),
            statement.Span);
    }

    private static StageSpec BindStage(StatementSyntax statement, List<SpecDiagnostic> diagnostics)
    {
        var kind = CheckType(statement, BlockKinds.ByName.Keys, diagnostics) ? BlockKinds.ByName[statement.Subject!.Text] : BlockKind.MBConv;
        var r = new OptionReader("'stage'", statement.Options, OptionTables.Stage, diagnostics);
        var stage = new StageSpec(
            kind,
            r.RequiredInteger("k", statement.Span, Rules.IsKernel, Rules.KernelRequirement),
            r.RequiredInteger("s", statement.Span, Rules.IsStride, Rules.StrideRequirement),
            r.Number("e", 1, v => v >= 1 && v <= 1000, "must be in [1, 1000]"),
            r.RequiredInteger("c", statement.Span, Rules.IsPositive, Rules.PositiveRequirement),
            r.RequiredInteger("r", statement.Span, Rules.IsPositive, Rules.PositiveRequirement),
            r.Number("se", 0, v => v > 0 && v <= 1, "must be in (0, 1]"),
            Activation(r),
            r.Has("fc") ? r.Integer("fc", 1, Rules.IsPositive, Rules.PositiveRequirement) : null,
            r.Has("skip") ? r.Choice("skip", true, OptionTables.Switches) : null,
            r.Choice("fixed", false, OptionTables.Switches),
            statement.Span);
        if (stage.ForcedInput is not null && kind != BlockKind.Edge)
        {
            r.Reject("fc", "forced input channels only apply to 'edge' blocks");
        }
        if (kind == BlockKind.DepthwiseSeparable && r.Has("e"))
        {
            r.Reject("e", "a 'dsconv' block has no expansion");
        }
        if (kind == BlockKind.Fused && stage.Expansion == 1 && stage.SeRatio > 0)
        {
            r.Reject("se", "a 'fused' block with e1 is a single convolution and has no squeeze-excitation");
        }
        return stage;
    }

    private static Activation? Activation(OptionReader r) =>
        r.Has("act") ? r.Choice("act", Architecture.Activation.SiLU, OptionTables.Activations) : null;

    private static bool CheckType(StatementSyntax statement, IEnumerable<string> expected, List<SpecDiagnostic> diagnostics)
    {
        var type = statement.Subject!;
        var allowed = expected.ToList();
        if (allowed.Contains(type.Text))
        {
            return true;
        }
        diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.UnknownName, type.Span, "layer type", type.Text,
            $" in '{statement.Keyword.Text}'" + Suggestions.DidYouMean(type.Text, allowed) + $"; expected {string.Join(", ", allowed.Select(a => $"'{a}'"))}"));
        return false;
    }
}

/// <summary>Value rules shared by several options.</summary>
internal static class Rules
{
    public const string KernelRequirement = "must be an odd whole number ≥ 1";
    public const string StrideRequirement = "must be 1 or 2";
    public const string PositiveRequirement = "must be a whole number ≥ 1";
    public const string RateRequirement = "must be in [0, 1)";

    public static bool IsKernel(int k) => k >= 1 && k % 2 == 1;

    public static bool IsStride(int s) => s is 1 or 2;

    public static bool IsPositive(int v) => v >= 1;

    public static bool IsRate(double v) => v >= 0 && v < 1;
}
