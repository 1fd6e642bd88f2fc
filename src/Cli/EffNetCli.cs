using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using EffNetGen.Cli.Commands;

namespace EffNetGen.Cli;

/// <summary>The <c>effnet</c> command line: <c>check</c>, <c>table</c>, <c>generate</c>, <c>diff</c>, <c>export-onnx</c>, <c>explain</c>, <c>predict</c>.</summary>
public static class EffNetCli
{
    /// <summary>Exit code: success.</summary>
    public const int Success = 0;

    /// <summary>Exit code: a spec has errors, a file cannot be read, or the command line is wrong.</summary>
    public const int Failure = 1;

    /// <summary>Runs the tool with <paramref name="args"/>, writing to the given writers; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("EffNetGen: check, inspect, generate code from and export .effnet EfficientNet specs.")
        {
            CheckCommand.Create(),
            TableCommand.Create(),
            GenerateCommand.Create(),
            DiffCommand.Create(),
            ExportOnnxCommand.Create(),
            ExplainCommand.Create(),
            PredictCommand.Create(),
        };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The <c>files</c> argument shared by the commands: one or more spec paths.</summary>
    internal static Argument<string[]> FilesArgument() => new("files")
    {
        Description = "The .effnet spec files.",
        Arity = ArgumentArity.OneOrMore,
    };
}
