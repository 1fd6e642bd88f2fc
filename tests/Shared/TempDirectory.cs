using System;
using System.IO;

namespace EffNetGen.Tests.Shared;

/// <summary>A temporary directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>The directory.</summary>
    public DirectoryInfo Info { get; } = Directory.CreateTempSubdirectory("effnet-test-");

    /// <summary>Its full path.</summary>
    public string Path => Info.FullName;

    /// <summary>The path of <paramref name="name"/> in the directory (nothing is created).</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a file into the directory and returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Info.Delete(recursive: true);
}
