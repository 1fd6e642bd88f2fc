using System.Collections.Generic;

namespace EffNetGen.Dsl.Parsing;

/// <summary>
/// The characters of spec text outside comments, with the line and column an editor shows: what the checks that run
/// before Sprache (<see cref="NestingGuard"/>, <see cref="VariantCount"/>) look at, so that a brace or a keyword in a
/// comment counts for neither.
/// </summary>
internal static class CodeScanner
{
    /// <summary>Each character outside <c>//</c> and <c>/* */</c> comments, line breaks included (CR, LF, CRLF).</summary>
    public static IEnumerable<(int Index, int Line, int Column)> Characters(string text)
    {
        var (line, column) = (1, 1);
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
            else
            {
                yield return (i, line, column);
                if (c == '\n' || (c == '\r' && next != '\n'))
                {
                    (line, column) = (line + 1, 0);
                }
            }
        }
    }
}
