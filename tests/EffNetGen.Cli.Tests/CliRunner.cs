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

/// <summary>A temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : System.IDisposable
{
    public DirectoryInfo Info { get; } = Directory.CreateTempSubdirectory("effnet-cli-");

    public string Path => Info.FullName;

    /// <summary>Writes a file into the directory and returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Info.Delete(recursive: true);
}
