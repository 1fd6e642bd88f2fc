using EffNetGen.Dsl.Text;

namespace EffNetGen.Dsl.Parsing;

/// <summary>
/// Rejects absurdly deep <c>{ … }</c> nesting before Sprache sees it. Sprache parses nested blocks
/// recursively, and a stack overflow cannot be caught: it would take the compiler down with it.
/// The language needs three levels (<c>family { variant { norm { } } }</c>).
/// </summary>
internal static class NestingGuard
{
    public const int MaxDepth = 8;

    /// <summary>The span of the first brace nested deeper than <see cref="MaxDepth"/>, or null.</summary>
    public static SourceSpan? FirstTooDeep(string text)
    {
        var depth = 0;
        foreach (var (i, line, column) in CodeScanner.Characters(text))
        {
            if (text[i] == '{' && ++depth > MaxDepth)
            {
                return new SourceSpan(i, 1, line, column, line, column + 1);
            }
            if (text[i] == '}' && depth > 0)
            {
                depth--;
            }
        }
        return null;
    }
}
