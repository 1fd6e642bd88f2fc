using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace EffNetGen.Tests.Shared;

/// <summary>Runs a command (here: the dotnet CLI) and captures everything it prints.</summary>
public static class ProcessRunner
{
    public static (int ExitCode, string Output) Run(
        string command, string arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{command} {arguments}' did not finish in 5 minutes:\n{stdout.Result}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs and fails the test with the full output when the command fails.</summary>
    public static string Succeed(string command, string arguments, string workingDirectory)
    {
        var (exitCode, output) = Run(command, arguments, workingDirectory);
        if (exitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"'{command} {arguments}' exited with {exitCode}:\n{output}");
        }
        return output;
    }
}
