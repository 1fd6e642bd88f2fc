using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace EffNetGen.Dsl.Diagnostics;

/// <summary>docs/diagnostics.md, embedded in this assembly so the explanation of every EFF ID travels with the compiler.</summary>
public static class DiagnosticDocumentation
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(DiagnosticDocumentation).Assembly.GetManifestResourceStream("EffNetGen.Dsl.diagnostics.md")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    });

    /// <summary>Where the docs of this build are published (ending in '/'), stamped at build time; null when unknown.</summary>
    public static string? PublishedUrl { get; } = typeof(DiagnosticDocumentation).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "EffNetGenDocsUrl")?.Value;

    /// <summary>The page's section about <paramref name="id"/> (from its <c>## ID</c> heading to the next), or null.</summary>
    public static string? Section(string id)
    {
        var heading = "\n## " + id.ToUpperInvariant() + "\n";
        var start = Page.Value.IndexOf(heading, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        var end = Page.Value.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return Page.Value.Substring(start + 1, (end < 0 ? Page.Value.Length : end) - start - 1).TrimEnd();
    }
}
