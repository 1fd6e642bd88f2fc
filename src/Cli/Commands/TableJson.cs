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
    int Classes)
{
    public static VariantJson From(ResolvedNetwork n) => new(
        n.Family, n.Variant, n.ModelName, n.ClassName, n.Resolution, n.Width, n.Depth, n.Dropout, n.Parameters, n.Macs,
        n.Stages.Sum(s => s.Blocks.Count), ConvJson.From(n.Stem), n.Stages.Select(StageJson.From).ToList(), n.Head is null ? null : ConvJson.From(n.Head), n.Classes);
}

/// <summary>The stem or head convolution (the head is null for networks without one).</summary>
internal sealed record ConvJson(int Kernel, int Stride, int InputChannels, int Channels, int InputResolution, long Params)
{
    public static ConvJson From(ResolvedConv c) =>
        new(c.Kernel, c.Stride, c.InputChannels, c.OutputChannels, c.InputSize, CostModel.Parameters(c));
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
    long Macs)
{
    public static StageJson From(ResolvedStage s) => new(
        s.Index, BlockKinds.Name(s.Kind), s.Kernel, s.Stride, s.Expansion, s.SeRatio, s.Blocks[0].InputChannels, s.Channels, s.Repeats,
        s.Blocks[0].InputSize, CostModel.Parameters(s), CostModel.Macs(s));
}
