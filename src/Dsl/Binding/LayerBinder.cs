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
        foreach (var duplicate in layers.Where(s => !IsRow(s)).GroupBy(s => s.Keyword.Text).SelectMany(g => g.Skip(1)))
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Duplicate, duplicate.Keyword.Span, "statement", duplicate.Keyword.Text, $" in {context}"));
        }
        var stem = layers.FirstOrDefault(s => s.Keyword.Text == "stem");
        var head = layers.FirstOrDefault(s => s.Keyword.Text == "head");
        var rows = new List<StageSpec>();
        foreach (var row in layers.Where(IsRow))
        {
            if (row.Keyword.Text == Then && rows.Count == 0)
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Missing, row.Keyword.Span, "a 'stage' row before this 'then' row", context));
            }
            rows.Add(BindStage(row, rows.LastOrDefault(), diagnostics));
        }
        return new LayerSet(
            stem is null ? null : BindStem(stem, diagnostics),
            rows,
            head is not null,
            head is null ? null : BindHead(head, diagnostics));
    }

    private const string Then = "then";

    /// <summary>A row of the stage table: <c>stage</c> opens a stage, <c>then</c> adds blocks to it.</summary>
    private static bool IsRow(StatementSyntax statement) => statement.Keyword.Text is "stage" or Then;

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
            statement.Span)
        {
            Shrinks = r.Choice("shrink", true, OptionTables.Switches),
        };
    }

    /// <summary>
    /// A <c>stage</c> row, or a <c>then</c> row, which keeps the stride (s1) and takes what it does not say from the row
    /// before it: the channels and the activation always; kernels, expansion, SE, forced input, skip and activated
    /// projection when both rows have the same block type (another type's options may not apply).
    /// </summary>
    private static StageSpec BindStage(StatementSyntax statement, StageSpec? previous, List<SpecDiagnostic> diagnostics)
    {
        var kind = CheckType(statement, BlockKinds.ByName.Keys, diagnostics) ? BlockKinds.ByName[statement.Subject!.Text] : BlockKind.MBConv;
        var continues = statement.Keyword.Text == Then;
        var row = continues ? previous : null;
        var inherited = row?.Kind == kind ? row : null;
        var r = new OptionReader($"'{statement.Keyword.Text}'", statement.Options, continues ? OptionTables.Then : OptionTables.Stage, diagnostics);
        int Integer(string key, int? from, System.Func<int, bool> valid, string requirement) =>
            from is { } value ? r.Integer(key, value, valid, requirement) : r.RequiredInteger(key, statement.Span, valid, requirement);
        var kernels = BindKernels(r, statement, kind, inherited, diagnostics);
        var stage = new StageSpec(
            kind,
            kernels.Kernel,
            continues ? r.Integer("s", 1, s => s == 1, "must be 1: only a stage's first row changes the stride") : Integer("s", null, Rules.IsStride, Rules.StrideRequirement),
            kind == BlockKind.DepthwiseSeparable ? 1 : r.Number("e", inherited?.Expansion ?? 1, v => v >= 1 && v <= 1000, "must be in [1, 1000]"),
            Integer("c", row?.Channels, Rules.IsPositive, Rules.PositiveRequirement),
            continues ? r.Integer("r", 1, Rules.IsPositive, Rules.PositiveRequirement) : Integer("r", null, Rules.IsPositive, Rules.PositiveRequirement),
            r.Number("se", inherited?.SeRatio ?? 0, v => v >= 0 && v <= 1, "must be in [0, 1] (0: none)"),
            r.Has("act") ? r.Choice("act", Architecture.Activation.SiLU, OptionTables.Activations) : row?.Activation,
            r.Has("fc") ? r.Integer("fc", 1, Rules.IsPositive, Rules.PositiveRequirement) : inherited?.ForcedInput,
            r.Has("skip") ? r.Choice("skip", true, OptionTables.Switches) : inherited?.Skip,
            r.Choice("fixed", inherited?.FixedRepeats ?? false, OptionTables.Switches),
            statement.Span)
        {
            Continues = continues,
            PointwiseActivation = r.Choice("pw_act", inherited?.PointwiseActivation ?? false, OptionTables.Switches),
            Kernels = kernels.Mixed,
            ExpandKernels = kernels.Expand,
            ProjectKernels = kernels.Project,
            UirKernels = kernels.Uir,
        };
        // An option a row takes from the one above is reported on the row: it has no text of its own to point at.
        void Reject(string key, string reason)
        {
            if (r.Has(key))
            {
                r.Reject(key, reason);
            }
            else
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidValue, statement.Span, $"'{key}' taken from the row above", reason));
            }
        }
        if (r.Has("fc") && kind != BlockKind.Edge)
        {
            r.Reject("fc", "forced input channels only apply to 'edge' blocks");
        }
        if (kind == BlockKind.DepthwiseSeparable && r.Has("e"))
        {
            r.Reject("e", "a 'dsconv' block has no expansion");
        }
        if (r.Has("pw_act") && kind != BlockKind.DepthwiseSeparable)
        {
            r.Reject("pw_act", "only a 'dsconv' block's projection can be activated");
        }
        if (kind == BlockKind.UniversalInvertedResidual && stage.Stride > 1 && stage.Kernel + stage.UirKernels.Start + stage.UirKernels.End == 0)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidValue, statement.Span, "'uir' row", "a strided block needs a depthwise convolution to stride (a, k or p above 0)"));
        }
        if (kind == BlockKind.Fused && stage.Expansion == 1 && stage.SeRatio > 0)
        {
            Reject("se", "a 'fused' block with e1 is a single convolution and has no squeeze-excitation");
        }
        return kind == BlockKind.Edge || stage.ForcedInput is null ? stage : stage with { ForcedInput = null };
    }

    /// <summary>
    /// The kernels of a row (its own, else the row before's): <c>k</c>, a single kernel or a mixed list (<c>mbconv</c>,
    /// <c>dsconv</c>); <c>a</c>/<c>p</c>, the expansion's and projection's 1×1 groups (<c>a1.1</c>); for <c>uir</c> the
    /// depthwise kernels before (<c>a</c>), between (<c>k</c>) and after (<c>p</c>) its 1×1 convolutions, 0 for none.
    /// </summary>
    private static (int Kernel, EquatableArray<int> Mixed, EquatableArray<int> Expand, EquatableArray<int> Project, (int, int) Uir) BindKernels(
        OptionReader r, StatementSyntax statement, BlockKind kind, StageSpec? inherited, List<SpecDiagnostic> diagnostics)
    {
        var uir = kind == BlockKind.UniversalInvertedResidual;
        System.Func<int, bool> kernelRule = uir ? k => k == 0 || Rules.IsKernel(k) : Rules.IsKernel;
        var requirement = uir ? "must be 0 (none) or an odd whole number ≥ 1" : Rules.KernelRequirement;
        if (!r.Has("k") && inherited is null)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Missing, statement.Span, "kernel size 'k'", $"'{statement.Keyword.Text}'"));
        }
        var fromRow = inherited is null ? new[] { 1 } : inherited.Kernels.Count > 0 ? inherited.Kernels.ToArray() : new[] { inherited.Kernel };
        var k = r.Kernels("k", fromRow, kernelRule, requirement);
        if (uir)
        {
            int Single(string key, int fallback)
            {
                var values = r.Kernels(key, new[] { fallback }, kernelRule, requirement);
                if (values.Length > 1)
                {
                    r.Reject(key, "a 'uir' block's depthwise convolutions have one kernel each");
                }
                return values[0];
            }
            if (k.Length > 1)
            {
                r.Reject("k", "a 'uir' block's depthwise convolutions have one kernel each");
            }
            var (start, end) = (Single("a", inherited?.UirKernels.Start ?? 0), Single("p", inherited?.UirKernels.End ?? 0));
            return (k[0], EquatableArray<int>.Empty, EquatableArray<int>.Empty, EquatableArray<int>.Empty, (start, end));
        }
        EquatableArray<int> Groups(string key, EquatableArray<int> fallback, bool allowed)
        {
            var values = r.Kernels(key, fallback.Count > 0 ? fallback.ToArray() : new[] { 1 }, Rules.IsKernel, Rules.KernelRequirement);
            if (r.Has(key) && (!allowed || values.Any(v => v != 1)))
            {
                r.Reject(key, allowed ? "groups of 1×1 convolutions only: 1.1, 1.1.1, …" : "only an 'mbconv' (a, p) or 'dsconv' (p) block has 1×1 groups");
            }
            return values.Length > 1 ? values.ToEquatableArray() : EquatableArray<int>.Empty;
        }
        var depthwise = kind is BlockKind.MBConv or BlockKind.DepthwiseSeparable;
        if (k.Length > 1 && !depthwise)
        {
            r.Reject("k", "only an 'mbconv' or 'dsconv' block's depthwise convolution mixes kernels");
        }
        return (k.Max(), depthwise && k.Length > 1 ? k.ToEquatableArray() : EquatableArray<int>.Empty,
            Groups("a", inherited?.ExpandKernels ?? default, kind == BlockKind.MBConv),
            Groups("p", inherited?.ProjectKernels ?? default, depthwise), (0, 0));
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
