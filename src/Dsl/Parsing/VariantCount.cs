using EffNetGen.Dsl.Syntax;
using EffNetGen.Dsl.Text;

namespace EffNetGen.Dsl.Parsing;

/// <summary>The first variant statement over a budget: the span of its keyword and name, the name, and the file's total.</summary>
internal sealed record VariantOverBudget(SourceSpan Span, string Name, int Total);

/// <summary>
/// Counts a spec's variant statements (<c>variant</c> as the first word of a line inside a family) in one pass over its
/// characters, before anything is parsed: issue 21, D16 — 10⁶ variants kept <c>effnet check</c> busy for 122 s, and
/// 10,000 generated 73 MB of C#. A file over the budget is refused without parsing, binding or resolving any of them.
/// </summary>
internal static class VariantCount
{
    /// <summary>The first variant after the first <paramref name="max"/> of <paramref name="text"/>, or null when there are not more.</summary>
    public static VariantOverBudget? FirstOver(string text, int max)
    {
        var (depth, total, statementStart, wordEnd) = (0, 0, false, 0);
        VariantOverBudget? first = null;
        foreach (var (i, line, column) in CodeScanner.Characters(text))
        {
            var c = text[i];
            if (i < wordEnd)
            {
                continue;
            }
            if (Lexical.IsWordStart(c))
            {
                wordEnd = Lexical.WordEnd(text, i);
                var isVariant = statementStart && depth == 1 && wordEnd - i == Keywords.Variant.Length
                    && string.CompareOrdinal(text, i, Keywords.Variant, 0, wordEnd - i) == 0;
                if (isVariant && ++total > max && first is null)
                {
                    var nameStart = wordEnd;
                    while (nameStart < text.Length && text[nameStart] is ' ' or '\t')
                    {
                        nameStart++;
                    }
                    var nameEnd = Lexical.WordEnd(text, nameStart);
                    var end = nameEnd > nameStart ? nameEnd : wordEnd;
                    first = new VariantOverBudget(new SourceSpan(i, end - i, line, column, line, column + end - i), text.Substring(nameStart, nameEnd - nameStart), 0);
                }
            }
            depth = c == '{' ? depth + 1 : c == '}' && depth > 0 ? depth - 1 : depth;
            // A statement starts on a new line, or right after the family's opening brace.
            statementStart = c is '\n' or '\r' || (c == '{' && depth == 1) || (statementStart && c is ' ' or '\t' or '\f' or '\v' or '\uFEFF');
        }
        return first is null ? null : first with { Total = total };
    }
}
