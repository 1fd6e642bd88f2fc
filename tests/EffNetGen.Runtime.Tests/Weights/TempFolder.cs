using System;
using System.IO;

namespace EffNetGen.Runtime.Tests.Weights;

/// <summary>A temporary folder for weight files, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("effnet-weights-");

    public string File(string name) => Path.Combine(_directory.FullName, name);

    public void Dispose() => _directory.Delete(recursive: true);
}
