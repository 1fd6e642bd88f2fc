using System;
using System.CommandLine;
using System.Linq;
using EffNetGen.Dsl.Resolution;
using Spectre.Console;

namespace EffNetGen.Cli.Commands;

/// <summary>
/// <c>effnet diff file A B [--against other.effnet]</c>: stage-by-stage channels, repeats, parameters and MACs of two
/// variants, of one spec or (B from <c>--against</c>) of two; columns are headed by class name, unique across families.
/// </summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The .effnet spec file." };
        var first = new Argument<string>("variantA") { Description = "A variant: its name (B0), class (EfficientNetB0) or model name (efficientnet_b0)." };
        var second = new Argument<string>("variantB") { Description = "The variant to compare it with." };
        var against = new Option<string?>("--against") { Description = "The spec file variantB is in (default: the same file)." };
        var command = new Command("diff", "Compare two variants, of one spec or two, stage by stage.") { file, first, second, against };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var (fileA, fileB) = (parse.GetRequiredValue(file), parse.GetValue(against) ?? parse.GetRequiredValue(file));
            if (SpecFiles.Load(new[] { fileA, fileB }.Distinct(), error) is not { } specs || SpecFiles.ReportDiagnostics(specs, error))
            {
                return EffNetCli.Failure;
            }
            var a = SpecFiles.FindVariant(SpecFiles.Networks(specs.Where(s => s.Path == fileA)).ToList(), parse.GetRequiredValue(first), error);
            var b = SpecFiles.FindVariant(SpecFiles.Networks(specs.Where(s => s.Path == fileB)).ToList(), parse.GetRequiredValue(second), error);
            if (a is null || b is null)
            {
                return EffNetCli.Failure;
            }
            Terminal.For(output).Write(Compare(a, b));
            return EffNetCli.Success;
        });
        return command;
    }

    private static Table Compare(ResolvedNetwork a, ResolvedNetwork b)
    {
        var table = new Table()
            .Title(Markup.Escape($"{a.ClassName} → {b.ClassName}"))
            .AddColumns("stage")
            .AddColumns(new[] { "channels", "repeats", $"params {a.ClassName}", $"params {b.ClassName}", "Δ params", $"MACs {a.ClassName}", $"MACs {b.ClassName}" }
                .Select(c => new TableColumn(Markup.Escape(c)).RightAligned()).ToArray());
        void Row(string stage, int? channelsA, int? channelsB, int? repeatsA, int? repeatsB, long paramsA, long paramsB, long macsA, long macsB) =>
            table.AddPlainRow(stage, Change(channelsA, channelsB), Change(repeatsA, repeatsB), Format.Count(paramsA), Format.Count(paramsB), Format.Signed(paramsB - paramsA),
                Format.Count(macsA), Format.Count(macsB));

        Row("stem", a.Plan.Stem.OutputChannels, b.Plan.Stem.OutputChannels, 1, 1, a.Plan.Stem.Parameters, b.Plan.Stem.Parameters, a.Plan.Stem.Macs, b.Plan.Stem.Macs);
        for (var i = 0; i < Math.Max(a.Stages.Count, b.Stages.Count); i++)
        {
            var (sa, sb) = (i < a.Stages.Count ? a.Stages[i] : null, i < b.Stages.Count ? b.Stages[i] : null);
            Row(Format.Count((sa ?? sb)!.Index), sa?.Channels, sb?.Channels, sa?.Repeats, sb?.Repeats,
                sa is null ? 0 : a.StageParameters(sa), sb is null ? 0 : b.StageParameters(sb), sa is null ? 0 : a.StageMacs(sa), sb is null ? 0 : b.StageMacs(sb));
        }
        var (headA, headB) = (a.Plan.Head, b.Plan.Head);
        Row("head", headA?.OutputChannels, headB?.OutputChannels, headA is null ? null : 1, headB is null ? null : 1,
            headA?.Parameters ?? 0, headB?.Parameters ?? 0, headA?.Macs ?? 0, headB?.Macs ?? 0);
        Row("classifier", a.Classes, b.Classes, 1, 1, a.Plan.ClassifierParameters, b.Plan.ClassifierParameters,
            a.Plan.ClassifierMacs, b.Plan.ClassifierMacs);
        table.AddPlainRow("total", "", "", Format.Count(a.Parameters), Format.Count(b.Parameters), Format.Signed(b.Parameters - a.Parameters),
            Format.Count(a.Macs), Format.Count(b.Macs));
        return table;
    }

    private static string Change(int? a, int? b) => (a, b) switch
    {
        (null, null) => "",
        _ when a == b => Format.Count(a!.Value),
        _ => $"{(a is null ? "—" : Format.Count(a.Value))} → {(b is null ? "—" : Format.Count(b.Value))}",
    };
}
