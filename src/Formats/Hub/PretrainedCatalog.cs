using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// The pretrained weights EffNetGen knows by name: timm's hub checkpoints and torchvision's, with their evaluation
/// settings. The list is embedded in the assembly (<c>Hub/pretrained.json</c>) and read once.
/// </summary>
public static class PretrainedCatalog
{
    private const string ResourceName = "EffNetGen.Formats.pretrained.json";
    private const int MaxSuggestions = 12;

    private static readonly Lazy<IReadOnlyList<PretrainedWeights>> Entries = new(Load);

    /// <summary>Every entry, in catalogue order.</summary>
    public static IReadOnlyList<PretrainedWeights> All => Entries.Value;

    /// <summary>
    /// The entry named <paramref name="name"/>: a full id (<c>efficientnet_b0.ra_in1k</c>), or a bare model name
    /// (<c>efficientnet_b0</c>) for that model's default weights, timm's before torchvision's. Case-insensitive.
    /// </summary>
    /// <exception cref="ArgumentException">No entry has that name; the message lists close matches.</exception>
    public static PretrainedWeights Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryFind(name, out var weights))
        {
            return weights;
        }
        var suggestions = Suggest(name.Trim());
        var hint = suggestions.Count > 0
            ? $"; did you mean {string.Join(", ", suggestions)}?"
            : $" (a full id such as efficientnet_b0.ra_in1k, or a model name for its default weights; {All.Count} entries in PretrainedCatalog.All)";
        throw new ArgumentException($"unknown pretrained weights '{name}'{hint}", nameof(name));
    }

    /// <summary>Like <see cref="Find"/>, without the exception.</summary>
    public static bool TryFind(string name, [NotNullWhen(true)] out PretrainedWeights? weights)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = name.Trim();
        weights = All.FirstOrDefault(e => string.Equals(e.Id, text, StringComparison.OrdinalIgnoreCase));
        if (weights is not null)
        {
            return true;
        }
        // A bare model name: its default, timm first (timm's hub weights are safetensors, torchvision's are pickles).
        var model = All.Where(e => string.Equals(e.Model, text, StringComparison.OrdinalIgnoreCase)).ToList();
        weights = model.Where(e => e.IsDefault).OrderBy(e => e.IsTimm ? 0 : 1).FirstOrDefault()
            ?? model.OrderBy(e => e.IsTimm ? 0 : 1).FirstOrDefault();
        return weights is not null;
    }

    /// <summary>The same model's ids, else ids containing the text, else models whose names are a typo away.</summary>
    private static IReadOnlyList<string> Suggest(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var model = dot < 0 ? text : text[..dot];
        var sameModel = All.Where(e => string.Equals(e.Model, model, StringComparison.OrdinalIgnoreCase)).Select(e => e.Id).ToList();
        if (sameModel.Count > 0)
        {
            return sameModel.Take(MaxSuggestions).ToList();
        }
        if (text.Length > 0)
        {
            var containing = All.Where(e => e.Id.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(e => e.Id).ToList();
            if (containing.Count > 0)
            {
                return containing.Take(MaxSuggestions).ToList();
            }
        }
        var lowered = model.ToLowerInvariant();
        return All.Select(e => e.Model).Distinct(StringComparer.Ordinal)
            .Select(m => (Model: m, Distance: EditDistance(lowered, m)))
            .Where(c => c.Distance <= Math.Max(1, lowered.Length / 5))
            .OrderBy(c => c.Distance).ThenBy(c => c.Model, StringComparer.Ordinal)
            .Select(c => c.Model).Take(MaxSuggestions).ToList();
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static IReadOnlyList<PretrainedWeights> Load()
    {
        using var stream = typeof(PretrainedCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the assembly lacks its embedded resource {ResourceName}");
        return Parse(stream);
    }

    /// <summary>
    /// Reads the catalogue's JSON array. JsonDocument rather than a serializer: the assembly is trimmable, and a
    /// hand-read entry can say which field of which id is wrong.
    /// </summary>
    internal static IReadOnlyList<PretrainedWeights> Parse(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(ParseEntry).ToList();
    }

    private static PretrainedWeights ParseEntry(JsonElement e)
    {
        var id = e.GetProperty("id").GetString() ?? throw new FormatException("a catalogue entry has no id");
        try
        {
            return new PretrainedWeights(
                Id: id,
                Source: Required(e, "source"),
                Model: Required(e, "model"),
                Tag: Required(e, "tag"),
                IsDefault: e.TryGetProperty("default", out var d) && d.ValueKind == JsonValueKind.True,
                Repo: Optional(e, "repo"),
                Url: Optional(e, "url"),
                File: Required(e, "file"),
                Sha256Prefix: Optional(e, "sha256_prefix"),
                Classes: e.GetProperty("classes").GetInt32(),
                Resolution: e.GetProperty("resolution").GetInt32(),
                Resize: IsPresent(e, "resize", out var resize) ? resize.GetInt32() : null,
                CropPct: e.GetProperty("crop_pct").GetDouble(),
                CropMode: Required(e, "crop_mode"),
                Interpolation: Required(e, "interpolation"),
                Mean: e.GetProperty("mean").EnumerateArray().Select(v => v.GetDouble()).ToEquatableArray(),
                Std: e.GetProperty("std").EnumerateArray().Select(v => v.GetDouble()).ToEquatableArray(),
                TestResolution: IsPresent(e, "test_resolution", out var testResolution) ? testResolution.GetInt32() : null,
                TestCropPct: IsPresent(e, "test_crop_pct", out var testCrop) ? testCrop.GetDouble() : null,
                License: Optional(e, "license"));
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"catalogue entry {id}: {ex.Message}"), ex);
        }
    }

    private static bool IsPresent(JsonElement e, string name, out JsonElement value) =>
        e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string Required(JsonElement e, string name) =>
        e.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null");

    private static string? Optional(JsonElement e, string name) => IsPresent(e, name, out var value) ? value.GetString() : null;
}
