using System.Collections.Generic;
using Sprache;

namespace EffNetGen.Dsl.Parsing;

/// <summary>
/// The number token, scanned by hand: invariant decimal with optional sign, fractions and exponent (<c>1.2</c>,
/// <c>1e-5</c>, <c>-3</c>, and timm's kernel lists <c>3.5.7</c>), and for contracts a magnitude suffix and a tolerance
/// (<c>5.3M</c>, <c>0.39G±5%</c>, <c>5.3M+-1%</c>); the binder decides where each is allowed. Every option reads one, and
/// Sprache's combinators allocated about 12 KB a number (issue 21's campaign: the slowest inputs were lists of options).
/// It reads and fails exactly as the combinators did: the optional parts are taken only when complete, and the failures
/// keep their positions and expectations, which are what diagnostics show.
/// </summary>
internal static class NumberToken
{
    private static readonly IEnumerable<string> NumberExpected = new[] { "number" };

    private static readonly IEnumerable<string> DigitExpected = new[] { "digit" };

    private static readonly IEnumerable<string> NothingExpected = new string[0];

    /// <summary>The number at <paramref name="input"/>, normalised (<c>E</c> as <c>e</c>, <c>+-</c> as <c>±</c>).</summary>
    public static IResult<string> Read(IInput input)
    {
        var (text, start) = (input.Source, input.Position);
        var at = start < text.Length && text[start] == '-' ? start + 1 : start;
        var whole = Decimal(text, at);
        if (whole == at)
        {
            // No digit: with a sign, the error is after it ("digit"); without, at the start ("number").
            return at == start
                ? Result.Failure<string>(input, Unexpected(text, at), NumberExpected)
                : Result.Failure<string>(Lexical.Skip(input, 1), Unexpected(text, at), DigitExpected);
        }
        var value = text.Substring(start, whole - start);
        at = whole;
        if (at < text.Length && text[at] is 'e' or 'E')
        {
            var digits = at + 1 < text.Length && text[at + 1] is '+' or '-' ? at + 2 : at + 1;
            var end = DigitsEnd(text, digits);
            if (end > digits)
            {
                value += "e" + text.Substring(at + 1, end - at - 1);
                at = end;
            }
        }
        if (at < text.Length && text[at] is 'K' or 'M' or 'G')
        {
            value += text[at++];
        }
        var percent = At(text, at, "±") ? at + 1 : At(text, at, "+-") ? at + 2 : -1;
        if (percent >= 0 && Decimal(text, percent) is var digitsEnd && digitsEnd > percent && At(text, digitsEnd, "%"))
        {
            value += "±" + text.Substring(percent, digitsEnd - percent) + "%";
            at = digitsEnd + 1;
        }
        if (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] == '_'))
        {
            return Result.Failure<string>(Lexical.Skip(input, at - start), $"unexpected '{text[at]}' after a number", NothingExpected);
        }
        return Result.Success(value, Lexical.Skip(input, at - start));
    }

    /// <summary>Where digits and any '.'-separated groups of digits from <paramref name="start"/> end (at it when none).</summary>
    private static int Decimal(string text, int start)
    {
        var end = DigitsEnd(text, start);
        while (end > start && end + 1 < text.Length && text[end] == '.' && char.IsDigit(text[end + 1]))
        {
            end = DigitsEnd(text, end + 1);
        }
        return end;
    }

    private static int DigitsEnd(string text, int start)
    {
        while (start < text.Length && char.IsDigit(text[start]))
        {
            start++;
        }
        return start;
    }

    private static bool At(string text, int position, string literal) =>
        position + literal.Length <= text.Length && string.CompareOrdinal(text, position, literal, 0, literal.Length) == 0;

    private static string Unexpected(string text, int position) =>
        position < text.Length ? $"unexpected '{text[position]}'" : "Unexpected end of input reached";
}
