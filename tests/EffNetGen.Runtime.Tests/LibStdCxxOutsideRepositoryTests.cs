using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using EffNetGen.Build;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Runtime.Tests;

/// <summary>
/// The libstdc++ compatibility step for a project outside this repository that references its projects as the
/// README's in-repository snippet says: the repository's Directory.Build.targets does not reach it, and a
/// ProjectReference brings no buildTransitive targets, so the snippet itself must bring the step.
/// </summary>
[Trait(TestLanes.Category, TestLanes.Integration)]
public sealed class LibStdCxxOutsideRepositoryTests : IDisposable
{
    private const string Missing = "GLIBCXX_3.4.32";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("effnetgen-snippet-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_project_outside_the_repository_that_follows_the_readme_snippet_loads_torchsharp()
    {
        // Outside the repository: none of its Directory.Build.props/.targets, Directory.Packages.props or global.json apply.
        var root = Path.GetFullPath(Repository.Root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        Assert.False(_folder.FullName.StartsWith(root, StringComparison.Ordinal), $"{_folder.FullName} is inside {root}");

        var app = Path.Combine(_folder.FullName, "App");
        Directory.CreateDirectory(app);
        File.Copy(Repository.PathOf("NuGet.config"), Path.Combine(_folder.FullName, "NuGet.config"));
        File.WriteAllText(Path.Combine(app, "App.csproj"), ProjectFromReadme());
        File.WriteAllText(Path.Combine(app, "tiny.effnet"), SampleSpecs.Minimal);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using TorchSharp;
            using var model = new App.FA();
            Console.WriteLine($"sum={torch.ones(2).sum().item<float>()} registry={App.EffNetModels.All.Count}");
            """);

        var build = ProcessRunner.Succeed("dotnet", $"build -c {Repository.Configuration}", app);

        var output = Path.Combine(app, "bin", Repository.Configuration, "net10.0");
        var (exitCode, run) = ProcessRunner.Run("dotnet", $"\"{Path.Combine(output, "App.dll")}\"", app);
        var outcome = $"dotnet build:\n{build}\nApp (exit code {exitCode}):\n{run}";

        var system = LibStdCxxCompat.FindSystemLibStdCxx(62, true);
        Assert.NotNull(system);
        var hostLacksVersion = !new ElfVersionInfo(File.ReadAllBytes(system!)).Definitions.Contains(Missing);
        var announced = build.Contains($"EffNetGen: libLibTorchSharp.so requires {Missing}", StringComparison.Ordinal);
        Assert.True(hostLacksVersion == announced, $"host lacks {Missing}: {hostLacksVersion}; step announced: {announced}\n{outcome}");
        var copy = Path.Combine(output, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.Equal(hostLacksVersion, new ElfVersionInfo(File.ReadAllBytes(copy)).Needs.Single(n => n.Name == Missing).IsWeak);
        Assert.True(exitCode == 0 && run.Contains("sum=2 registry=1", StringComparison.Ordinal), outcome);
    }

    /// <summary>
    /// The README's in-repository snippet as a whole project file: its paths pointed at this repository and its
    /// "…" (the project's own content) a console app's properties.
    /// </summary>
    private static string ProjectFromReadme()
    {
        var readme = File.ReadAllText(Repository.PathOf("README.md"));
        var snippet = Regex.Match(readme, @"instead of the last import\), reference the projects:\s*```xml\n(?<xml>.*?)```",
            RegexOptions.Singleline);
        Assert.True(snippet.Success, "README.md has no in-repository snippet");
        var xml = snippet.Groups["xml"].Value;
        Assert.Contains("\n…\n", xml);
        const string ownContent = """

            <PropertyGroup>
              <OutputType>Exe</OutputType>
              <TargetFramework>net10.0</TargetFramework>
              <ImplicitUsings>enable</ImplicitUsings>
              <Nullable>enable</Nullable>
            </PropertyGroup>

            """;
        var body = xml.Replace("path/to/EffNetGen/", Repository.Root.TrimEnd('/') + "/").Replace("\n…\n", ownContent);
        return "<Project Sdk=\"Microsoft.NET.Sdk\">\n" + body + "</Project>\n";
    }
}
