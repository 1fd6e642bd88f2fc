using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using EffNetGen.CodeGen;
using EffNetGen.CodeGen.PyTorch;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.Cli.Commands;

/// <summary>
/// <c>effnet generate files… -o dir [--target csharp|pytorch]…</c>: writes the C# the source generator emits (one file
/// per variant and the registry), byte for byte, for people who want to read or vendor it; and/or the PyTorch modules
/// of the same plans (one <c>.py</c> per spec) with the torchrun training entry point.
/// </summary>
internal static class GenerateCommand
{
    /// <summary>What <c>--target</c> accepts.</summary>
    private static readonly string[] Targets = { "csharp", "pytorch" };

    public static Command Create()
    {
        var files = EffNetCli.FilesArgument();
        var outputDirectory = new Option<DirectoryInfo>("--output", "-o") { Description = "Directory to write the generated files to.", Required = true };
        var ns = new Option<string>("--namespace")
        {
            Description = "Namespace of classes whose spec names none (the generator uses the project's RootNamespace).",
            DefaultValueFactory = _ => GeneratedModel.DefaultNamespace,
        };
        var noRegistry = new Option<bool>("--no-registry") { Description = "Do not write the EffNetModels registry." };
        var target = new Option<string[]>("--target", "-t")
        {
            Description = "What to generate: csharp (the source generator's .g.cs files), pytorch (a .py module per spec and effnet_train.py), or both (repeat the option).",
            DefaultValueFactory = _ => new[] { "csharp" },
        };
        target.AcceptOnlyFromAmong(Targets);
        var command = new Command("generate", "Write the C# the EffNetGen source generator emits, or the same models as PyTorch modules.")
        {
            files, outputDirectory, ns, noRegistry, target,
        };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (SpecFiles.Load(parse.GetRequiredValue(files), error) is not { } specs || SpecFiles.ReportDiagnostics(specs, error))
            {
                return EffNetCli.Failure;
            }
            var rootNamespace = parse.GetRequiredValue(ns);
            if (Dsl.Binding.CSharpNames.NamespaceProblem(rootNamespace) is { } problem)
            {
                error.WriteLine($"error: --namespace '{rootNamespace}' is not usable: {problem}");
                return EffNetCli.Failure;
            }
            if (SpecFiles.Models(specs, rootNamespace, error) is not { } models)
            {
                return EffNetCli.Failure;
            }
            var targets = parse.GetRequiredValue(target).Distinct().ToList();
            var written = new List<(string Name, string Source)>();
            if (targets.Contains("csharp"))
            {
                written.AddRange(models.Select(m => (m.HintName, ModelEmitter.Emit(m))));
                if (!parse.GetValue(noRegistry) && GeneratedSources.Registry(rootNamespace, models, Conflicts.None) is { } registry)
                {
                    written.Add(registry);
                }
            }
            if (targets.Contains("pytorch"))
            {
                var (modules, clash) = PyTorchEmitter.Files(specs.Select(s => (s.Path, (IReadOnlyList<ResolvedNetwork>)s.Compilation.Networks)));
                if (clash is not null)
                {
                    error.WriteLine("error: " + clash);
                    return EffNetCli.Failure;
                }
                written.AddRange(modules);
            }

            var directory = parse.GetRequiredValue(outputDirectory);
            if (File.Exists(directory.FullName))
            {
                error.WriteLine($"error: {directory.FullName} is a file; --output names the folder to write the generated files to");
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
