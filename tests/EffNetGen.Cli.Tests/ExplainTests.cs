using System;
using EffNetGen.Dsl.Diagnostics;

namespace EffNetGen.Cli.Tests;

/// <summary><c>effnet explain</c>: the catalogue entry and the docs section of a diagnostic, with no network.</summary>
public class ExplainTests
{
    [Fact]
    public void Explain_prints_the_catalogue_entry_and_its_docs_section()
    {
        var (exitCode, output, error) = CliRunner.Run("explain", "eff0005");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.StartsWith("EFF0005 (error): Invalid value in spec", output);
        Assert.Contains("**Invalid value**: wrong kind or out of range.", output);
        Assert.Contains("EFF0005: Invalid stride 's' in 'stage': must be 1 or 2, got 3", output);
        Assert.DoesNotContain("## EFF0006", output);
    }

    [Fact]
    public void Every_diagnostic_can_be_explained_and_links_only_absolutely()
    {
        Assert.All(DiagnosticCatalog.All, d =>
        {
            Assert.StartsWith($"## {d.Id}\n", DiagnosticDocumentation.Section(d.Id));
            // Unstamped builds (no repository URL) have no link; a stamped one is an absolute URL of this ID's section.
            Assert.True(d.HelpLink is null || (Uri.TryCreate(d.HelpLink, UriKind.Absolute, out _) && d.HelpLink.EndsWith("diagnostics.md#" + d.Id.ToLowerInvariant(), StringComparison.Ordinal)), d.HelpLink);
        });
    }

    [Fact]
    public void An_unknown_id_lists_the_known_ones()
    {
        var (exitCode, _, error) = CliRunner.Run("explain", "EFF4242");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: no diagnostic 'EFF4242'; EffNetGen reports EFF0001, EFF0002,", error);
    }
}
