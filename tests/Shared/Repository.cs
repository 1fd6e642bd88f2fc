using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace EffNetGen.Tests.Shared;

/// <summary>Where this repository is, and how the tests were built (compiled into each test assembly).</summary>
public static class Repository
{
    /// <summary>The repository root (this file is tests/Shared/Repository.cs).</summary>
    public static string Root { get; } = RootFrom();

    /// <summary>The build configuration of the running test assembly (Debug, Release).</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string PathOf(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

    private static string RootFrom([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
