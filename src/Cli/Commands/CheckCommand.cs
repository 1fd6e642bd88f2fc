using System.CommandLine;
using System.Linq;
using EffNetGen.CodeGen;

namespace EffNetGen.Cli.Commands;

/// <summary><c>effnet check files…</c>: diagnostics in the compiler's format; exit code 1 on any error.</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var files = EffNetCli.FilesArgument();
        var command = new Command("check", "Check specs and print diagnostics as the compiler does: file(line,col): error EFFnnnn: message.") { files };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (SpecFiles.Load(parse.GetRequiredValue(files), error) is not { } specs)
            {
                return EffNetCli.Failure;
            }
            // The generator's cross-file check too: two files that generate the same class.
            if (SpecFiles.ReportDiagnostics(specs, output) || SpecFiles.Models(specs, GeneratedModel.DefaultNamespace, output) is null)
            {
                return EffNetCli.Failure;
            }
            foreach (var spec in specs)
            {
                output.WriteLine($"{spec.Path}: ok, {spec.Compilation.Networks.Count} variant(s): {string.Join(", ", spec.Compilation.Networks.Select(n => n.ClassName))}");
            }
            return EffNetCli.Success;
        });
        return command;
    }
}
