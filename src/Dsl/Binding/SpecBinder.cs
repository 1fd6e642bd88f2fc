using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Model;
using EffNetGen.Dsl.Syntax;
using EffNetGen.Dsl.Text;

namespace EffNetGen.Dsl.Binding;

/// <summary>The bound families of one file and every problem found while binding them.</summary>
public sealed record BindResult(EquatableArray<FamilySpec> Families, EquatableArray<SpecDiagnostic> Diagnostics);

/// <summary>
/// Gives the syntax tree its meaning: checks each statement's options, applies defaults and
/// produces one <see cref="FamilySpec"/> per family. A family with errors is not returned.
/// </summary>
public static class SpecBinder
{
    // Defaults follow torchvision's EfficientNet (BatchNorm2d defaults, make_divisible(…, 8), ceil depth).
    private static readonly NormSpec DefaultNorm = new(1e-5, 0.1);
    private static readonly ScalingSpec DefaultScaling = new(1.2, 1.1, 1.15, 8, DepthRounding.Ceil);

    /// <summary>Binds every family of <paramref name="syntax"/>.</summary>
    public static BindResult Bind(SpecSyntax syntax)
    {
        var diagnostics = new List<SpecDiagnostic>();
        var families = new List<FamilySpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in syntax.Families)
        {
            if (!names.Add(family.Name.Text))
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Duplicate, family.Name.Span, "family", family.Name.Text, ""));
                continue;
            }
            var errorsBefore = diagnostics.Count(d => d.Severity == Severity.Error);
            var bound = BindFamily(family, diagnostics);
            if (diagnostics.Count(d => d.Severity == Severity.Error) == errorsBefore)
            {
                families.Add(bound);
            }
        }
        return new BindResult(families.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static FamilySpec BindFamily(FamilySyntax family, List<SpecDiagnostic> diagnostics)
    {
        CheckTypeName(family.Name, diagnostics);
        var single = SingleStatements(family, diagnostics);
        var context = $"family '{family.Name.Text}'";

        var ns = single.TryGetValue(Keywords.Namespace, out var nsStatement) ? nsStatement.Subject! : null;
        if (ns is not null && CSharpNames.NamespaceProblem(ns.Text) is { } nsProblem)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidName, ns.Span, ns.Text, nsProblem));
        }

        var scaling = Settings(single, "scaling", OptionTables.Scaling, diagnostics, r => BindScaling(r));
        var norm = Settings(single, "norm", OptionTables.Norm, diagnostics, r => BindNorm(r, DefaultNorm));
        var classes = Settings(single, "classifier", OptionTables.Classifier, diagnostics,
            r => (int?)r.Integer("classes", 1000, v => v >= 1, "must be a whole number ≥ 1")) ?? 1000;
        var regularization = Settings(single, "regularization", OptionTables.Regularization, diagnostics,
            r => ((double, double)?)(r.Number("dropout", 0.2, IsRate, RateRequirement), r.Number("stochastic_depth", 0.2, IsRate, RateRequirement)));

        var stem = Layer(family, single, "stem", context, diagnostics);
        var head = Layer(family, single, "head", context, diagnostics);
        var stages = family.Statements.Where(s => s.Keyword.Text == "stage").Select(s => BindStage(s, diagnostics)).ToList();
        if (stages.Count == 0)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Missing, family.Name.Span, "'stage' statement", context));
        }

        var (dropout, stochasticDepth) = regularization ?? (0.2, 0.2);
        var variantDefaults = new VariantSpec("", 1.0, 1.0, 224, dropout, stochasticDepth, norm ?? DefaultNorm, family.Span);
        var variants = BindVariants(family, variantDefaults, diagnostics);

        return new FamilySpec(
            family.Name.Text, ns?.Text, scaling ?? DefaultScaling, stem, stages.ToEquatableArray(), head, classes,
            variants.ToEquatableArray(), family.Span);
    }

    /// <summary>Statements that may appear at most once, by keyword; duplicates are reported.</summary>
    private static Dictionary<string, StatementSyntax> SingleStatements(FamilySyntax family, List<SpecDiagnostic> diagnostics)
    {
        var single = new Dictionary<string, StatementSyntax>(StringComparer.Ordinal);
        foreach (var statement in family.Statements.Where(s => s.Keyword.Text is not ("stage" or Keywords.Variant)))
        {
            if (single.ContainsKey(statement.Keyword.Text))
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Duplicate, statement.Keyword.Span, "statement", statement.Keyword.Text, $" in family '{family.Name.Text}'"));
            }
            else
            {
                single.Add(statement.Keyword.Text, statement);
            }
        }
        return single;
    }

    private static T? Settings<T>(
        Dictionary<string, StatementSyntax> single, string keyword, IReadOnlyDictionary<string, string> known,
        List<SpecDiagnostic> diagnostics, Func<OptionReader, T> bind)
        => single.TryGetValue(keyword, out var statement)
            ? bind(new OptionReader($"'{keyword}'", statement.Options, known, diagnostics))
            : default;

    private static ScalingSpec BindScaling(OptionReader r) => new(
        r.Number("alpha", DefaultScaling.Alpha, v => v >= 1, "must be ≥ 1"),
        r.Number("beta", DefaultScaling.Beta, v => v >= 1, "must be ≥ 1"),
        r.Number("gamma", DefaultScaling.Gamma, v => v >= 1, "must be ≥ 1"),
        r.Integer("divisor", DefaultScaling.Divisor, v => v >= 1, "must be a whole number ≥ 1"),
        r.Choice("depth", DefaultScaling.DepthRounding, OptionTables.DepthRoundings));

    private static NormSpec BindNorm(OptionReader r, NormSpec defaults) => new(
        r.Number("eps", defaults.Eps, v => v > 0 && v < 1, "must be in (0, 1)"),
        r.Number("momentum", defaults.Momentum, v => v > 0 && v <= 1, "must be in (0, 1]"));

    private const string RateRequirement = "must be in [0, 1)";

    private static bool IsRate(double v) => v >= 0 && v < 1;

    private static bool IsKernel(int k) => k >= 1 && k % 2 == 1;

    private static bool IsStride(int s) => s is 1 or 2;

    private static ConvSpec Layer(FamilySyntax family, Dictionary<string, StatementSyntax> single, string keyword, string context, List<SpecDiagnostic> diagnostics)
    {
        if (!single.TryGetValue(keyword, out var statement))
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Missing, family.Name.Span, $"'{keyword}' statement", context));
            return new ConvSpec(1, 1, 1, Activation.SiLU, family.Span);
        }
        CheckLayerType(statement, "conv", diagnostics);
        var r = new OptionReader($"'{keyword}'", statement.Options, OptionTables.Conv, diagnostics);
        return new ConvSpec(
            r.Integer("k", 1, IsKernel, "must be an odd whole number ≥ 1"),
            r.Integer("s", 1, IsStride, "must be 1 or 2"),
            r.RequiredInteger("c", statement.Span, v => v >= 1, "must be a whole number ≥ 1"),
            r.Choice("act", Activation.SiLU, OptionTables.Activations),
            statement.Span);
    }

    private static StageSpec BindStage(StatementSyntax statement, List<SpecDiagnostic> diagnostics)
    {
        CheckLayerType(statement, "mbconv", diagnostics);
        var r = new OptionReader("'stage'", statement.Options, OptionTables.MBConv, diagnostics);
        return new StageSpec(
            r.RequiredInteger("k", statement.Span, IsKernel, "must be an odd whole number ≥ 1"),
            r.RequiredInteger("s", statement.Span, IsStride, "must be 1 or 2"),
            r.Number("e", 1, v => v >= 1, "must be ≥ 1"),
            r.RequiredInteger("c", statement.Span, v => v >= 1, "must be a whole number ≥ 1"),
            r.RequiredInteger("r", statement.Span, v => v >= 1, "must be a whole number ≥ 1"),
            r.Number("se", 0, v => v > 0 && v <= 1, "must be in (0, 1]"),
            r.Choice("act", Activation.SiLU, OptionTables.Activations),
            statement.Span);
    }

    private static void CheckLayerType(StatementSyntax statement, string expected, List<SpecDiagnostic> diagnostics)
    {
        var type = statement.Subject!;
        if (type.Text != expected)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.UnknownName, type.Span,
                "layer type", type.Text, $" in '{statement.Keyword.Text}'" + Suggestions.DidYouMean(type.Text, new[] { expected }) + $"; expected '{expected}'"));
        }
    }

    private static List<VariantSpec> BindVariants(FamilySyntax family, VariantSpec defaults, List<SpecDiagnostic> diagnostics)
    {
        var variants = new List<VariantSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in family.Statements.Where(s => s.Keyword.Text == Keywords.Variant))
        {
            var name = statement.Subject!;
            if (!names.Add(name.Text))
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Duplicate, name.Span, "variant", name.Text, $" in family '{family.Name.Text}'"));
                continue;
            }
            CheckTypeName(new Identifier(family.Name.Text + name.Text, name.Span), diagnostics);
            var r = new OptionReader($"variant '{name.Text}'", statement.Options, OptionTables.Variant, diagnostics);
            var normOptions = r.Block("norm");
            var norm = normOptions is null
                ? defaults.Norm
                : BindNorm(new OptionReader($"'norm' of variant '{name.Text}'", normOptions, OptionTables.Norm, diagnostics), defaults.Norm);
            variants.Add(new VariantSpec(
                name.Text,
                r.Number("width", defaults.Width, v => v > 0, "must be > 0"),
                r.Number("depth", defaults.Depth, v => v > 0, "must be > 0"),
                r.Integer("resolution", defaults.Resolution, v => v >= 1, "must be a whole number ≥ 1"),
                r.Number("dropout", defaults.Dropout, IsRate, RateRequirement),
                r.Number("stochastic_depth", defaults.StochasticDepth, IsRate, RateRequirement),
                norm,
                statement.Span));
        }
        if (variants.Count == 0 && names.Count == 0)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Missing, family.Name.Span, "'variant' statement", $"family '{family.Name.Text}'"));
        }
        return variants;
    }

    private static void CheckTypeName(Identifier name, List<SpecDiagnostic> diagnostics)
    {
        if (CSharpNames.Problem(name.Text) is { } problem)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidName, name.Span, name.Text, problem));
        }
    }
}
