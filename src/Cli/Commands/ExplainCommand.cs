using System;
using System.CommandLine;
using System.Linq;
using EffNetGen.Dsl.Diagnostics;

namespace EffNetGen.Cli.Commands;

/// <summary><c>effnet explain EFF0005</c>: a diagnostic's entry in the catalogue and its section of docs/diagnostics.md, offline.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The diagnostic ID, e.g. EFF0005." };
        var command = new Command("explain", "Explain an EFF diagnostic: what it means, examples and the fix (docs/diagnostics.md, offline).") { id };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var requested = parse.GetRequiredValue(id).Trim();
            var descriptor = DiagnosticCatalog.All.FirstOrDefault(d => string.Equals(d.Id, requested, StringComparison.OrdinalIgnoreCase));
            if (descriptor is null || DiagnosticDocumentation.Section(descriptor.Id) is not { } section)
            {
                error.WriteLine($"error: no diagnostic '{requested}'; EffNetGen reports {string.Join(", ", DiagnosticCatalog.All.Select(d => d.Id))}");
                return EffNetCli.Failure;
            }
            var state = descriptor.EnabledByDefault ? "" : ", off by default";
            output.WriteLine($"{descriptor.Id} ({descriptor.Severity.ToString().ToLowerInvariant()}{state}): {descriptor.Title}");
            output.WriteLine();
            output.WriteLine(section.Substring(section.IndexOf('\n') + 1).Trim());
            if (descriptor.HelpLink is { } link)
            {
                output.WriteLine();
                output.WriteLine(link);
            }
            return EffNetCli.Success;
        });
        return command;
    }
}
