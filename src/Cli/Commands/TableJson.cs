using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Model;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.Cli.Commands;

// The JSON of `effnet table --json`, documented in docs/cli.md. Stable: fields are only ever added.

/// <summary>One resolved variant.</summary>
internal sealed record VariantJson(
    string Family,
    string Name,
    string Model,
    string ClassName,
    int Resolution,
    double Width,
    double Depth,
    double Dropout,
    long Params,
    long Macs,
    int Blocks,
    ConvJson Stem,
    IReadOnlyList<StageJson> Stages,
    ConvJson? Head,
    int Classes,
    double? Phi,
    double? RequestedFlopsRatio,
    double? RealisedFlopsRatio)
{
    public static VariantJson From(ResolvedNetwork n) => new(
        n.Family, n.Variant, n.ModelName, n.ClassName, n.Resolution, n.Width, n.Depth, n.Plan.Dropout, n.Parameters, n.Macs,
        n.Plan.Units.Count(u => u.IsBlock), ConvJson.From(n.Plan.Stem), n.Stages.Select(s => StageJson.From(n, s)).ToList(),
        n.Plan.Head is { } head ? ConvJson.From(head) : null, n.Classes, n.Phi, n.RequestedFlopsRatio, n.RealisedFlopsRatio);
}

/// <summary>The stem or head convolution (the head is null for networks without one).</summary>
internal sealed record ConvJson(int Kernel, int Stride, int InputChannels, int Channels, int InputResolution, long Params, long Macs, string Activation)
{
    public static ConvJson From(PlanUnit u) =>
        new(u.Spatial.Kernel, u.Spatial.Stride, u.InputChannels, u.OutputChannels, u.InputSize, u.Parameters, u.Macs, u.Spatial.Activation.ToString());
}

/// <summary>One stage: the scaled row of the stage table.</summary>
internal sealed record StageJson(
    int Stage,
    string Operator,
    int Kernel,
    int Stride,
    double Expansion,
    double SeRatio,
    int InputChannels,
    int Channels,
    int Repeats,
    int InputResolution,
    long Params,
    long Macs,
    IReadOnlyList<BlockJson> Blocks)
{
    public static StageJson From(ResolvedNetwork n, ResolvedStage s) => new(
        s.Index, BlockKinds.Name(s.Kind), s.Kernel, s.Stride, s.Expansion, s.SeRatio, n.Blocks(s).First().InputChannels, s.Channels, s.Repeats,
        n.Blocks(s).First().InputSize, n.StageParameters(s), n.StageMacs(s), n.Blocks(s).Select(b => BlockJson.From(n.Plan, b)).ToList());
}

/// <summary>One block as it is built: its plan unit (timm's block type, widths, SE, activation, residual, drop rate).</summary>
internal sealed record BlockJson(
    string Path,
    string Type,
    int InputChannels,
    int ExpandedChannels,
    int? SeChannels,
    string? SeGate,
    int Channels,
    int Kernel,
    int Stride,
    string Activation,
    bool Residual,
    double DropPath,
    int InputResolution,
    int OutputResolution,
    long Params,
    long Macs)
{
    public static BlockJson From(NetworkPlan plan, PlanUnit b) => new(
        b.Path, b.Kind.ToString(), b.InputChannels, b.ExpandedChannels, b.Squeeze?.SqueezeChannels, b.Squeeze?.Gate.ToString(), b.OutputChannels,
        b.Spatial.Kernel, b.Spatial.Stride, b.Spatial.Activation.ToString(), b.Residual, b.DropPath!.Value.Rate(plan.StochasticDepth),
        b.InputSize, b.OutputSize, b.Parameters, b.Macs);
}
