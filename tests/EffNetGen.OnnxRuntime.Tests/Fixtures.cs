using System;
using System.IO;
using EffNetGen.Formats.Safetensors;

namespace EffNetGen.OnnxRuntime.Tests;

/// <summary>The committed images and Pillow/timm's tensors for them (tools/make_onnxruntime_fixtures.py).</summary>
internal static class Fixtures
{
    private static readonly Lazy<SafetensorsFile> Preprocessed = new(() => SafetensorsFile.Open(PathOf("preprocess.safetensors")));

    public static string Image(string name) => PathOf("images", name);

    /// <summary>timm's eval transform of <paramref name="image"/> under <paramref name="config"/> ([3, R, R]).</summary>
    public static float[] Reference(string image, string config) => Preprocessed.Value.ReadFloats($"{image}/{config}");

    /// <summary>Pillow's decoded RGB bytes of a JPEG fixture.</summary>
    public static byte[] Decoded(string image)
    {
        var name = $"{image}/decoded";
        var entry = Preprocessed.Value.Entries[name];
        var bytes = new byte[entry.End - entry.Begin];
        using var stream = Preprocessed.Value.OpenTensor(name);
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static string PathOf(params string[] parts) => Path.Combine(AppContext.BaseDirectory, "fixtures", Path.Combine(parts));
}
