using System;
using System.IO;
using System.Text;
using EffNetGen.Formats;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Tests.Shared;

namespace EffNetGen.OnnxRuntime.Tests;

/// <summary>Issue 21, M1: a header whose fields repeat (JSON readers disagree on which one wins) is refused.</summary>
public class SafetensorsHeaderTests
{
    private static string Write(TempDirectory folder, string header)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var path = folder.PathOf("x.safetensors");
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        file.Write(new byte[4]);
        return path;
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"dtype":"I32"}}""", "tensor 'a' lists \"dtype\" twice")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"shape":[2],"data_offsets":[0,4]}}""", "tensor 'a' lists \"shape\" twice")]
    [InlineData("""{"__metadata__":{"m":"1"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"m":"2"}}""", "__metadata__ is listed twice")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "tensor 'a' is listed twice")]
    public void Repeated_fields_are_refused(string header, string message)
    {
        using var folder = new TempDirectory();
        var path = Write(folder, header);

        var error = Assert.Throws<WeightFormatException>(() => SafetensorsFile.Open(path));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_same_header_without_repeats_is_read()
    {
        using var folder = new TempDirectory();

        var file = SafetensorsFile.Open(Write(folder, """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"""));

        Assert.Equal(new long[] { 1 }, file.Entries["a"].Shape);
    }
}
