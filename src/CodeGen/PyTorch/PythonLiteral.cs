using System.Globalization;
using System.Text;

namespace EffNetGen.CodeGen.PyTorch;

/// <summary>Invariant-culture Python literals.</summary>
internal static class PythonLiteral
{
    public static string Of(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Of(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Of(bool value) => value ? "True" : "False";

    /// <summary>The shortest round-trip form, always with a '.' or an exponent so it reads as a float.</summary>
    public static string Of(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return double.IsNaN(value) ? "float(\"nan\")" : value > 0 ? "float(\"inf\")" : "float(\"-inf\")";
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
        return text.IndexOfAny(new[] { '.', 'e' }) >= 0 ? text : text + ".0";
    }

    /// <summary>A Python string literal in double quotes; anything but printable ASCII escaped.</summary>
    public static string Of(string value)
    {
        var builder = new StringBuilder("\"");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append("\\U").Append(char.ConvertToUtf32(c, value[++i]).ToString("x8", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>A tuple of numbers (a one-element tuple keeps its comma).</summary>
    public static string Tuple(params string[] items) => items.Length == 1 ? $"({items[0]},)" : $"({string.Join(", ", items)})";
}
