using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;

namespace EffNetGen.Tests.Shared;

/// <summary>
/// Hostile <c>.effnet</c> texts for property tests and the long fuzz campaign (bench: <c>-- fuzz</c>): mutations of
/// the shipped specs (tokens deleted, duplicated, swapped, replaced by nasty ones; line endings mixed; BOMs; cuts;
/// deep nesting), soups of keywords and nasty tokens, and issue 21's attack shapes (<see cref="AttackSpecs"/>). CsCheck
/// shrinks a failing input to a small one.
/// </summary>
public static class SpecFuzz
{
    /// <summary>Numbers, characters and names that have broken parsers and code generators before.</summary>
    public static readonly string[] NastyTokens =
    {
        "1e309", "-1e309", "NaN", "nan", "Infinity", "-Infinity", "∞", "-0", "-0.0", "0", "-1", "1e-320", "4.9e-324",
        "2147483648", "9223372036854775808", "99999999999999999999999", "1.7976931348623157e308", "0x1F", "1,5", "١٢",
        "1e3M", "5.3M±1%", "±", "%", "0.5G", "1_000", "+3", ".5", "5.", "e6", "k0", "s0", "c0", "r0", "se2", "se-0.5",
        "k3", "s2", "c16", "r4", "se0.25", "k99999", "c99999999",
        "\0", "\u0001", "\u007f", "😀", "\uD800", "\uFEFF", "\u00A0", "\u2028", "\u202E", "\t", "\r", "\r\n", "\n", "\v",
        "{", "}", "{}", "{{", "}}", "B0{}class X{}", "@class", "class", "_", "__", "Ω", "é", "İ", "ı", "x1", "1x",
        "*/", "/*", "-->", "<!--", "\"", "'", "\\", "//", "#", "///", "<summary>", "&amp;", "\"\\n\"",
        "family", "stage", "stem", "head", "classifier", "variant", "scaling", "defaults", "naming", "expect", "norm",
        "preprocess", "mbconv", "fused", "edge", "dsconv", "conv", "width", "depth", "resolution", "phi", "alpha",
        "beta", "gamma", "divisor", "dropout", "crop", "act", "silu", "relu", "gelu", "padding", "same", "times", "none",
        "params", "macs", "fixed", "on", "off", "prefix", "namespace", "min", "round", "ceil",
        // The mobile grammar (issue 18): rows, kernel lists (too many, zero, too long), block types and options.
        "then", "uir", "k3.5.7", "k3.5.7.9.11", "a1.1", "p1.1", "a0", "k0", "p3", "a5", "k1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1",
        "k3.5.7.9.11.13.15.17.19.21.23.25.27.29.31.33.35", "k00003.5", "1.2.3", "1..2", "3.", "e2.3", "se0", "pw_act", "se_act",
        "hidden", "layout", "mobilenetv3", "efficientnet", "output_stride", "model", "interpolation", "shrink", "mish",
        "leaky_relu", "sigmoid", "swish", "hardsigmoid", "divisor", "expanded",
        // Issue 21's attack: names of generated members, namespaces that are not C# or are EffNetGen's own.
        "Macs", "Training", "get_Blueprint", "My.class", "A..B", "2024.Models", "EffNetGen.Runtime",
    };

    private static readonly Regex TokenBoundary = new(@"(\s+|[{}])", RegexOptions.CultureInvariant);

    /// <summary>The shipped specs (specs/**/*.effnet next to the assembly), ordered by path.</summary>
    public static IReadOnlyList<string> ShippedSpecs { get; } = Directory
        .GetFiles(Path.Combine(AppContext.BaseDirectory, "specs"), "*.effnet", SearchOption.AllDirectories)
        .OrderBy(p => p, StringComparer.Ordinal)
        .Select(File.ReadAllText)
        .ToArray();

    private static readonly Gen<string> Nasty = Gen.OneOf(
        Gen.OneOf(NastyTokens),
        Gen.Char.Array[1, 8].Select(c => new string(c)),
        Gen.Int[2, 5000].Select(n => new string('x', n)),
        Gen.Int[2, 200].Select(n => new string('{', n)));

