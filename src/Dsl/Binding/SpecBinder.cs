using System;
using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Model;
using EffNetGen.Dsl.Resolution;
using EffNetGen.Dsl.Syntax;

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
    private static readonly NormSettings DefaultNorm = new(1e-5, 0.1);
    private static readonly ScalingSpec DefaultScaling = new(1.2, 1.1, 1.15, 8, null, DepthRounding.Ceil, 224);
    // timm's and torchvision's ImageNet evaluation: bicubic, crop 0.875 (resize 256 for 224), ImageNet statistics.
    private static readonly PreprocessSpec DefaultPreprocess = new(Interpolation.Bicubic, Normalization.ImageNet, 0.875);
    private static readonly DefaultsSpec DefaultBlocks = new(Activation.SiLU, Padding.Symmetric, SeBase.Input, SeRounding.Floor, ExpandRounding.Divisor, Gate.Sigmoid, null);

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
        var context = $"family '{family.Name.Text}'";
        var single = SingleStatements(family, context, diagnostics);

        var ns = single.TryGetValue(Keywords.Namespace, out var nsStatement) ? nsStatement.Subject! : null;
        if (ns is not null && CSharpNames.NamespaceProblem(ns.Text) is { } nsProblem)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidName, ns.Span, ns.Text, nsProblem));
        }

        var scaling = Settings(single, "scaling", OptionTables.Scaling, diagnostics, BindScaling) ?? DefaultScaling;
        CheckScalingConstants(scaling, single, diagnostics);
        var norm = Settings(single, "norm", OptionTables.Norm, diagnostics, r => BindNorm(r, DefaultNorm)) ?? DefaultNorm;
        var defaults = Settings(single, "defaults", OptionTables.Defaults, diagnostics, BindDefaults) ?? DefaultBlocks;
        var preprocess = Settings(single, "preprocess", OptionTables.Preprocess, diagnostics, r => new PreprocessSpec(
            r.Choice("interpolation", DefaultPreprocess.Interpolation, OptionTables.Interpolations),
            r.Choice("normalize", DefaultPreprocess.Normalization, OptionTables.Normalizations),
            r.Number("crop", DefaultPreprocess.CropPct, v => v > 0 && v <= 1, "must be in (0, 1]"))) ?? DefaultPreprocess;
        var (prefix, layout) = Settings(single, "naming", OptionTables.Naming, diagnostics,
            r => ((string, FeatureLayout)?)(r.Word("prefix", ""), r.Choice("layout", FeatureLayout.Stages, OptionTables.Layouts))) ?? ("", FeatureLayout.Stages);
        var modelPrefix = prefix.Length > 0 ? prefix : family.Name.Text.ToLowerInvariant() + "_";
        var (classes, hidden) = Settings(single, "classifier", OptionTables.Classifier, diagnostics, r => ((int, HiddenLayer?)?)(
            r.Integer("classes", 1000, Rules.IsPositive, Rules.PositiveRequirement), BindHidden(r, defaults.Activation))) ?? (1000, null);
        var (dropout, stochasticDepth) = Settings(single, "regularization", OptionTables.Regularization, diagnostics,
            r => ((double, double)?)(r.Number("dropout", 0.2, Rules.IsRate, Rules.RateRequirement), r.Number("stochastic_depth", 0.2, Rules.IsRate, Rules.RateRequirement)))
            ?? (0.2, 0.2);
        var training = Settings(single, "training", OptionTables.Training, diagnostics, r => TrainingBinder.Bind(r, TrainingBinder.Paper));
        foreach (var settings in family.Statements.Where(s => s.Body.Count > 0 && s.Keyword.Text != Keywords.Variant))
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidValue, settings.Body[0].Keyword.Span,
                $"'{settings.Body[0].Keyword.Text}' statement in '{settings.Keyword.Text}'", "layers belong to the family or to a variant"));
        }

        var familyLayers = LayerSet.Bind(family.Statements, context, diagnostics);
        var variantDefaults = new VariantDefaults(scaling, norm, dropout, stochasticDepth, training, familyLayers, layout);
        var variants = BindVariants(family, variantDefaults, diagnostics);
        return new FamilySpec(family.Name.Text, ns?.Text, modelPrefix, scaling, defaults, preprocess, classes, variants.ToEquatableArray(), family.Span)
        {
            Hidden = hidden,
        };
    }

    /// <summary>Statements that may appear at most once, by keyword; duplicates are reported.</summary>
    private static Dictionary<string, StatementSyntax> SingleStatements(FamilySyntax family, string context, List<SpecDiagnostic> diagnostics)
    {
        var single = new Dictionary<string, StatementSyntax>(StringComparer.Ordinal);
        foreach (var statement in family.Statements.Where(s => !Keywords.Layers.Contains(s.Keyword.Text) && s.Keyword.Text != Keywords.Variant))
        {
            if (single.ContainsKey(statement.Keyword.Text))
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Duplicate, statement.Keyword.Span, "statement", statement.Keyword.Text, $" in {context}"));
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
        r.Number("alpha", DefaultScaling.Alpha, v => v >= 1 && v <= 10, "must be in [1, 10]"),
        r.Number("beta", DefaultScaling.Beta, v => v >= 1 && v <= 10, "must be in [1, 10]"),
        r.Number("gamma", DefaultScaling.Gamma, v => v >= 1 && v <= 10, "must be in [1, 10]"),
        r.Integer("divisor", DefaultScaling.Divisor, Rules.IsPositive, Rules.PositiveRequirement),
        r.Has("min") ? r.Integer("min", 1, Rules.IsPositive, Rules.PositiveRequirement) : null,
        r.Choice("depth", DefaultScaling.DepthRounding, OptionTables.DepthRoundings),
        r.Integer("resolution", DefaultScaling.BaseResolution, Rules.IsPositive, Rules.PositiveRequirement));

    /// <summary>The paper chooses alpha·beta²·gamma² ≈ 2 so that each step of phi doubles the FLOPs.</summary>
    private static void CheckScalingConstants(ScalingSpec scaling, Dictionary<string, StatementSyntax> single, List<SpecDiagnostic> diagnostics)
    {
        const double Tolerance = 0.1;
        var product = scaling.Alpha * scaling.Beta * scaling.Beta * scaling.Gamma * scaling.Gamma;
        if (Math.Abs(product - 2) > Tolerance && single.TryGetValue("scaling", out var statement))
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.ScalingConstants, statement.Keyword.Span,
                product.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), Tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private static NormSettings BindNorm(OptionReader r, NormSettings defaults) => new(
        r.Number("eps", defaults.Eps, v => v > 0 && v < 1, "must be in (0, 1)"),
        r.Number("momentum", defaults.Momentum, v => v > 0 && v <= 1, "must be in (0, 1]"));

    private static DefaultsSpec BindDefaults(OptionReader r) => new(
        r.Choice("act", DefaultBlocks.Activation, OptionTables.Activations),
        r.Choice("padding", DefaultBlocks.Padding, OptionTables.Paddings),
        r.Choice("se_base", DefaultBlocks.SeBase, OptionTables.SeBases),
        r.Choice("se_round", DefaultBlocks.SeRounding, OptionTables.SeRoundings),
        r.Choice("expand_round", DefaultBlocks.ExpandRounding, OptionTables.ExpandRoundings),
        r.Choice("se_gate", DefaultBlocks.SeGate, OptionTables.Gates),
        r.Has("se_act") ? r.Choice("se_act", Activation.ReLU, OptionTables.Activations) : null);

    /// <summary>
    /// <c>classifier { hidden 1280  act hswish  norm on }</c>: a hidden layer, activated like the blocks unless <c>act</c>
    /// says otherwise, with a bias (MobileNetV3) or, <c>norm on</c>, BatchNorm instead (MobileNetV4).
    /// </summary>
    private static HiddenLayer? BindHidden(OptionReader r, Activation blocks)
    {
        if (!r.Has("hidden"))
        {
            foreach (var key in new[] { "act", "norm" }.Where(r.Has))
            {
                r.Reject(key, "only a hidden layer ('hidden') has an activation and a norm");
            }
            return null;
        }
        return new HiddenLayer(r.Integer("hidden", 1, Rules.IsPositive, Rules.PositiveRequirement), r.Choice("act", blocks, OptionTables.Activations),
            r.Choice("norm", false, OptionTables.Switches));
    }

    /// <summary>The class the generator lists every model in; no variant may be named like it.</summary>
    private const string RegistryClassName = "EffNetModels";

    private sealed record VariantDefaults(ScalingSpec Scaling, NormSettings Norm, double Dropout, double StochasticDepth, TrainingRecipe? Training, LayerSet Layers, FeatureLayout Layout);

    private static List<VariantSpec> BindVariants(FamilySyntax family, VariantDefaults defaults, List<SpecDiagnostic> diagnostics)
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
            var className = family.Name.Text + name.Text;
            if (CSharpNames.ClassProblem(className) is { } classProblem)
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidName, name.Span, className, classProblem));
            }
            if (family.Name.Text + name.Text == RegistryClassName)
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidName, name.Span, RegistryClassName, "the generated registry has that name"));
            }
            var context = $"variant '{name.Text}'";
            var r = new OptionReader(context, statement.Options, OptionTables.Variant, diagnostics);
            var normOptions = r.Block("norm");
            var norm = normOptions is null
                ? defaults.Norm
                : BindNorm(new OptionReader($"'norm' of {context}", normOptions, OptionTables.Norm, diagnostics), defaults.Norm);
            // A variant's training options override single values of its family's recipe (or of the paper's, without one).
            var trainingOptions = r.Block("training");
            var training = trainingOptions is null
                ? defaults.Training
                : TrainingBinder.Bind(new OptionReader($"'training' of {context}", trainingOptions, OptionTables.Training, diagnostics), defaults.Training ?? TrainingBinder.Paper);
            var layers = LayerSet.Bind(statement.Body, context, diagnostics).Over(defaults.Layers);
            var expect = r.Block("expect");
            var expectations = expect is null
                ? EquatableArray<Expectation>.Empty
                : BindExpectations(new OptionReader($"'expect' of {context}", expect, OptionTables.Expect, diagnostics));
            variants.Add(BindMultipliers(r, defaults.Scaling, name.Text, statement) with
            {
                Dropout = r.Number("dropout", defaults.Dropout, Rules.IsRate, Rules.RateRequirement),
                StochasticDepth = r.Number("stochastic_depth", defaults.StochasticDepth, Rules.IsRate, Rules.RateRequirement),
                CropPct = r.Has("crop") ? r.Number("crop", 1, v => v > 0 && v <= 1, "must be in (0, 1]") : null,
                Norm = norm,
                Layout = Complete(layers, statement, diagnostics),
                Expectations = expectations,
                Training = training,
                ModelName = r.Has("model") ? r.Word("model", name.Text.ToLowerInvariant()) : null,
                ModuleLayout = r.Choice("layout", defaults.Layout, OptionTables.Layouts),
                OutputStride = r.Has("output_stride") ? r.Integer("output_stride", 16, v => v is 8 or 16, "must be 8 or 16") : null,
                Interpolation = r.Has("interpolation") ? r.Choice("interpolation", Interpolation.Bicubic, OptionTables.Interpolations) : null,
            });
        }
        if (variants.Count == 0 && names.Count == 0)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Missing, family.Name.Span, "'variant' statement", $"family '{family.Name.Text}'"));
        }
        return variants;
    }

    private static EquatableArray<Expectation> BindExpectations(OptionReader r) =>
        new[] { r.Expectation("params", "parameters"), r.Expectation("macs", "MACs") }
            .Where(e => e is not null).Select(e => e!).ToEquatableArray();

    private static string Invariant(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Width, depth and resolution: explicit values win (with a warning next to <c>phi</c>); otherwise <c>phi</c> gives
    /// beta^phi, alpha^phi and the base resolution × gamma^phi rounded to a multiple of 8; otherwise the baseline's.
    /// </summary>
    private static VariantSpec BindMultipliers(OptionReader r, ScalingSpec scaling, string name, StatementSyntax statement)
    {
        double? phi = r.Has("phi") ? r.Number("phi", 0, v => v >= 0 && v <= 20, "must be in [0, 20]") : null;
        var width = r.Number("width", phi is { } pw ? Math.Pow(scaling.Beta, pw) : 1.0, v => v > 0, "must be > 0");
        var depth = r.Number("depth", phi is { } pd ? Math.Pow(scaling.Alpha, pd) : 1.0, v => v > 0, "must be > 0");
        foreach (var (key, value, coefficient) in new[] { ("width", width, scaling.Beta), ("depth", depth, scaling.Alpha) })
        {
            if (phi is { } given && r.Has(key))
            {
                r.Warn(key, DiagnosticCatalog.PhiMultiplier, name, Invariant(given), key, Invariant(value),
                    Math.Pow(coefficient, given).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        var predicted = phi is { } pr ? Rounding.RoundResolution(scaling.BaseResolution * Math.Pow(scaling.Gamma, pr)) : scaling.BaseResolution;
        var resolution = r.Integer("resolution", predicted, Rules.IsPositive, Rules.PositiveRequirement);
        if (phi is { } p && r.Has("resolution") && resolution != predicted)
        {
            r.Warn("resolution", DiagnosticCatalog.PhiResolution, name, Invariant(p), Invariant(resolution), Invariant(predicted));
        }
        return new VariantSpec(name, width, depth, resolution, phi, 0, 0, null, DefaultNorm, EmptyLayout, statement.Span);
    }

    private static readonly LayoutSpec EmptyLayout = new(new ConvSpec(1, 1, 1, null, null, false, default), EquatableArray<StageSpec>.Empty, null);

    /// <summary>The variant's layout, reporting each part that neither the variant nor its family declares.</summary>
    private static LayoutSpec Complete(LayerSet layers, StatementSyntax variant, List<SpecDiagnostic> diagnostics)
    {
        var context = $"variant '{variant.Subject!.Text}' or its family";
        foreach (var (missing, what) in new[] { (layers.Stem is null, "'stem' statement"), (layers.Stages.Count == 0, "'stage' statement"), (!layers.HasHead, "'head' statement") })
        {
            if (missing)
            {
                diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.Missing, variant.Subject!.Span, what, context));
            }
        }
        return new LayoutSpec(layers.Stem ?? EmptyLayout.Stem, layers.Stages.ToEquatableArray(), layers.Head);
    }

    private static void CheckTypeName(Identifier name, List<SpecDiagnostic> diagnostics)
    {
        if (CSharpNames.Problem(name.Text) is { } problem)
        {
            diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidName, name.Span, name.Text, problem));
        }
    }
}
