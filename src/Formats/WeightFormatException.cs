using System;
using System.Globalization;
using System.Linq;

namespace EffNetGen.Formats;

/// <summary>A weight file that is malformed, or that does not fit the model; the message names the file and the tensor.</summary>
public sealed class WeightFormatException : Exception
{
    /// <summary>
    /// Creates the exception with a complete, user-facing message. Control and bidirectional-override characters in it
    /// (a tensor name is whatever the file says) are shown as <c>\uXXXX</c>: a message must not move a terminal's
    /// cursor or recolour it; lists of names (<see cref="WeightSource.Describe"/>) escape line breaks too.
    /// </summary>
    public WeightFormatException(string message)
        : base(Printable(message, keepLines: true))
    {
    }

    /// <summary>
    /// <paramref name="text"/> with control and bidirectional-override characters as <c>\uXXXX</c>; line breaks too
    /// unless <paramref name="keepLines"/> (a message's own lines).
    /// </summary>
    public static string Printable(string text, bool keepLines = false)
    {
        bool Hostile(char c) => (char.IsControl(c) && !(keepLines && c == '\n')) || c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
        return text.Any(Hostile) ? string.Concat(text.Select(c => Hostile(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString())) : text;
    }
}
