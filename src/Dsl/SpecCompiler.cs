using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using EffNetGen.Dsl.Binding;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Model;
using EffNetGen.Dsl.Parsing;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.Dsl;

/// <summary>Every resolved variant of one spec file, and every diagnostic about it.</summary>
public sealed record SpecCompilation(EquatableArray<ResolvedNetwork> Networks, EquatableArray<SpecDiagnostic> Diagnostics)
{
    /// <summary>True when no diagnostic is an error.</summary>
    public bool Succeeded => Diagnostics.All(d => d.Severity != Severity.Error);
}

/// <summary>
/// The whole pipeline for one file: text → syntax → bound families → resolved networks, then the checks
/// that need resolved numbers (budgets, contracts, residuals, strides).
/// </summary>
public static class SpecCompiler
{
    /// <summary>
    /// Compiles <paramref name="text"/> within <paramref name="budget"/> (default <see cref="Budget.Default"/>).
    /// Opt-in checks (<see cref="DiagnosticDescriptor.EnabledByDefault"/> false) are included only when
    /// <paramref name="includeOptIn"/> is set, as the generator does: Roslyn then filters them by the project's settings.
    /// Never throws for any input text.
    /// </summary>
    public static SpecCompilation Compile(string text, Budget? budget = null, bool includeOptIn = false)
    {
        budget ??= Budget.Default;
        if (VariantCount.FirstOver(text, budget.MaxVariants) is { } over)
        {
            return new SpecCompilation(EquatableArray<ResolvedNetwork>.Empty, new[]
            {
                SpecDiagnostic.Create(DiagnosticCatalog.BudgetExceeded, over.Span, over.Name,
                    $"is over the budget of {Count(budget.MaxVariants)} variants in one spec file (EffNetGenMaxVariants): this file has {Count(over.Total)}"),
            }.ToEquatableArray());
        }
        var parsed = SpecParser.Parse(text);
        if (parsed.Syntax is null)
        {
            return new SpecCompilation(EquatableArray<ResolvedNetwork>.Empty, new[] { parsed.Error! }.ToEquatableArray());
        }
        var bound = SpecBinder.Bind(parsed.Syntax);
        var networks = new List<ResolvedNetwork>();
        var diagnostics = bound.Diagnostics.ToList();
        foreach (var family in bound.Families)
        {
            diagnostics.AddRange(RoundedChannels(family));
            foreach (var variant in family.Variants)
            {
                if (ResolutionLimits.Problem(family, variant, budget) is { } problem)
                {
                    diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.BudgetExceeded, variant.Span, variant.Name, problem));
                    continue;
                }
                ResolvedNetwork network;
                try
                {
                    network = NetworkResolver.Resolve(family, variant);
                }
                catch (System.InvalidOperationException e)
                {
                    // A rule of the plan the binder cannot see before widths are known (a mixed convolution with more
                    // kernels than channels, mixed kernels with 'same' padding).
                    diagnostics.Add(SpecDiagnostic.Create(DiagnosticCatalog.InvalidValue, variant.Span, $"variant '{variant.Name}'", e.Message));
                    continue;
                }
                var errors = Check(variant, network, budget).ToList();
                diagnostics.AddRange(errors);
                if (errors.All(d => d.Severity != Severity.Error))
                {
                    networks.Add(network);
                }
            }
        }
        var reported = diagnostics.Where(d => includeOptIn || DiagnosticCatalog.Find(d.Id).EnabledByDefault);
        return new SpecCompilation(networks.ToEquatableArray(), reported.ToEquatableArray());
    }

    private static IEnumerable<SpecDiagnostic> Check(VariantSpec variant, ResolvedNetwork network, Budget budget)
    {
        if (network.Parameters > budget.MaxParameters)
        {
            yield return SpecDiagnostic.Create(DiagnosticCatalog.BudgetExceeded, variant.Span, variant.Name,
                $"has {Count(network.Parameters)} parameters, over the budget of {Count(budget.MaxParameters)} (EffNetGenMaxParameters)");
        }
        foreach (var expectation in variant.Expectations)
        {
            var actual = expectation.Metric == "parameters" ? network.Parameters : network.Macs;
            if (actual < expectation.Low || actual > expectation.High)
            {
                var range = expectation.Low == expectation.High ? "" : $" ({Count((long)System.Math.Ceiling(expectation.Low))} to {Count((long)System.Math.Floor(expectation.High))})";
                yield return SpecDiagnostic.Create(DiagnosticCatalog.ContractViolated, expectation.Span,
                    variant.Name, Count(actual), expectation.Metric, expectation.Text + range);
            }
        }
        for (var i = 0; i < network.Stages.Count; i++)
        {
            var spec = variant.Layout.Stages[i];
            // A 'then' row of the same type takes 'skip' from the row above: warn where it is written, not on every row.
            var fromAbove = spec.Continues && variant.Layout.Stages[i - 1] is var above && above.Kind == spec.Kind && above.Skip == spec.Skip;
            if (spec.Skip == true && !fromAbove && !network.Plan.Blocks(network.Stages[i].Index).Any(b => b.Residual))
            {
                yield return SpecDiagnostic.Create(DiagnosticCatalog.ResidualNeverApplies, spec.Span, network.Stages[i].Index.ToString(CultureInfo.InvariantCulture),
                    "none of its blocks keeps stride 1 and the same width (its only block downsamples or changes channels)");
            }
        }
        // Arbitrary precision: 31 stride-2 stages after a stride-2 stem overflow an int to 0 (and a division by zero).
        var stride = network.Stages.Aggregate(new System.Numerics.BigInteger(network.Plan.Stem.Spatial.Stride), (product, stage) => product * stage.Stride);
        stride = network.Plan.OutputStride is { } limit ? System.Numerics.BigInteger.Min(stride, limit) : stride;
        if (network.Resolution % stride != 0)
        {
            yield return SpecDiagnostic.Create(DiagnosticCatalog.ResolutionStride, variant.Span, variant.Name,
                network.Resolution.ToString(CultureInfo.InvariantCulture), stride.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// EFF0105 (opt-in) for each layer whose spec'd width the divisor changes even at width 1 (<c>c30</c> → 32), once per
    /// row of the family and its variants.
    /// </summary>
    private static IEnumerable<SpecDiagnostic> RoundedChannels(FamilySpec family)
    {
        var (divisor, minimum) = (family.Scaling.Divisor, family.Scaling.MinChannels);
        // A 'then' row with the width of the row above says nothing new (it usually takes it from there).
        var layers = family.Variants.SelectMany(v => new[] { ("'stem'", v.Layout.Stem.Channels, v.Layout.Stem.Fixed, true, v.Layout.Stem.Span) }
            .Concat(v.Layout.Stages.Select((s, i) => ($"'{(s.Continues ? "then" : "stage")}' row", s.Channels, s.Continues && v.Layout.Stages[i - 1].Channels == s.Channels, true, s.Span)))
            .Concat(v.Layout.Head is { LastMultiple: null } head ? new[] { ("'head'", head.Channels, head.Fixed, head.Shrinks, head.Span) } : Enumerable.Empty<(string, int, bool, bool, Text.SourceSpan)>()));
        foreach (var (what, channels, skip, shrinks, span) in layers.Distinct())
        {
            // A head that never narrows keeps its width where rounding would lower it.
            var rounded = Rounding.RoundChannels(channels, divisor, minimum);
            rounded = shrinks ? rounded : System.Math.Max(rounded, channels);
            if (!skip && rounded != channels)
            {
                yield return SpecDiagnostic.Create(DiagnosticCatalog.ChannelsRounded, span, what, Invariant(channels), Invariant(divisor), Invariant(rounded));
            }
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
