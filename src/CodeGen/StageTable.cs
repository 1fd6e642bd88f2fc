using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using EffNetGen.Dsl.Model;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.CodeGen;

/// <summary>
/// A variant's resolved stage table, as the paper's Table 1 lays it out (stage, operator, input size, channels, layers),
/// and the one-line summary of its BatchNorm, dropout, stochastic depth and padding: the documentation every emitter
/// (C# XML docs, Python docstrings) writes above a generated class.
/// </summary>
internal static class StageTable
{
    /// <summary>What the variant is, in two lines: scaling, input, parameters and GMACs.</summary>
    public static (string First, string Second) Headline(ResolvedNetwork n) => (
        $"{n.Family}-{n.Variant}: width ×{Literal.Of(n.Width)}, depth ×{Literal.Of(n.Depth)}, {Size(n.Resolution)} input,",
        $"{Literal.Grouped(n.Parameters)} parameters, {(n.Macs / 1e9).ToString("F2", CultureInfo.InvariantCulture)} GMACs.");

    /// <summary>A compound-scaled variant's requested and realised FLOPs ratios; null for a variant declared without phi.</summary>
    public static string? Scaling(ResolvedNetwork n) => n.Phi is { } phi
        ? $"Compound scaling phi = {Literal.Of(phi)}: FLOPs ×{Ratio(n.RequestedFlopsRatio)} of the baseline requested ((alpha·beta²·gamma²)^phi), ×{Ratio(n.RealisedFlopsRatio)} realised after rounding."
        : null;

    /// <summary>The table's title line, its module names marked up by <paramref name="code"/>.</summary>
    public static string Title(ResolvedNetwork n, System.Func<string, string> code) =>
        n.Plan.Layout == FeatureLayout.Stages ? $"Resolved stage table (module {code("features.{stage}")}):" : $"Resolved stage table (one module {code("features.{n}")} per block):";

    /// <summary>The table, one aligned line per row, header first.</summary>
    public static IReadOnlyList<string> Lines(ResolvedNetwork n)
    {
        var (plan, stem) = (n.Plan, n.Plan.Stem.Spatial);
        var (last, classifier) = (Literal.Of(n.Stages[n.Stages.Count - 1].Index + 1), plan.Hidden is { } hidden ? $"FC {hidden.Width}, FC {n.Classes}" : $"FC {n.Classes}");
        var head = plan.Head is { } h
            ? new[] { last, $"Conv{h.Spatial.Kernel}x{h.Spatial.Kernel}, pooling, {classifier}", Size(h.InputSize), Literal.Of(h.OutputChannels), "1" }
            : new[] { last, $"pooling, {classifier}", Size(plan.Units[plan.Units.Count - 1].OutputSize), Literal.Of(plan.FeatureChannels), "1" };
        var rows = new[] { new[] { "stage", "operator", "input", "channels", "layers" } }
            .Concat(new[] { new[] { "0", $"Conv{stem.Kernel}x{stem.Kernel}, stride {stem.Stride}", Size(stem.InputSize), Literal.Of(stem.OutputChannels), "1" } })
            .Concat(n.Stages.Select(s => new[]
            {
                Literal.Of(s.Index),
                $"{Operator(s)}, {Kernel(n.Blocks(s).First())}, stride {s.Stride}" + (s.SeRatio > 0 ? $", SE {Literal.Of(s.SeRatio)}" : ""),
                Size(n.Blocks(s).First().InputSize),
                Literal.Of(s.Channels),
                Literal.Of(s.Repeats),
            }))
            .Concat(new[] { head })
            .ToList();
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return rows.Select(row => string.Join("  ", row.Select((cell, c) => c >= 3 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd()).ToList();
    }

    /// <summary>BatchNorm, dropout, stochastic depth and padding in one sentence.</summary>
    public static string Settings(NetworkPlan plan) =>
        $"BatchNorm eps {Literal.Of(plan.Norm.Eps)}, momentum {Literal.Of(plan.Norm.Momentum)}; dropout {Literal.Of(plan.Dropout)}; stochastic depth up to {Literal.Of(plan.StochasticDepth)}"
        + (plan.Padding == Padding.Same ? "; TensorFlow 'same' padding." : ".");

    /// <summary>A block in one line: its widths (in, expanded, out), sizes in and out, and whether it is residual.</summary>
    public static string Describe(PlanUnit b) =>
        (b.Expands
            ? $"{Literal.Of(b.InputChannels)} -> {Literal.Of(b.ExpandedChannels)} -> {Literal.Of(b.OutputChannels)}"
            : $"{Literal.Of(b.InputChannels)} -> {Literal.Of(b.OutputChannels)}")
        + $", {Size(b.InputSize)} -> {Size(b.OutputSize)}{(b.Residual ? ", residual" : "")}";

    /// <summary>An edge as the table writes it: <c>224×224</c>.</summary>
    public static string Size(int size) => $"{Literal.Of(size)}×{Literal.Of(size)}";

    private static string Ratio(double? ratio) => (ratio ?? 0).ToString("F3", CultureInfo.InvariantCulture);

    private static string Operator(ResolvedStage s) => s.Kind switch
    {
        BlockKind.MBConv => $"MBConv{Literal.Of(s.Expansion).Replace(".0", "")}",
        BlockKind.DepthwiseSeparable => "DSConv",
        BlockKind.Fused => $"FusedMBConv{Literal.Of(s.Expansion).Replace(".0", "")}",
        BlockKind.UniversalInvertedResidual => $"UIR{Literal.Of(s.Expansion).Replace(".0", "")}",
        _ => $"EdgeResidual{Literal.Of(s.Expansion).Replace(".0", "")}",
    };

    /// <summary><c>k3x3</c>, a mixed convolution's kernels (<c>k3.5.7</c>), or a universal inverted residual's (<c>a3 k5 p0</c>).</summary>
    private static string Kernel(PlanUnit block)
    {
        var conv = block.Spatial;
        if (block.Kind == UnitKind.UniversalInvertedResidual)
        {
            var (start, middle, end) = block.DepthwiseKernels;
            return $"a{Literal.Of(start)} k{Literal.Of(middle)} p{Literal.Of(end)}";
        }
        return conv.IsMixed ? "k" + string.Join(".", conv.Kernels.Select(k => Literal.Of(k))) : $"k{Literal.Of(conv.Kernel)}x{Literal.Of(conv.Kernel)}";
    }
}
