using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using EffNetGen.CodeGen.PyTorch;
using EffNetGen.Dsl;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Resolution;
using Microsoft.Build.Framework;
using Task = Microsoft.Build.Utilities.Task;

namespace EffNetGen.Tasks;

/// <summary>
/// Writes the PyTorch modules of a project's specs — what <c>effnet generate --target pytorch</c> writes — at build time
/// (<c>EffNetGenPyTorch=true</c>). A spec error is logged at its file(line,col) with its EFF code, as the generator
/// reports it; files whose content is unchanged are not rewritten, so their timestamps stay.
/// </summary>
public sealed class GeneratePyTorch : Task
{
    /// <summary>The <c>.effnet</c> files.</summary>
    [Required]
    public ITaskItem[] Specs { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The folder to write the modules and <c>effnet_train.py</c> to.</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary><c>EffNetGenMaxParameters</c>, as the generator reads it.</summary>
    public string? MaxParameters { get; set; }

    /// <summary><c>EffNetGenMaxBlocks</c>, as the generator reads it.</summary>
    public string? MaxBlocks { get; set; }

    /// <summary><c>EffNetGenMaxVariants</c>, as the generator reads it.</summary>
    public string? MaxVariants { get; set; }

    /// <summary>The files written or already up to date (for <c>FileWrites</c>: <c>dotnet clean</c> removes them).</summary>
    [Output]
    public ITaskItem[] Files { get; private set; } = Array.Empty<ITaskItem>();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <inheritdoc />
    public override bool Execute()
    {
        var budget = Budget.FromProperties(MaxParameters, MaxBlocks, MaxVariants);
        var compiled = new List<(string, IReadOnlyList<ResolvedNetwork>)>();
        foreach (var path in Specs.Select(s => s.GetMetadata("FullPath")).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal))
        {
            SpecCompilation compilation;
            try
            {
                compilation = SpecCompiler.Compile(File.ReadAllText(path, StrictUtf8), budget);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
            {
                Log.LogError(null, null, null, path, 0, 0, 0, 0, $"cannot read the spec: {e.Message}");
                continue;
            }
            catch (Exception e)
            {
                // As the generator reports a DSL failure (EFF0099), never a task crash.
                Log.LogError(null, DiagnosticCatalog.InternalError.Id, null, path, 1, 1, 1, 1, $"{e.GetType().Name}: {e.Message}");
                continue;
            }
            foreach (var d in compilation.Diagnostics.Where(d => d.Severity == Severity.Error))
            {
                Log.LogError(null, d.Id, null, path, d.Span.Line, d.Span.Column, d.Span.EndLine, d.Span.EndColumn, d.Message);
            }
            if (compilation.Succeeded)
            {
                compiled.Add((path, compilation.Networks));
            }
        }
        if (Log.HasLoggedErrors)
        {
            return false;
        }
        var (files, clash) = PyTorchEmitter.Files(compiled);
        if (clash is not null)
        {
            Log.LogError(clash);
            return false;
        }
        try
        {
            Directory.CreateDirectory(OutputDirectory);
            foreach (var (name, source) in files)
            {
                var path = Path.Combine(OutputDirectory, name);
                var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(source);
                if (!File.Exists(path) || !File.ReadAllBytes(path).SequenceEqual(bytes))
                {
                    File.WriteAllBytes(path, bytes);
                    Log.LogMessage(MessageImportance.Normal, $"EffNetGen: wrote {path}");
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogError($"EffNetGen: cannot write the PyTorch modules to {OutputDirectory}: {e.Message}");
            return false;
        }
        Files = files.Select(f => (ITaskItem)new Microsoft.Build.Utilities.TaskItem(Path.Combine(OutputDirectory, f.Name))).ToArray();
        return true;
    }
}
