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
        var (depth, line, column) = (0, 1, 1);
        for (var i = 0; i < text.Length; i++, column++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                while (i + 1 < text.Length && text[i + 1] is not ('\n' or '\r'))
                {
                    i++;
                }
            }
            else if (c == '/' && next == '*')
            {
                var end = text.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                var stop = end < 0 ? text.Length : end + 2;
                for (; i < stop - 1; i++)
                {
                    (line, column) = text[i] == '\n' ? (line + 1, 0) : (line, column + 1);
                }
            }
            else if (c == '\n' || (c == '\r' && next != '\n'))
            {
                (line, column) = (line + 1, 0);
            }
            else if (c == '{' && ++depth > MaxDepth)
            {
                return new SourceSpan(i, 1, line, column, line, column + 1);
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
        }
        return null;
    }
}
