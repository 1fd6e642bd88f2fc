using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// An exclusive lock on a file, so that two processes (or two calls in one) never write the same <c>.incomplete</c>
/// file: a <see cref="FileStream"/> opened with <see cref="FileShare.None"/> (flock on Unix). The lock file stays behind,
/// empty, as huggingface_hub's do: deleting it would let a waiter lock a file nobody else can see.
/// </summary>
internal sealed class DownloadLock : IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);

    private readonly FileStream _stream;

    private DownloadLock(FileStream stream) => _stream = stream;

    /// <summary>
    /// Waits for the lock at <paramref name="path"/> while its holder makes progress: the wait gives up only after
    /// <paramref name="timeout"/> in which <paramref name="download"/> (the holder's <c>.incomplete</c> file) did not grow,
    /// so a slow but steady download of a large file is waited for to its end.
    /// </summary>
    internal static async Task<DownloadLock> AcquireAsync(string path, string download, TimeSpan timeout, string id, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var waited = Stopwatch.StartNew();
        var seen = -1L;
        while (true)
        {
            var length = File.Exists(download) ? new FileInfo(download).Length : -1;
            if (length != seen)
            {
                (seen, waited) = (length, Stopwatch.StartNew());
            }
            try
            {
                return new DownloadLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (timeout == Timeout.InfiniteTimeSpan || waited.Elapsed < timeout)
            {
                await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new PretrainedException(
                    $"{id}: another download of the same file holds {path} and has not progressed for {HubHttpClient.Seconds(timeout)} s (HubOptions.Timeout); gave up", e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
