using System;

namespace EffNetGen.Formats;

/// <summary>A weight file that is malformed, or that does not fit the model; the message names the file and the tensor.</summary>
public sealed class WeightFormatException : Exception
{
    /// <summary>Creates the exception with a complete, user-facing message.</summary>
    public WeightFormatException(string message)
        : base(message)
    {
    }
}
