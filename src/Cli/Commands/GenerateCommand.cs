using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using EffNetGen.CodeGen;
using EffNetGen.CodeGen.PyTorch;

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
            AllowMultipleArgumentsPerToken = true,
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
                if (PythonModules(specs, error) is not { } modules)
                {
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

    /// <summary>
    /// One Python module per spec that has variants, named after the spec file, and the training entry point; null
    /// after writing an error when two specs would write the same module.
    /// </summary>
    private static List<(string Name, string Source)>? PythonModules(IReadOnlyList<LoadedSpec> specs, TextWriter error)
    {
        var withVariants = specs.Where(s => s.Compilation.Networks.Count > 0).ToList();
        // Case-insensitive: the files may land on a case-insensitive file system.
        var clash = withVariants.GroupBy(s => PyTorchEmitter.ModuleName(s.Path), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            error.WriteLine($"error: {string.Join(" and ", clash.Select(s => s.Path))} would all be written as the Python module {clash.Key}.py; rename all but one");
            return null;
        }
        return withVariants
            .Select(s => (PyTorchEmitter.ModuleName(s.Path) + ".py", PyTorchEmitter.Emit(s.Path, s.Compilation.Networks)))
            .Append((PyTorchEmitter.TrainScriptName, PyTorchEmitter.TrainScript()))
            .ToList();
    }
}
