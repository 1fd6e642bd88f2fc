using System.IO;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Cli.Tests;

public class GenerateAndDiffTests
{
    [Fact]
    public void Generate_writes_exactly_what_the_source_generator_emits()
    {
        using var temp = new TempDirectory();
        var directory = temp.Info;

        var (exitCode, _, error) = CliRunner.Run("generate", CliRunner.ShippedSpec, "-o", directory.FullName, "--namespace", "Sample.Models");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Equal(11, directory.GetFiles("*.g.cs").Length); // B0–B8, L2 and the registry
        Assert.True(File.Exists(Path.Combine(directory.FullName, "Sample.Models.EffNetModels.g.cs")));
        // The generator's own tests hold its reviewed output for B0 and B7: the tool must match it byte for byte.
        foreach (var type in new[] { "EfficientNetB0", "EfficientNetB7" })
        {
            var snapshot = File.ReadAllText(Repository.PathOf("tests", "EffNetGen.Generator.Tests", "Snapshots", type + ".verified.cs"));
            Assert.Equal(snapshot, File.ReadAllText(Path.Combine(directory.FullName, $"Sample.Models.{type}.g.cs")));
        }
    }

    [Fact]
    public void Generate_names_the_file_of_a_300_character_class_within_a_file_names_limit_D14()
    {
        using var temp = new TempDirectory();
        var spec = temp.Write("long.effnet", SampleSpecs.Minimal.Replace("variant A", "variant " + new string('a', 300)));
        var output = temp.Info.CreateSubdirectory("out");

        var (exitCode, _, error) = CliRunner.Run("generate", spec, "-o", output.FullName);

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        var model = Assert.Single(output.GetFiles("*.g.cs"), f => f.Name != "EffNetGen.Models.EffNetModels.g.cs");
        Assert.InRange(model.Name.Length, 100, 128);
        Assert.Matches("^EffNetGen\\.Models\\.Fa+-[0-9a-f]{16}\\.g\\.cs$", model.Name);
        Assert.Contains("public sealed partial class F" + new string('a', 300) + " ", File.ReadAllText(model.FullName));
    }

    [Fact]
    public void Generate_writes_nothing_for_a_broken_spec()
    {
        using var temp = new TempDirectory();
        var spec = temp.Write("broken.effnet", SampleSpecs.BrokenStride);
        var output = System.IO.Path.Combine(temp.Path, "out");

        var (exitCode, _, error) = CliRunner.Run("generate", spec, "-o", output);

        Assert.Equal(1, exitCode);
        Assert.Contains("broken.effnet" + SampleSpecs.BrokenStrideDiagnostic, error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Diff_compares_two_variants_stage_by_stage()
    {
        var (exitCode, output, _) = CliRunner.Run("diff", CliRunner.ShippedSpec, "B0", "efficientnet_b7");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n');
        // Stage 1 of B0 has 16 channels, 1 block; of B7 32 channels, 4 blocks (worked out by hand from the paper's rules).
        Assert.Contains(lines, l => l.Contains("│ 1 ") && l.Contains("16 → 32") && l.Contains("1 → 4"));
        Assert.Contains(lines, l => l.Contains("total") && l.Contains("5,288,548") && l.Contains("66,347,960") && l.Contains("+61,059,412")
            && l.Contains("385,814,752")); // B0's MACs, torchvision's 0.386 G
        Assert.Contains("params EfficientNetB0", output); // headed by class name, unique across families
    }

    [Fact]
    public void Diff_compares_variants_of_two_spec_files_by_class_name()
    {
        var (exitCode, output, _) = CliRunner.Run("diff", CliRunner.ShippedSpec, "B0", "B0", "--against", Repository.PathOf("specs", "tf_efficientnet.effnet"));

        Assert.Equal(0, exitCode);
        Assert.Contains("EfficientNetB0 → TfEfficientNetB0", output);
        // The same architecture (TF 'same' padding changes no parameter): every Δ is zero.
        Assert.Contains(output.Split('\n'), l => l.Contains("total") && l.Contains("5,288,548") && l.Contains(" 0 "));
    }

    [Fact]
    public void Diff_of_an_unknown_variant_lists_the_known_ones()
    {
        var (exitCode, _, error) = CliRunner.Run("diff", CliRunner.ShippedSpec, "B0", "B9");

        Assert.Equal(1, exitCode);
        Assert.Contains("no variant named 'B9'; the spec has: B0, B1, B2, B3, B4, B5, B6, B7", error);
    }
}
