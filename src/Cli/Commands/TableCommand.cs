using System.CommandLine;
using System.Linq;
using System.Text.Json;
using EffNetGen.Dsl.Model;
using EffNetGen.Dsl.Resolution;
using Spectre.Console;

namespace EffNetGen.Cli.Commands;

/// <summary><c>effnet table files… [--json] [--stages]</c>: every resolved variant.</summary>
internal static class TableCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Command Create()
    {
        var files = EffNetCli.FilesArgument();
        var json = new Option<bool>("--json") { Description = "Print JSON (schema in docs/cli.md) instead of tables." };
        var stages = new Option<bool>("--stages") { Description = "Also print each variant's resolved stage table." };
        var command = new Command("table", "Print every variant: resolution, width, depth, dropout, parameters, MACs.") { files, json, stages };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (SpecFiles.Load(parse.GetRequiredValue(files), error) is not { } specs || SpecFiles.ReportDiagnostics(specs, error))
            {
                return EffNetCli.Failure;
            }
            var networks = SpecFiles.Networks(specs).ToList();
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(networks.Select(VariantJson.From), Json));
                return EffNetCli.Success;
            }
            var console = Terminal.For(output);
            console.Write(Variants(networks));
            if (parse.GetValue(stages))
            {
                foreach (var network in networks)
                {
                    console.Write(Stages(network));
                }
            }
            return EffNetCli.Success;
        });
        return command;
    }

    private static Table Variants(System.Collections.Generic.IEnumerable<ResolvedNetwork> networks)
    {
        var table = new Table().AddColumns("family", "variant", "model").AddColumns(
            new[] { "resolution", "width", "depth", "dropout", "blocks", "parameters", "GMACs" }.Select(c => new TableColumn(c).RightAligned()).ToArray());
        foreach (var n in networks)
        {
            table.AddPlainRow(n.Family, n.Variant, n.ModelName, n.Resolution.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.Number(n.Width), Format.Number(n.Depth), Format.Number(n.Plan.Dropout), Format.Count(n.Plan.Units.Count(u => u.IsBlock)),
                Format.Count(n.Parameters), Format.GigaMacs(n.Macs));
        }
        return table;
    }

    private static Table Stages(ResolvedNetwork n)
    {
        var table = new Table().Title(Markup.Escape($"{n.ClassName} ({n.Resolution}×{n.Resolution})")).AddColumns("stage", "operator").AddColumns(
            new[] { "input", "in", "channels", "repeats", "parameters" }.Select(c => new TableColumn(c).RightAligned()).ToArray());
        var stem = n.Plan.Stem;
        table.AddPlainRow("stem", $"conv {stem.Spatial.Kernel}x{stem.Spatial.Kernel} s{stem.Spatial.Stride}", Size(stem.InputSize),
            Format.Count(stem.InputChannels), Format.Count(stem.OutputChannels), "1", Format.Count(stem.Parameters));
        foreach (var s in n.Stages)
        {
            table.AddPlainRow(Format.Count(s.Index), $"{BlockKinds.Name(s.Kind)}{Format.Number(s.Expansion)} {s.Kernel}x{s.Kernel} s{s.Stride}" + (s.SeRatio > 0 ? $" se{Format.Number(s.SeRatio)}" : ""),
                Size(n.Blocks(s).First().InputSize), Format.Count(n.Blocks(s).First().InputChannels), Format.Count(s.Channels), Format.Count(s.Repeats),
                Format.Count(n.StageParameters(s)));
        }
        if (n.Plan.Head is { } head)
        {
            table.AddPlainRow("head", $"conv {head.Spatial.Kernel}x{head.Spatial.Kernel}", Size(head.InputSize), Format.Count(head.InputChannels),
                Format.Count(head.OutputChannels), "1", Format.Count(head.Parameters));
        }
        table.AddPlainRow("classifier", n.Plan.Hidden is { } hidden ? $"linear {hidden.Width}, linear {n.Classes}" : $"linear {n.Classes}", "", Format.Count(n.Plan.FeatureChannels), Format.Count(n.Classes), "1",
            Format.Count(n.Plan.ClassifierParameters));
        return table;
    }

    private static string Size(int size) => $"{Format.Count(size)}×{Format.Count(size)}";
}
