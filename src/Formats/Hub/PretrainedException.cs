using System;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// Pretrained weights that could not be had: not found, refused, unreachable, timed out, corrupt, or offline and not
/// cached. The message names the weights, the address or path, and what happened.
/// </summary>
public sealed class PretrainedException : Exception
{
    /// <summary>Creates the exception with a complete, user-facing message.</summary>
    public PretrainedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a complete, user-facing message and the failure underneath.</summary>
    public PretrainedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
