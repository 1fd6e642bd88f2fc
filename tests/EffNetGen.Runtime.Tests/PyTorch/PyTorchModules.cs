using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Cli;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Runtime.Tests.PyTorch;

/// <summary>
/// The shipped specs as <c>effnet generate --target pytorch</c> writes them, in a temporary folder, and the Python that
/// runs them: Debian's <c>/usr/bin/python3</c> with its <c>python3-torch</c> (torch 1.13; <c>.ci/run</c> installs it
/// where missing), or <c>EFFNETGEN_PYTHON</c>.
/// </summary>
public sealed class PyTorchModules : IDisposable
{
    private readonly TempDirectory _folder = new();

    public PyTorchModules()
    {
        var (exitCode, output) = ProcessRunner.Run(Python, "-c \"import torch; print(torch.__version__)\"", _folder.Path);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"The PyTorch target's tests run the generated modules with {Python}, which cannot import torch. On Debian: " +
                $"apt-get install -y --no-install-recommends python3-torch (.ci/run does this), or set EFFNETGEN_PYTHON.\n{output}");
        }
        TorchVersion = output.Trim();
        var specs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "specs"), "*.effnet").OrderBy(s => s, StringComparer.Ordinal);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        if (EffNetCli.Run(new[] { "generate" }.Concat(specs).Concat(new[] { "-o", Folder, "--target", "pytorch" }).ToList(), stdout, stderr) != EffNetCli.Success)
        {
            throw new InvalidOperationException($"effnet generate --target pytorch failed:\n{stderr}");
        }
    }

    /// <summary>The Python interpreter the tests run.</summary>
    public static string Python => Environment.GetEnvironmentVariable("EFFNETGEN_PYTHON") ?? "/usr/bin/python3";

    /// <summary>What <c>torch.__version__</c> says.</summary>
    public string TorchVersion { get; }

    /// <summary>The folder of the generated modules and <c>effnet_train.py</c>.</summary>
    public string Folder => _folder.Path;

    /// <summary>The generated module that defines <paramref name="model"/> (its <c>MODELS</c> entry).</summary>
    public string ModuleOf(string model) =>
        Directory.GetFiles(Folder, "*.py").Single(f => File.ReadAllText(f).Contains($"\n    \"{model}\": ", StringComparison.Ordinal));

    /// <summary>Runs <paramref name="arguments"/> with <see cref="Python"/> in <see cref="Folder"/>; fails the test with the output when it fails.</summary>
    public string Run(params string[] arguments) => Run(Python, arguments);

    /// <summary>Runs <paramref name="command"/> in <see cref="Folder"/>; fails the test with the output when it fails.</summary>
    public string Run(string command, IEnumerable<string> arguments)
    {
        var line = string.Join(" ", arguments.Select(a => "\"" + a + "\""));
        var (exitCode, output) = ProcessRunner.Run(command, line, Folder, new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        return exitCode == 0 ? output : throw new Xunit.Sdk.XunitException($"'{command} {line}' exited with {exitCode}:\n{output}");
    }

    /// <summary>The probe script the tests ask questions of the modules with (PyTorch/probe.py).</summary>
    public static string Probe => Path.Combine(AppContext.BaseDirectory, "PyTorch", "probe.py");

    public void Dispose() => _folder.Dispose();
}
