using System.Collections.Generic;
using System.Linq;
using EffNetGen.Dsl.Diagnostics;
using EffNetGen.Dsl.Syntax;
using EffNetGen.Dsl.Text;
using Sprache;

namespace EffNetGen.Dsl.Parsing;

/// <summary>The result of parsing: a tree, or the one syntax error that stopped the parser.</summary>
public sealed record ParseResult(SpecSyntax? Syntax, SpecDiagnostic? Error);

/// <summary>Parses spec text into a <see cref="SpecSyntax"/>.</summary>
public static class SpecParser
{
    private static readonly System.Text.RegularExpressions.Regex LoneCarriageReturn = new("\r(?!\n)");

    /// <summary>Parses <paramref name="text"/>; never throws for any input.</summary>
    public static ParseResult Parse(string text)
    {
        if (NestingGuard.FirstTooDeep(text) is { } tooDeep)
        {
            return new ParseResult(null, SpecDiagnostic.Create(DiagnosticCatalog.SyntaxError, tooDeep,
                $"blocks are nested more than {NestingGuard.MaxDepth} levels deep"));
        }

        // Sprache counts lines at '\n' only; a lone '\r' (old Mac line ending) is a line break for
        // Roslyn and editors. Replacing it keeps every offset, so spans stay exact.
        var result = SpecGrammar.File.TryParse(LoneCarriageReturn.Replace(text, "\n"));
        return result.WasSuccessful
            ? new ParseResult(result.Value, null)
            : new ParseResult(null, ToDiagnostic(text, result));
    }

    private static SpecDiagnostic ToDiagnostic(string text, IResult<SpecSyntax> failure)
    {
        var at = failure.Remainder;
        var token = TokenAt(text, at.Position);
        var expected = failure.Expectations.Distinct().ToList();
        if (string.CompareOrdinal(text, at.Position, "/*", 0, 2) == 0 && text.IndexOf("*/", at.Position + 2, System.StringComparison.Ordinal) < 0)
        {
            var comment = new SourceSpan(at.Position, 2, at.Line, at.Column, at.Line, at.Column + 2);
            return SpecDiagnostic.Create(DiagnosticCatalog.SyntaxError, comment, "unterminated comment: '/*' has no closing '*/'");
        }
        var message = $"unexpected {Describe(token)}";
        if (expected.Count > 0)
        {
            message += $"; expected {JoinAlternatives(expected)}";
        }
        if (token.Length > 0 && char.IsLetter(token[0]))
        {
            message += Suggestions.DidYouMean(token, expected);
        }
        var span = new SourceSpan(at.Position, token.Length, at.Line, at.Column, at.Line, at.Column + token.Length);
        return SpecDiagnostic.Create(DiagnosticCatalog.SyntaxError, span, message);
    }

    /// <summary>The word, or single character, at <paramref name="position"/>; empty at end of file.</summary>
    private static string TokenAt(string text, int position)
    {
        if (position >= text.Length)
        {
            return "";
        }
        var end = position;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_' || text[end] == '.'))
        {
            end++;
        }
        if (end > position)
        {
            return text.Substring(position, end - position);
        }
        var isPair = position + 1 < text.Length && char.IsSurrogatePair(text[position], text[position + 1]);
        return text.Substring(position, isPair ? 2 : 1);
    }

    private static string Describe(string token) => token switch
    {
        "" => "end of file",
        "\n" or "\r" => "end of line",
        _ when char.IsControl(token[0]) => $"character U+{(int)token[0]:X4}",
        _ when token.Length == 2 && char.IsSurrogatePair(token[0], token[1]) => $"'{token}' (U+{char.ConvertToUtf32(token[0], token[1]):X})",
        _ => $"'{token}'",
    };

    private static string JoinAlternatives(IReadOnlyList<string> alternatives) =>
        alternatives.Count == 1
            ? alternatives[0]
            : string.Join(", ", alternatives.Take(alternatives.Count - 1)) + " or " + alternatives[alternatives.Count - 1];
}
