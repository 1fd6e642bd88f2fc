using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using EffNetGen.Dsl.Resolution;
using Spectre.Console;

namespace EffNetGen.Cli.Commands;

/// <summary><c>effnet diff file A B</c>: stage-by-stage channels, repeats and parameters of two variants.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The .effnet spec file." };
        var first = new Argument<string>("variantA") { Description = "A variant: its name (B0), class (EfficientNetB0) or model name (efficientnet_b0)." };
        var second = new Argument<string>("variantB") { Description = "The variant to compare it with." };
        var command = new Command("diff", "Compare two variants of a spec stage by stage.") { file, first, second };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (SpecFiles.Load(new[] { parse.GetRequiredValue(file) }, error) is not { } specs || SpecFiles.ReportDiagnostics(specs, error))
            {
                return EffNetCli.Failure;
            }
            var networks = SpecFiles.Networks(specs).ToList();
            var a = SpecFiles.FindVariant(networks, parse.GetRequiredValue(first), error);
            var b = SpecFiles.FindVariant(networks, parse.GetRequiredValue(second), error);
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
            .AddColumns(new[] { $"channels", "repeats", $"params {a.Variant}", $"params {b.Variant}", "Δ params" }
                .Select(c => new TableColumn(Markup.Escape(c)).RightAligned()).ToArray());
        void Row(string stage, int? channelsA, int? channelsB, int? repeatsA, int? repeatsB, long paramsA, long paramsB) =>
            table.AddPlainRow(stage, Change(channelsA, channelsB), Change(repeatsA, repeatsB), Format.Count(paramsA), Format.Count(paramsB), Format.Signed(paramsB - paramsA));

        Row("stem", a.Plan.Stem.OutputChannels, b.Plan.Stem.OutputChannels, 1, 1, a.Plan.Stem.Parameters, b.Plan.Stem.Parameters);
        for (var i = 0; i < Math.Max(a.Stages.Count, b.Stages.Count); i++)
        {
            var (sa, sb) = (i < a.Stages.Count ? a.Stages[i] : null, i < b.Stages.Count ? b.Stages[i] : null);
            Row(Format.Count(i + 1), sa?.Channels, sb?.Channels, sa?.Repeats, sb?.Repeats,
                sa is null ? 0 : a.StageParameters(sa), sb is null ? 0 : b.StageParameters(sb));
        }
        var (headA, headB) = (a.Plan.Head, b.Plan.Head);
        Row("head", headA?.OutputChannels, headB?.OutputChannels, headA is null ? null : 1, headB is null ? null : 1,
            headA?.Parameters ?? 0, headB?.Parameters ?? 0);
        Row("classifier", a.Classes, b.Classes, 1, 1, a.Plan.ClassifierParameters, b.Plan.ClassifierParameters);
        table.AddPlainRow("total", "", "", Format.Count(a.Parameters), Format.Count(b.Parameters), Format.Signed(b.Parameters - a.Parameters));
        return table;
    }

    private static string Change(int? a, int? b) => (a, b) switch
    {
        (null, null) => "",
        _ when a == b => Format.Count(a!.Value),
        _ => $"{(a is null ? "—" : Format.Count(a.Value))} → {(b is null ? "—" : Format.Count(b.Value))}",
    };
}
