using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Tests.Shared;

namespace EffNetGen.Runtime.Tests.Reference;

/// <summary>A reference model's state_dict entries, in its order, as tools/make_reference_fixtures.py wrote them.</summary>
internal static class ReferenceKeys
{
    /// <summary>tests/fixtures/keys/<paramref name="source"/>/<paramref name="model"/>.txt: name and shape of every entry.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Of(string source, string model) =>
        File.ReadAllLines(Repository.PathOf("tests", "fixtures", "keys", source, model + ".txt"))
            .Select(line => line.Split('\t'))
            .Select(fields => (fields[0], ParseShape(fields[1])))
            .ToList();

    /// <summary>"d0,d1,…" (invariant culture; empty for a scalar) as a shape.</summary>
    public static long[] ParseShape(string text) =>
        text.Length == 0 ? System.Array.Empty<long>() : text.Split(',').Select(d => long.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>"name [d0, d1, …]", for comparing lists in assertion messages.</summary>
    public static string Format(string name, IEnumerable<long> shape) => $"{name} [{string.Join(", ", shape)}]";
}
