using System.Globalization;
using System.Text;

namespace EffNetGen.CodeGen;

/// <summary>A minimal indented writer; output always uses '\n' line endings so it is byte-identical everywhere.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeWriter Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }
        _text.Append('\n');
        return this;
    }

    public CodeWriter Open(string line)
    {
        Line(line).Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => _text.ToString();
}

/// <summary>Invariant-culture C# literals (a culture's decimal comma or Unicode minus would not compile).</summary>
internal static class Literal
{
    public static string Of(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Of(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    /// <summary>The shortest round-trip form, always with a '.' or exponent so it reads as a double.</summary>
    public static string Of(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E' }) >= 0 ? text : text + ".0";
    }

    /// <summary>A C# string literal.</summary>
    public static string Of(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c > 126)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>A number with thousands separators for prose (invariant: commas).</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Text safe inside an XML doc comment.</summary>
    public static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
