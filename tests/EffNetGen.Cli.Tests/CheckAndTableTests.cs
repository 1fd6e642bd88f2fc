using System.Globalization;
using System.Linq;
using System.Text.Json;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Cli.Tests;

public class CheckAndTableTests
{
    [Fact]
    public void Check_accepts_the_shipped_spec()
    {
        var (exitCode, output, error) = CliRunner.Run("check", CliRunner.ShippedSpec);

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Contains("ok, 10 variant(s): EfficientNetB0,", output);
    }

    [Fact]
    public void Check_prints_compiler_style_diagnostics_and_exits_1()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("broken.effnet", SampleSpecs.BrokenStride);

        var (exitCode, output, _) = CliRunner.Run("check", path);

        Assert.Equal(1, exitCode);
        Assert.Equal(path + SampleSpecs.BrokenStrideDiagnostic, output.Trim());
    }

    [Fact]
    public void Check_refuses_a_file_of_more_variants_than_the_budget_at_the_first_one_over_D16()
    {
        using var temp = new TempDirectory();
        var variants = string.Concat(Enumerable.Range(0, 1_000).Select(i => $"  variant V{i} {{ }}\n"));
        var path = temp.Write("many.effnet", SampleSpecs.Minimal.Replace("  variant A", variants + "  variant A"));

        var (exitCode, output, _) = CliRunner.Run("check", path);

        Assert.Equal(1, exitCode);
        Assert.Equal(path + "(1005,3): error EFF0009: Variant 'A' is over the budget of 1,000 variants in one spec file (EffNetGenMaxVariants): this file has 1,001",
            output.Trim());
    }

    [Fact]
    public void An_unreadable_file_is_an_error_naming_it()
    {
        var (exitCode, _, error) = CliRunner.Run("check", "no/such/file.effnet");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("no/such/file.effnet: error: cannot read the file", error);
    }

    [Fact]
    public void Table_json_follows_the_documented_schema()
    {
        var (exitCode, output, _) = CliRunner.Run("table", CliRunner.ShippedSpec, "--json");

        Assert.Equal(0, exitCode);
        var variants = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(10, variants.Count);
        var b0 = variants[0];
        Assert.Equal(
            new[] { "family", "name", "model", "className", "resolution", "width", "depth", "dropout", "params", "macs", "blocks", "stem", "stages", "head", "classes",
                "phi", "requestedFlopsRatio", "realisedFlopsRatio" },
            b0.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("EfficientNet", "B0", 224, 0.2), (b0.GetProperty("family").GetString(), b0.GetProperty("name").GetString(),
            b0.GetProperty("resolution").GetInt32(), b0.GetProperty("dropout").GetDouble()));
        Assert.Equal(
            new[] { "stage", "operator", "kernel", "stride", "expansion", "seRatio", "inputChannels", "channels", "repeats", "inputResolution", "params", "macs", "blocks" },
            b0.GetProperty("stages")[0].EnumerateObject().Select(p => p.Name));

        // B0's first block of stage 2 by hand (the paper's MBConv6 k3 s2, 16 → 24 at 112×112; torchvision's SE 16 // 4 = 4):
        // 1×1 16→96, 3×3 depthwise, SE 96→4→96, 1×1 96→24; BatchNorm 2 parameters per channel.
        var block = b0.GetProperty("stages")[1].GetProperty("blocks")[0];
        Assert.Equal(("features.2.0", "InvertedResidual", 96, 4, 24, 2, false), (block.GetProperty("path").GetString(), block.GetProperty("type").GetString(),
            block.GetProperty("expandedChannels").GetInt32(), block.GetProperty("seChannels").GetInt32(), block.GetProperty("channels").GetInt32(),
            block.GetProperty("stride").GetInt32(), block.GetProperty("residual").GetBoolean()));
        Assert.Equal((16 * 96) + (2 * 96) + (96 * 9) + (2 * 96) + (96 * 4) + 4 + (4 * 96) + 96 + (96 * 24) + (2 * 24), block.GetProperty("params").GetInt64());
        Assert.Equal(0.2 * 1 / 16, block.GetProperty("dropPath").GetDouble());
        // The stem's MACs: a 3×3 conv 3 → 32 at stride 2, 112 × 112 outputs.
        Assert.Equal(112L * 112 * 32 * 3 * 9, b0.GetProperty("stem").GetProperty("macs").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, b0.GetProperty("phi").ValueKind);

        // Against torchvision's published counts and the paper's B7 repeats, not against EffNetGen itself.
        var expected = TorchvisionReference.ParameterCounts.Select(row => (string)row[0] + "=" + (long)row[1]);
        Assert.Equal(expected, variants.Take(8).Select(v => v.GetProperty("name").GetString() + "=" + v.GetProperty("params").GetInt64()));
        var b7 = variants[7];
        Assert.Equal(new[] { 4, 7, 7, 10, 10, 13, 4 }, b7.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("repeats").GetInt32()));
        Assert.Equal(2560, b7.GetProperty("head").GetProperty("channels").GetInt32());
    }

    [Fact]
    public void Table_json_gives_a_phi_variants_requested_and_realised_flops_ratios()
    {
        var showcase = Repository.PathOf("tests", "EffNetGen.Runtime.Tests", "Specs", "showcase.effnet");

        var (exitCode, output, _) = CliRunner.Run("table", showcase, "--json");

        Assert.Equal(0, exitCode);
        var phi2 = JsonDocument.Parse(output).RootElement.EnumerateArray().Single(v => v.GetProperty("name").GetString() == "Phi2");
        Assert.Equal(2, phi2.GetProperty("phi").GetDouble());
        // The spec's alpha 1.2, beta 1.1, gamma 1.15: (alpha · beta² · gamma²)^phi.
        Assert.Equal(System.Math.Pow(1.2 * 1.1 * 1.1 * 1.15 * 1.15, 2), phi2.GetProperty("requestedFlopsRatio").GetDouble(), 12);
        Assert.InRange(phi2.GetProperty("realisedFlopsRatio").GetDouble(), 2.0, 6.0); // rounding moves it, not by orders
    }

    [Fact]
    public void Table_text_lists_every_variant_and_with_stages_their_stage_tables()
    {
        var (exitCode, output, _) = CliRunner.Run("table", CliRunner.ShippedSpec, "--stages");

        Assert.Equal(0, exitCode);
        Assert.Contains("efficientnet_b7", output);
        Assert.Contains("66,347,960", output);
        Assert.Contains("EfficientNetB3 (300×300)", output);
        Assert.Contains("mbconv6 5x5 s2 se0.25", output);
    }

    [Fact]
    public void Numbers_are_printed_the_same_under_any_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var (_, output, _) = CliRunner.Run("table", CliRunner.ShippedSpec);
            Assert.Contains("5,288,548", output);
            Assert.Contains("0.386", output);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