    /// <summary>One edit of a token list: what, where (fractions of the length), and the token it may bring.</summary>
    private static readonly Gen<(int Kind, double At, double To, string Token)> Edit =
        Gen.Select(Gen.Int[0, 9], Gen.Double.Unit, Gen.Double.Unit, Nasty);

    /// <summary>A shipped spec with one to six edits.</summary>
    public static Gen<string> Mutations { get; } = Gen.Select(Gen.Int[0, ShippedSpecs.Count - 1], Edit.Array[1, 6])
        .Select(t => Mutate(ShippedSpecs[t.Item1], t.Item2));

    /// <summary>Keywords, nasty tokens and separators in random order.</summary>
    public static Gen<string> Soup { get; } = Gen.OneOf(Gen.OneOf(NastyTokens), Nasty, Gen.OneOf(" ", "\n", "  ", "\r\n"))
        .Array[0, 80].Select(tokens => string.Concat(tokens));

    /// <summary>
    /// Every kind of hostile input: mostly mutations (they get deepest into the pipeline), some soups, issue 21's attack
    /// shapes, some noise.
    /// </summary>
    public static Gen<string> Inputs { get; } = Gen.Frequency(
        (6, Mutations),
        (3, Soup),
        (1, AttackSpecs.All),
        (1, Gen.String));

    private static string Mutate(string spec, (int Kind, double At, double To, string Token)[] edits)
    {
        var tokens = TokenBoundary.Split(spec).Where(t => t.Length > 0).ToList();
        foreach (var (kind, at, to, token) in edits)
        {
            var i = Math.Max(0, Math.Min((int)(at * tokens.Count), tokens.Count - 1));
            var j = Math.Max(0, Math.Min((int)(to * tokens.Count), tokens.Count - 1));
            switch (kind)
            {
                case 0 when tokens.Count > 1:
                    tokens.RemoveAt(i);
                    break;
                case 1 when tokens.Count > 0:
                    tokens.Insert(i, tokens[i]);
                    break;
                case 2 when tokens.Count > 0:
                    (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
                    break;
                case 3 when tokens.Count > 0:
                case 4 when tokens.Count > 0:
                    tokens[i] = token;
                    break;
                case 5:
                    tokens.Insert(i, token);
                    break;
                case 6:
                    tokens = TokenBoundary.Split(string.Concat(tokens).Replace("\r\n", "\n").Replace("\n", at < 0.33 ? "\r\n" : at < 0.66 ? "\r" : "\n")).Where(t => t.Length > 0).ToList();
                    break;
                case 7:
                    tokens.Insert(0, "\uFEFF");
                    break;
                case 8 when i > 0:
                    tokens.RemoveRange(i, tokens.Count - i);
                    break;
                default:
                    tokens.Insert(i, new StringBuilder().Insert(0, "x { ", 1 + (int)(to * 40)).ToString());
                    break;
            }
        }
        return string.Concat(tokens);
    }

    /// <summary>
    /// Large specs, <paramref name="size"/> characters (1 MiB by default): "line" (one line), "comment", "specs" (the
    /// shipped ones repeated), "statements" (one family of short statements), "blocks" (one family of lines of blocks
    /// nested six deep), "nesting" (braces only).
    /// </summary>
    public static string Large(string kind, int size = 1 << 20)
    {
        static string InFamily(string lines) => SampleSpecs.Minimal.Replace("  variant A", lines + "  variant A");
        string Repeat(string unit) => new StringBuilder(size + unit.Length).Insert(0, unit, size / unit.Length + 1).ToString();
        return kind switch
        {
            "line" => Repeat("stage mbconv k3 s1 e6 c16 r1 se0.25 "),
            "comment" => "// " + new string('x', size) + "\n" + ShippedSpecs[0],
            "specs" => Repeat(string.Join("\n", ShippedSpecs)),
            "statements" => InFamily(Repeat("  norm { eps 1e-3 }\n")),
            "blocks" => InFamily(Repeat("  norm { a { b { c { d { e 1 } } } } }\n")),
            _ => new string('{', size),
        };
    }
}
