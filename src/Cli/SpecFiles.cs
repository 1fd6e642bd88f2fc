using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Dsl;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.Cli;

/// <summary>A spec file read from disk and compiled.</summary>
internal sealed record LoadedSpec(string Path, SpecCompilation Compilation);

/// <summary>Reads and compiles the files named on the command line; unreadable files are reported, not thrown.</summary>
internal static class SpecFiles
{
    /// <summary>Every file compiled, or null after writing an error for each unreadable one.</summary>
    public static IReadOnlyList<LoadedSpec>? Load(IEnumerable<string> paths, TextWriter error)
    {
        var loaded = new List<LoadedSpec>();
        var failed = false;
        foreach (var path in paths)
        {
            try
            {
                loaded.Add(new LoadedSpec(path, SpecCompiler.Compile(File.ReadAllText(path))));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                error.WriteLine($"{path}: error: cannot read the file: {e.Message}");
                failed = true;
            }
        }
        return failed ? null : loaded;
    }

    /// <summary>Writes every diagnostic in the compiler's format; true when any is an error.</summary>
    public static bool ReportDiagnostics(IEnumerable<LoadedSpec> specs, TextWriter output)
    {
        var anyError = false;
        foreach (var spec in specs)
        {
            foreach (var diagnostic in spec.Compilation.Diagnostics)
            {
                output.WriteLine(diagnostic.ToString(spec.Path));
            }
            anyError |= !spec.Compilation.Succeeded;
        }
        return anyError;
    }

    /// <summary>All resolved networks of all files, in file then spec order.</summary>
    public static IEnumerable<ResolvedNetwork> Networks(IEnumerable<LoadedSpec> specs) => specs.SelectMany(s => s.Compilation.Networks);

    /// <summary>The variant called <paramref name="name"/> (its name, class or model name), or null after writing why not.</summary>
    public static ResolvedNetwork? FindVariant(IReadOnlyList<ResolvedNetwork> networks, string name, TextWriter error)
    {
        var matches = networks.Where(n => new[] { n.Variant, n.ClassName, n.ModelName }.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1)
        {
            return matches[0];
        }
        error.WriteLine(matches.Count == 0
            ? $"error: no variant named '{name}'; the spec has: {string.Join(", ", networks.Select(n => n.Variant))}"
            : $"error: '{name}' is ambiguous: {string.Join(", ", matches.Select(n => n.ClassName))}; use the class name");
        return null;
    }
}
