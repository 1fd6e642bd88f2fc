using System.IO;
using System.Linq;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Cli.Tests;

/// <summary>What a user gets for the wrong kind of input or an output that cannot be written: one clear line, no stack trace.</summary>
public class InputOutputErrorTests
{
    [Fact]
    public void A_folder_is_named_as_a_folder()
    {
        using var temp = new TempDirectory();

        var (exitCode, output, error) = CliRunner.Run("check", temp.Path);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Equal($"{temp.Path}: error: is a folder, not a spec file; name the specs in it (e.g. {Path.Combine(temp.Path, "*.effnet")})", error.Trim());
    }

    [Theory]
    [InlineData("model.onnx", new byte[] { 0x08, 0x08, 0x12, 0x09, 0x45, 0x66, 0x66, 0x00, 0x4E }, "binary data (a NUL byte at offset 7); a spec is UTF-8 text")]
    [InlineData("latin1.effnet", new byte[] { 0x66, 0x61, 0x6D, 0x69, 0x6C, 0x79, 0x20, 0x43, 0x61, 0x66, 0xE9, 0x20, 0x7B }, "bytes that are not UTF-8 text at offset 10")]
    public void A_binary_or_non_UTF8_file_is_not_parsed_as_a_spec(string name, byte[] content, string problem)
    {
        using var temp = new TempDirectory();
        var path = temp.PathOf(name);
        File.WriteAllBytes(path, content); // an ONNX model's first bytes; "family Café {" in Latin-1

        var (exitCode, _, error) = CliRunner.Run("check", path);

        Assert.Equal(1, exitCode);
        Assert.Equal($"{path}: error: not a spec: {problem}", error.Trim());
    }

    [Fact]
    public void A_device_that_never_ends_is_refused_at_its_first_bytes()
    {
        // Issue 21, D4: /dev/zero was read up to the 16 MiB limit first, and under a heap limit ran out of memory.
        var (exitCode, _, error) = CliRunner.Run("check", "/dev/zero");

        Assert.Equal(1, exitCode);
        Assert.Equal("/dev/zero: error: not a spec: binary data (a NUL byte at offset 0); a spec is UTF-8 text", error.Trim());
    }

    [Fact]
    public void Check_reports_a_class_two_files_generate_as_the_generator_does()
    {
        using var temp = new TempDirectory();
        var a = temp.Write("a.effnet", SampleSpecs.Minimal);
        var b = temp.Write("b.effnet", SampleSpecs.Minimal);

        var (exitCode, output, _) = CliRunner.Run("check", a, b);

        Assert.Equal(1, exitCode);
        var lines = output.Trim().Split('\n');
        const string Where = " (more than one variant of this project's .effnet files defines it, ignoring case; none of them is generated)";
        Assert.Equal(new[] { a, b }.SelectMany(path => new[]
        {
            $"{path}(1,1): error EFF0003: Duplicate generated type 'EffNetGen.Models.FA'" + Where,
            $"{path}(1,1): error EFF0003: Duplicate model name 'f_a' of FA" + Where,
        }), lines);
    }

    [Fact]
    public void Check_reports_a_model_name_two_families_produce_in_both_files()
    {
        using var temp = new TempDirectory();
        var a = temp.Write("a.effnet", SampleSpecs.Minimal);
        var b = temp.Write("b.effnet", SampleSpecs.Minimal.Replace("family F", "family G").Replace("variant A {", "variant A { model f_a "));

        var (exitCode, output, _) = CliRunner.Run("check", a, b);

        Assert.Equal(1, exitCode);
        Assert.Equal(new[] { $"{a}(1,1): error EFF0003: Duplicate model name 'f_a' of FA", $"{b}(1,1): error EFF0003: Duplicate model name 'f_a' of GA" },
            output.Trim().Split('\n').Select(line => line.Substring(0, line.IndexOf(" (", System.StringComparison.Ordinal))));
    }

    [Fact]
    public void An_output_in_a_missing_folder_is_named_with_the_folder()
    {
        using var temp = new TempDirectory();
        var target = Path.Combine(temp.Path, "missing", "b0.onnx");

        var (exitCode, _, error) = CliRunner.Run("export-onnx", CliRunner.ShippedSpec, "B0", "-o", target);

        Assert.Equal(1, exitCode);
        Assert.EndsWith($"error: cannot write {target}: its folder {Path.Combine(temp.Path, "missing")} does not exist", error.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Generate_into_a_file_says_that_output_names_a_folder()
    {
        using var temp = new TempDirectory();
        var file = temp.Write("taken", "not a folder");

        var (exitCode, _, error) = CliRunner.Run("generate", CliRunner.ShippedSpec, "-o", file);

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {file} is a file; --output names the folder to write the generated files to", error.Trim());
    }
}
