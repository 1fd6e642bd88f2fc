using System.IO;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Cli.Tests;

/// <summary>Runs the tool in-process and captures what it writes.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = EffNetCli.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    public static string ShippedSpec => Repository.PathOf("specs", "efficientnet.effnet");
}
