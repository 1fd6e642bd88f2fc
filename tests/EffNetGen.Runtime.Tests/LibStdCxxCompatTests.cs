using System;
using System.IO;
using System.Linq;
using System.Reflection;
using EffNetGen.Build;

namespace EffNetGen.Runtime.Tests;

/// <summary>The libstdc++ compatibility step, against the real TorchSharp native library.</summary>
public class LibStdCxxCompatTests
{
    private const string Missing = "GLIBCXX_3.4.32";

    private static string PackageCopy => typeof(LibStdCxxCompatTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TorchSharpNativeInPackage").Value!;

    private static string OutputCopy => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static byte[] Original => File.ReadAllBytes(PackageCopy);

    /// <summary>GLIBCXX_3.4 … 3.4.30 and CXXABI: what Debian 12's libstdc++ provides.</summary>
    private static readonly string[] Gcc12Versions = Enumerable.Range(0, 31)
        .Select(i => i == 0 ? "GLIBCXX_3.4" : $"GLIBCXX_3.4.{i}")
        .Concat(Enumerable.Range(0, 14).Select(i => i == 0 ? "CXXABI_1.3" : $"CXXABI_1.3.{i}"))
        .ToArray();

    [Fact]
    public void Reads_the_version_needs_of_libtorchsharp()
    {
        var info = new ElfVersionInfo(Original);

        var need = info.Needs.Single(n => n.Name == Missing);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Equal(18, need.Index); // readelf -V: "Name: GLIBCXX_3.4.32  Flags: none  Version: 18"
        Assert.Contains(info.Needs, n => n.Name == "GLIBC_2.2.5");
    }

    [Fact]
    public void The_missing_version_has_no_relocated_symbol_but_others_do()
    {
        var info = new ElfVersionInfo(Original);

        Assert.Empty(info.RelocatedSymbols(info.Needs.Single(n => n.Name == Missing).Index));
        // The scan itself finds relocations: CXXABI_1.3 (e.g. __cxa_* functions) is used throughout.
        Assert.NotEmpty(info.RelocatedSymbols(info.Needs.Single(n => n.Name == "CXXABI_1.3").Index));
    }

    [Fact]
    public void Patching_for_a_gcc12_host_flips_exactly_one_flag_in_a_copy()
    {
        var original = Original;
        var info = new ElfVersionInfo(original);
        var plan = LibStdCxxCompat.PlanFor(info, Gcc12Versions);

        Assert.Equal(new[] { Missing }, plan.Patchable.Select(n => n.Name));
        Assert.Empty(plan.Unpatchable);

        var patched = LibStdCxxCompat.Apply(original, info, plan);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal(new[] { (int)plan.Patchable[0].FlagsOffset }, differing);
        Assert.True(new ElfVersionInfo(patched).Needs.Single(n => n.Name == Missing).IsWeak);
        Assert.False(new ElfVersionInfo(original).Needs.Single(n => n.Name == Missing).IsWeak);
    }

    [Fact]
    public void Nothing_is_patched_where_the_host_provides_every_version()
    {
        var plan = LibStdCxxCompat.PlanFor(new ElfVersionInfo(Original), Gcc12Versions.Append("GLIBCXX_3.4.31").Append(Missing).ToList());
        Assert.Empty(plan.Patchable);
        Assert.Empty(plan.Unpatchable);
    }

    [Fact]
    public void A_missing_version_that_is_really_used_is_refused()
    {
        var plan = LibStdCxxCompat.PlanFor(new ElfVersionInfo(Original), Gcc12Versions.Where(v => v != "CXXABI_1.3").ToList());
        Assert.Contains(plan.Unpatchable, p => p.StartsWith("CXXABI_1.3: ", StringComparison.Ordinal));
        Assert.DoesNotContain(plan.Patchable, n => n.Name == "CXXABI_1.3");
    }

    [Fact]
    public void The_build_patched_the_output_copy_only_when_this_host_needs_it()
    {
        var system = LibStdCxxCompat.FindSystemLibStdCxx(62, true);
        Assert.NotNull(system);
        var hostLacksVersion = !new ElfVersionInfo(File.ReadAllBytes(system!)).Definitions.Contains(Missing);

        Assert.Equal(hostLacksVersion, new ElfVersionInfo(File.ReadAllBytes(OutputCopy)).Needs.Single(n => n.Name == Missing).IsWeak);
        Assert.False(new ElfVersionInfo(Original).Needs.Single(n => n.Name == Missing).IsWeak); // the NuGet cache is untouched
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(4096)]
    public void Truncated_or_corrupt_files_are_a_format_error_not_a_crash(int length)
    {
        var truncated = Original.Take(length).ToArray();
        Assert.Throws<FormatException>(() => new ElfVersionInfo(truncated));

        var corrupt = Original;
        corrupt[0x28] = 0xff; // section header offset far outside the file
        corrupt[0x2f] = 0x7f;
        Assert.Throws<FormatException>(() => new ElfVersionInfo(corrupt));
    }
}
