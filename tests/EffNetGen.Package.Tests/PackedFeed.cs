using System;
using System.IO;
using System.Linq;
using System.Reflection;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Package.Tests;

/// <summary>
/// EffNetGen, EffNetGen.Runtime (with EffNetGen.Formats and EffNetGen.Architecture), EffNetGen.OnnxRuntime (with
/// EffNetGen.Dsl) and the EffNetGen.Cli tool packed into a temporary folder feed, under a version unique to this
/// run (so no stale copy in the NuGet cache can stand in), plus a NuGet.config for consumer projects.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    /// <summary>Every package the repository ships: its project and its id.</summary>
    private static readonly (string Project, string Id)[] Packages =
    {
        ("src/Architecture/EffNetGen.Architecture.csproj", "effnetgen.architecture"),
        ("src/Formats/EffNetGen.Formats.csproj", "effnetgen.formats"),
        ("src/Dsl/EffNetGen.Dsl.csproj", "effnetgen.dsl"),
        ("src/OnnxRuntime/EffNetGen.OnnxRuntime.csproj", "effnetgen.onnxruntime"),
        ("src/Runtime/EffNetGen.Runtime.csproj", "effnetgen.runtime"),
        ("src/Package/EffNetGen.csproj", "effnetgen"),
        ("src/Cli/EffNetGen.Cli.csproj", "effnetgen.cli"),
    };

    public PackedFeed()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("effnetgen-consumer-");
        Feed = Path.Combine(Directory.FullName, "feed");
        Version = $"{typeof(PackedFeed).Assembly.GetName().Version!.ToString(3)}-consumer.{DateTime.UtcNow:yyyyMMddHHmmss}.{Guid.NewGuid():N}";
        foreach (var (project, _) in Packages)
        {
            ProcessRunner.Succeed("dotnet",
                $"pack \"{Repository.PathOf(project)}\" --no-build -c {Repository.Configuration} -o \"{Feed}\" -p:PackageVersion={Version}",
                Repository.Root);
        }
        File.WriteAllText(Path.Combine(Directory.FullName, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
    }

    public DirectoryInfo Directory { get; }

    public string Feed { get; }

    public string Version { get; }

    public string LibTorchVersion { get; } = typeof(PackedFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LibTorchVersion").Value!;

    /// <summary>`dotnet new console` in a new folder beside the NuGet.config, with <paramref name="package"/> added from the feed.</summary>
    public string NewConsoleApp(string name, string package = "EffNetGen")
    {
        ProcessRunner.Succeed("dotnet", $"new console -n {name} -o {name}", Directory.FullName);
        var app = Path.Combine(Directory.FullName, name);
        ProcessRunner.Succeed("dotnet", $"add package {package} --version {Version}", app);
        return app;
    }

    public void Dispose()
    {
        Directory.Delete(recursive: true);
        // Drop this run's packages from the global cache: they are unique to it and would only pile up.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var (_, id) in Packages)
        {
            var folder = Path.Combine(cache, id, Version);
            if (System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
            if (System.IO.Directory.Exists(Path.Combine(cache, id)) && !System.IO.Directory.EnumerateFileSystemEntries(Path.Combine(cache, id)).Any())
            {
                System.IO.Directory.Delete(Path.Combine(cache, id));
            }
        }
    }
}

/// <summary>One feed for all package tests: packed once, used by one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
