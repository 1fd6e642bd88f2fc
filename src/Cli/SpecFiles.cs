using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using EffNetGen.CodeGen;
using EffNetGen.Dsl;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.Cli;

/// <summary>A spec file read from disk and compiled.</summary>
internal sealed record LoadedSpec(string Path, SpecCompilation Compilation);

/// <summary>Reads and compiles the files named on the command line; unreadable files are reported, not thrown.</summary>
internal static class SpecFiles
{
    /// <summary>The largest spec read: far above any real one (a 1 MiB spec takes seconds), far below what exhausts memory.</summary>
    private const int MaxBytes = 16 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every file compiled, or null after writing an error for each file that is not a readable spec.</summary>
    public static IReadOnlyList<LoadedSpec>? Load(IEnumerable<string> paths, TextWriter error)
    {
        var loaded = new List<LoadedSpec>();
        var failed = false;
        foreach (var path in paths)
        {
            var (text, problem) = Read(path);
            if (text is not null)
            {
                loaded.Add(new LoadedSpec(path, SpecCompiler.Compile(text)));
            }
            else
            {
                error.WriteLine($"{path}: error: {problem}");
                failed = true;
            }
        }
        return failed ? null : loaded;
    }

    /// <summary>
    /// The text of the spec at <paramref name="path"/>, or why it is not one: a folder, unreadable, larger than
    /// <see cref="MaxBytes"/> (a device such as /dev/zero never ends), or binary — a NUL byte or bytes that are not UTF-8,
    /// as in an .onnx or .safetensors file given by mistake.
    /// </summary>
    private static (string? Text, string? Problem) Read(string path)
    {
        if (Directory.Exists(path))
        {
            return (null, $"is a folder, not a spec file; name the specs in it (e.g. {Path.Combine(path, "*.effnet")})");
        }
        var bytes = new MemoryStream();
        try
        {
            using var file = File.OpenRead(path);
            var chunk = new byte[81920];
            for (var read = file.Read(chunk); read > 0; read = file.Read(chunk))
            {
                // Checked chunk by chunk, so /dev/zero or a weight file stops at its first NUL, not after MaxBytes.
                if (chunk.AsSpan(0, read).IndexOf((byte)0) is var nul and >= 0)
                {
                    return (null, $"not a spec: binary data (a NUL byte at offset {bytes.Length + nul}); a spec is UTF-8 text");
                }
                if (bytes.Length + read > MaxBytes)
                {
                    return (null, $"larger than {MaxBytes >> 20} MiB: not a spec");
                }
                bytes.Write(chunk, 0, read);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, $"cannot read the file: {e.Message}");
        }
        var content = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        var bom = content.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? 3 : 0;
        try
        {
            return (StrictUtf8.GetString(content[bom..]), null);
        }
        catch (DecoderFallbackException e)
        {
            return (null, $"not a spec: bytes that are not UTF-8 text at offset {bom + e.Index}");
        }
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

    /// <summary>
    /// The classes the specs generate (in <paramref name="defaultNamespace"/> where a spec names none), after writing
    /// EFF0003 for each type or model name more than one variant generates, as the source generator reports it; null
    /// when there is one.
    /// </summary>
    public static IReadOnlyList<GeneratedModel>? Models(IEnumerable<LoadedSpec> specs, string defaultNamespace, TextWriter output)
    {
        var models = specs.SelectMany(s => GeneratedModel.For(s.Compilation, s.Path, defaultNamespace)).ToList();
        var conflicts = GeneratedSources.FindConflicts(models);
        foreach (var diagnostic in models.SelectMany(m => conflicts.Diagnostics(m).Select(d => d.ToString(m.SpecPath))))
        {
            output.WriteLine(diagnostic);
        }
        return conflicts == Conflicts.None ? models : null;
    }

    /// <summary>All resolved networks of all files, in file then spec order.</summary>
    public static IEnumerable<ResolvedNetwork> Networks(IEnumerable<LoadedSpec> specs) => specs.SelectMany(s => s.Compilation.Networks);

    /// <summary>The variant called <paramref name="name"/> (its name, class or model name), or null after writing why not.</summary>
    public static ResolvedNetwork? FindVariant(IReadOnlyList<ResolvedNetwork> networks, string name, TextWriter error)
    {
        var matches = networks.Where(n => n.IsCalled(name)).ToList();
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
