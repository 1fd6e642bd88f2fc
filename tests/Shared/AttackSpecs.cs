using System.Linq;
using CsCheck;

namespace EffNetGen.Tests.Shared;

/// <summary>The shapes of issue 21's outside attack, built on <see cref="SampleSpecs.Minimal"/>, for <see cref="SpecFuzz"/>.</summary>
public static class AttackSpecs
{
    /// <summary>
    /// Names of members every generated class declares: a sample of <c>CSharpNames.GeneratedMembers</c>, written out
    /// because every test project compiles this file, the package tests without the DSL.
    /// </summary>
    private static readonly string[] MemberNames = { "Macs", "Depth", "Width", "Training", "Resolution", "ModelName", "get_Blueprint", "Preprocess" };

    private static readonly string[] BadNamespaces =
    {
        "My.class", "A..B", "2024.Models", "EffNetGen.Runtime", "EffNetGen", "System", "global", "A.", "N." + new string('n', 600),
    };

    private static readonly Gen<string> CaseCollisions = Gen.Select(Gen.OneOf("B0", "b0", "Lite0", "Tiny", "A"), Gen.Int[0, 9], Gen.Bool)
        .Select((name, at, twoFamilies) => twoFamilies
            ? Family(name, "A") + "\n" + Family(FlipCase(name, at), "A")
            : Family("F", name, FlipCase(name, at)));

    /// <summary>A member's name split into a family and a variant name, so that their class is called like the member.</summary>
    private static readonly Gen<string> MemberCollisions = Gen.Select(Gen.OneOf(MemberNames), Gen.Int[0, 20])
        .Select((member, at) => Family(member.Substring(0, 1 + (at % (member.Length - 1))), member.Substring(1 + (at % (member.Length - 1)))));

    private static readonly Gen<string> Namespaces = Gen.OneOf(BadNamespaces)
        .Select(ns => SampleSpecs.Minimal.Replace("family F {", "family F {\n  namespace " + ns));

    /// <summary><c>variant V { a { b { … f x x x …</c> never closed (D17): mostly a few KB, one in ten up to 200 KB.</summary>
    private static readonly Gen<string> Unterminated = Gen.Select(
            Gen.Int[0, 7], Gen.Frequency((9, Gen.Int[1, 2_000]), (1, Gen.Int[10_000, 20_000])), Gen.OneOf("x ", "x 1\n", "k3 ", "x { y 1 } "))
        .Select((levels, count, unit) => "family F {\n  variant V { " + string.Concat(Enumerable.Range(0, levels).Select(i => (char)('a' + i) + " { "))
            + "f " + string.Concat(Enumerable.Repeat(unit, count)));

    /// <summary>A family or variant name of 245 to 1,100 letters (D14), in ASCII or two bytes each in UTF-8.</summary>
    private static readonly Gen<string> LongNames = Gen.Select(Gen.OneOf(245, 250, 509, 1_100), Gen.OneOf("b", "Ω"), Gen.Bool)
        .Select((length, letter, inFamily) => string.Concat(Enumerable.Repeat(letter, length)) is var name && inFamily ? Family(name, "A") : Family("F", name));

    /// <summary>A few variants, or just over the budget of 1,000 a file, or 20,000 (D16).</summary>
    private static readonly Gen<string> ManyVariants = Gen.OneOf(Gen.Int[2, 30], Gen.Int[1_001, 1_010], Gen.Const(20_000))
        .Select(count => Family("F", Enumerable.Range(0, count).Select(i => "V" + i).ToArray()));

    /// <summary>Issue 21's shapes: case-colliding and member names, bad namespaces, unterminated nesting, long names, many variants.</summary>
    public static Gen<string> All { get; } = Gen.OneOf(CaseCollisions, MemberCollisions, Namespaces, Unterminated, LongNames, ManyVariants);

    /// <summary><see cref="SampleSpecs.Minimal"/>'s layers as family <paramref name="family"/> with <paramref name="variants"/>.</summary>
    private static string Family(string family, params string[] variants) =>
        SampleSpecs.Minimal.Replace("family F", "family " + family)
            .Replace("  variant A { width 1.0 depth 1.0 resolution 32 }", string.Join("\n", variants.Select(v => $"  variant {v} {{ width 1.0 depth 1.0 resolution 32 }}")));

    /// <summary><paramref name="name"/> with the case of one of its letters changed.</summary>
    private static string FlipCase(string name, int at)
    {
        var i = at % name.Length;
        var c = char.IsLetter(name[i]) ? name[i] : name[0];
        i = char.IsLetter(name[i]) ? i : 0;
        return name.Substring(0, i) + (char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)) + name.Substring(i + 1);
    }
}
