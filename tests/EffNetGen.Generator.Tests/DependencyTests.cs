using System;
using System.Linq;
using EffNetGen.Dsl;

namespace EffNetGen.Generator.Tests;

/// <summary>Guards the assembly references that decide where EffNetGen can load.</summary>
public class DependencyTests
{
    [Fact]
    public void The_generator_is_built_against_roslyn_4_8_so_dotnet_8_sdks_load_it()
    {
        // A generator compiled against a newer Microsoft.CodeAnalysis than the host compiler is not loaded (CS9057).
        var roslyn = typeof(EffNetGenerator).Assembly.GetReferencedAssemblies().Single(a => a.Name == "Microsoft.CodeAnalysis");
        Assert.Equal(new Version(4, 8, 0, 0), roslyn.Version);
    }

    [Fact]
    public void The_dsl_depends_on_nothing_but_netstandard_sprache_and_the_architecture_plan()
    {
        var references = typeof(SpecCompiler).Assembly.GetReferencedAssemblies().Select(a => a.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "EffNetGen.Architecture", "Sprache", "netstandard" }, references); // ordinal: upper case first
    }

    [Fact]
    public void The_architecture_plan_depends_on_nothing_but_netstandard()
    {
        var references = typeof(NetworkPlan).Assembly.GetReferencedAssemblies().Select(a => a.Name);
        Assert.Equal(new[] { "netstandard" }, references);
    }

    [Fact]
    public void The_analyzer_release_files_list_exactly_the_diagnostic_catalogue()
    {
        var rows = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(name => System.IO.File.ReadAllLines(EffNetGen.Tests.Shared.Repository.PathOf("src", "Generator", name)))
            .Where(line => line.StartsWith("EFF", StringComparison.Ordinal))
            .Select(line => string.Join(" | ", line.Split('|').Select(cell => cell.Trim())));

        var catalogue = Dsl.Diagnostics.DiagnosticCatalog.All.Select(d =>
            $"{d.Id} | EffNetGen | {(d.EnabledByDefault ? d.Severity.ToString() : "Disabled")} | {d.Title}");
        Assert.Equal(catalogue.OrderBy(r => r, StringComparer.Ordinal), rows.OrderBy(r => r, StringComparer.Ordinal));
    }
}
