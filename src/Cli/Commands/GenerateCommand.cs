using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using EffNetGen.CodeGen;

namespace EffNetGen.Cli.Commands;

/// <summary>
/// <c>effnet generate files… -o dir</c>: writes the C# the source generator emits (one file per variant
/// and the registry), byte for byte, for people who want to read or vendor it.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var files = EffNetCli.FilesArgument();
        var outputDirectory = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory to write the .g.cs files to.", Required = true };
        var ns = new Option<string>("--namespace")
        {
            Description = "Namespace of classes whose spec names none (the generator uses the project's RootNamespace).",
            DefaultValueFactory = _ => GeneratedModel.DefaultNamespace,
        };
        var noRegistry = new Option<bool>("--no-registry") { Description = "Do not write the EffNetModels registry." };
        var command = new Command("generate", "Write the C# the EffNetGen source generator emits for these specs.") { files, outputDirectory, ns, noRegistry };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (SpecFiles.Load(parse.GetRequiredValue(files), error) is not { } specs || SpecFiles.ReportDiagnostics(specs, error))
            {
                return EffNetCli.Failure;
            }
            var rootNamespace = parse.GetRequiredValue(ns);
            if (SpecFiles.Models(specs, rootNamespace, error) is not { } models)
            {
                return EffNetCli.Failure;
            }

            var directory = parse.GetRequiredValue(outputDirectory);
            var written = models.Select(m => (m.HintName, Source: ModelEmitter.Emit(m))).ToList();
            if (!parse.GetValue(noRegistry) && GeneratedSources.Registry(rootNamespace, models, Conflicts.None) is { } registry)
            {
                written.Add(registry);
            }
            if (File.Exists(directory.FullName))
            {
                error.WriteLine($"error: {directory.FullName} is a file; --output names the folder to write the .g.cs files to");
                return EffNetCli.Failure;
            }
            try
            {
                directory.Create();
                foreach (var (name, source) in written)
                {
                    File.WriteAllText(Path.Combine(directory.FullName, name), source);
                    output.WriteLine(Path.Combine(directory.FullName, name));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot write to {directory.FullName}: {e.Message}");
                return EffNetCli.Failure;
            }
            return EffNetCli.Success;
        });
        return command;
    }
}
