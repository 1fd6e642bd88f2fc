using System;
using System.IO;
using System.Linq;
using EffNetGen.Dsl.Resolution;

namespace EffNetGen.Dsl.Tests;

/// <summary>Access to the shipped spec files, copied next to the tests.</summary>
internal static class Specs
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "specs", name));

    public static SpecCompilation EfficientNet { get; } = SpecCompiler.Compile(Read("efficientnet.effnet"));

    public static ResolvedNetwork Variant(string name) => EfficientNet.Networks.Single(n => n.Variant == name);
}
