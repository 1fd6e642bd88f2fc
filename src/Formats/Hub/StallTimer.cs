using System;
using System.Threading;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// <see cref="HubOptions.Timeout"/> as a cancellation: restarted before each request and each read, so a slow but
/// steady download of a large file never times out, while a server that goes silent does.
/// </summary>
internal sealed class StallTimer : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;

    internal StallTimer(TimeSpan timeout, CancellationToken caller)
    {
        Timeout = timeout;
        _caller = caller;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
        Restart();
    }

    internal TimeSpan Timeout { get; }

    /// <summary>Cancelled by the caller, or when the timer runs out.</summary>
    internal CancellationToken Token => _source.Token;

    /// <summary>True when a cancellation came from the timer, not from the caller (whose cancellation propagates as is).</summary>
    internal bool Expired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

    internal void Restart() => _source.CancelAfter(Timeout);

    public void Dispose() => _source.Dispose();
}
