using EffNetGen.Dsl.Syntax;
using EffNetGen.Dsl.Text;
using Sprache;

namespace EffNetGen.Dsl.Parsing;

/// <summary>
/// Tokens and whitespace of the spec language. Statements are line-based (one table row per
/// line, like the paper's Table 1), so there are two kinds of gap: <see cref="InlineGap"/> inside a
/// line and <see cref="AnyGap"/> where line breaks are allowed (between statements, inside braces).
/// </summary>
internal static class Lexical
{
    internal static readonly Parser<string> LineComment =
        from open in Parse.String("//")
        from body in Parse.CharExcept("\r\n").Many().Text()
        select body;

    internal static readonly Parser<string> NewLine =
        Parse.String("\r\n").Or(Parse.String("\n")).Or(Parse.String("\r")).Text().Named("end of line");

    /// <summary>Spaces, tabs and <c>/* */</c> comments: the gap between tokens of one statement.</summary>
    internal static readonly Parser<string> InlineGap = Gap(lineBreaks: false);

    /// <summary>Any whitespace, line breaks and comments of both kinds.</summary>
    internal static readonly Parser<string> AnyGap = Gap(lineBreaks: true);

    /// <summary>
    /// Skips blanks (space, tab, form feed, vertical tab, BOM) and terminated <c>/* */</c> comments, and with
    /// <paramref name="lineBreaks"/> also line breaks and <c>//</c> comments; never fails. Scanned by hand rather than
    /// composed: gaps follow every token, and Sprache's combinators allocate a failure result at the end of each one.
    /// An unterminated <c>/*</c> is left for the next token to reject.
    /// </summary>
    private static Parser<string> Gap(bool lineBreaks) => input =>
    {
        var (text, start) = (input.Source, input.Position);
        var end = start;
        while (end < text.Length)
        {
            var c = text[end];
            if (c is ' ' or '\t' or '\f' or '\v' or '\uFEFF' || (lineBreaks && c is '\r' or '\n'))
            {
                end++;
            }
            else if (c == '/' && end + 1 < text.Length && text[end + 1] == '*' && text.IndexOf("*/", end + 2, System.StringComparison.Ordinal) is var close and >= 0)
            {
                end = close + 2;
            }
            else if (lineBreaks && c == '/' && end + 1 < text.Length && text[end + 1] == '/')
            {
                end = text.IndexOfAny(LineBreaks, end + 2) is var eol and >= 0 ? eol : text.Length;
            }
            else
            {
                break;
            }
        }
        return Result.Success("", Skip(input, end - start));
    };

    /// <summary><paramref name="input"/> advanced by <paramref name="count"/> characters (Sprache tracks lines and columns).</summary>
    internal static IInput Skip(IInput input, int count)
    {
        for (var i = 0; i < count; i++)
        {
            input = input.Advance();
        }
        return input;
    }

    private static readonly char[] LineBreaks = { '\r', '\n' };

    private static readonly Parser<char> IdentifierPart = Parse.LetterOrDigit.Or(Parse.Char('_'));

    /// <summary>Sprache's identifier parser: used only where no word starts, for its error message and expectations.</summary>
    private static readonly Parser<string> NoWord =
        Parse.Identifier(Parse.Letter.Or(Parse.Char('_')), IdentifierPart).Named("identifier");

    /// <summary>Letters, digits and underscores, starting with a letter or underscore (read by <see cref="PeekWord"/>).</summary>
    internal static readonly Parser<string> Word = input =>
        PeekWord(input) is { Length: > 0 } word ? Result.Success(word, Skip(input, word.Length)) : NoWord(input);

    /// <summary>The <see cref="Word"/> at <paramref name="input"/> without consuming it, or "" when none starts there.</summary>
    internal static string PeekWord(IInput input)
    {
        var (text, start) = (input.Source, input.Position);
        return start < text.Length && IsWordStart(text[start]) ? text.Substring(start, WordEnd(text, start) - start) : "";
    }

    /// <summary>Whether a <see cref="Word"/> can start with <paramref name="c"/>.</summary>
    internal static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    /// <summary>Where the word, or variant name, at <paramref name="start"/> ends: after its last letter, digit or underscore.</summary>
    internal static int WordEnd(string text, int start)
    {
        var end = start;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }
        return end;
    }

    /// <summary>Exactly the word <paramref name="text"/>; on failure the error points at the start of the word read.</summary>
    internal static Parser<string> Keyword(string text) => Word.Where(w => w == text).Named(text);

    /// <summary>
    /// Letters, as <c>Parse.Letter.AtLeastOnce().Text()</c> reads them and fails where none is; scanned by hand, as
    /// Sprache allocates a parser and a result a letter.
    /// </summary>
    internal static readonly Parser<string> Letters = input =>
    {
        var (text, start) = (input.Source, input.Position);
        var end = start;
        while (end < text.Length && char.IsLetter(text[end]))
        {
            end++;
        }
        if (end == start)
        {
            var failure = Parse.Letter(input);
            return Result.Failure<string>(input, failure.Message, failure.Expectations);
        }
        return Result.Success(text.Substring(start, end - start), Skip(input, end - start));
    };

    /// <summary>A number (<see cref="NumberToken"/>).</summary>
    internal static readonly Parser<string> Number = NumberToken.Read;

    /// <summary>Runs <paramref name="parser"/> and records the source span of what it consumed.</summary>
    internal static Parser<(T Value, SourceSpan Span)> Located<T>(this Parser<T> parser) =>
        parser.Span().Select(s => (s.Value, ToSpan(s)));

    internal static Parser<Identifier> AsIdentifier(this Parser<string> parser) =>
        parser.Located().Select(t => new Identifier(t.Value, t.Span));

    /// <summary>A token followed by inline whitespace.</summary>
    internal static Parser<T> Inline<T>(this Parser<T> parser) =>
        from value in parser
        from gap in InlineGap
        select value;

    /// <summary>A token followed by any whitespace, line breaks included.</summary>
    internal static Parser<T> Spaced<T>(this Parser<T> parser) =>
        from value in parser
        from gap in AnyGap
        select value;

    private static SourceSpan ToSpan<T>(ITextSpan<T> span) =>
        new(span.Start.Pos, span.Length, span.Start.Line, span.Start.Column, span.End.Line, span.End.Column);
}
