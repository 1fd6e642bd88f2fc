using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EffNetGen.Dsl;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.OnnxRuntime;

/// <summary>The variants of the specs EffNetGen ships (specs/*.effnet, embedded), by model name, class or variant name.</summary>
public static class ShippedModels
{
    private static readonly Lazy<IReadOnlyList<ResolvedNetwork>> Networks = new(Compile);

    /// <summary>Every shipped variant, in spec file then spec order.</summary>
    public static IReadOnlyList<ResolvedNetwork> All => Networks.Value;

    /// <summary>
    /// The shipped variant called <paramref name="name"/>: its model name (<c>efficientnet_b0</c>), class
    /// (<c>EfficientNetB0</c>), compared ignoring case.
    /// </summary>
    /// <exception cref="ArgumentException">No shipped variant has that name; the message lists the model names.</exception>
    public static ResolvedNetwork Find(string name) =>
        TryFind(name, out var network) ? network : throw new ArgumentException($"no shipped model is called '{name}'; the shipped models are: {string.Join(", ", All.Select(n => n.ModelName))}", nameof(name));

    /// <summary>The shipped variant called <paramref name="name"/> (as <see cref="Find"/>), or false.</summary>
    public static bool TryFind(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ResolvedNetwork? network)
    {
        network = All.FirstOrDefault(n => string.Equals(n.ModelName, name, StringComparison.OrdinalIgnoreCase))
            ?? All.FirstOrDefault(n => string.Equals(n.ClassName, name, StringComparison.OrdinalIgnoreCase));
        return network is not null;
    }

    private static IReadOnlyList<ResolvedNetwork> Compile()
    {
        var assembly = typeof(ShippedModels).Assembly;
        var networks = new List<ResolvedNetwork>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.EndsWith(".effnet", StringComparison.Ordinal)).OrderBy(r => r, StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var compilation = SpecCompiler.Compile(reader.ReadToEnd());
            if (!compilation.Succeeded)
            {
                throw new InvalidOperationException($"the shipped spec {resource} does not compile: {compilation.Diagnostics.First(d => d.Severity == Severity.Error)}");
            }
            networks.AddRange(compilation.Networks);
        }
        return networks;
    }
}
