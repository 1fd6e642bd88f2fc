using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace EffNetGen.OnnxRuntime.Labels;

/// <summary>Names for a classifier's outputs.</summary>
public static class ClassLabels
{
    /// <summary>The safetensors metadata key a fine-tuned checkpoint keeps its class names under (a JSON array).</summary>
    public const string MetadataKey = "classes";

    private static readonly Lazy<IReadOnlyList<string>> ImageNet = new(() => ReadResource("EffNetGen.OnnxRuntime.imagenet1k.txt").AsReadOnly());

    /// <summary>The 1,000 ImageNet-1k class names in class-index order (torchvision's list).</summary>
    public static IReadOnlyList<string> ImageNet1k => ImageNet.Value;

    /// <summary>
    /// The names for <paramref name="classes"/> outputs: the checkpoint's own (<see cref="MetadataKey"/>), ImageNet-1k's
    /// for 1,000 classes, otherwise <c>class 0</c>, <c>class 1</c>, ….
    /// </summary>
    /// <exception cref="FormatException">The metadata holds names, but not a JSON array of <paramref name="classes"/> strings.</exception>
    public static IReadOnlyList<string> For(int classes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (metadata is not null && metadata.TryGetValue(MetadataKey, out var json))
        {
            return Parse(json, classes);
        }
        return classes == 1000 ? ImageNet1k : Enumerable.Range(0, classes).Select(i => FormattableString.Invariant($"class {i}")).ToList();
    }

    /// <summary>The JSON array of class names a checkpoint stores, for <see cref="MetadataKey"/>.</summary>
    public static string ToJson(IEnumerable<string> names) => JsonSerializer.Serialize(names.ToArray());

    private static List<string> Parse(string json, int classes)
    {
        string[]? names;
        try
        {
            names = JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the checkpoint's '{MetadataKey}' metadata is not a JSON array of strings: {e.Message}", e);
        }
        if (names is null || names.Length != classes || names.Any(n => n is null))
        {
            throw new FormatException($"the checkpoint's '{MetadataKey}' metadata names {names?.Length ?? 0} classes; its classifier has {classes}");
        }
        return names.ToList();
    }

    private static List<string> ReadResource(string name)
    {
        using var stream = typeof(ClassLabels).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the assembly lacks its resource {name}");
        using var reader = new StreamReader(stream);
        // One name a line; '\r' too, should a checkout have turned the line ends into CRLF.
        return reader.ReadToEnd().Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
