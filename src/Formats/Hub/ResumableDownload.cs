using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// Downloads a URL into an <c>.incomplete</c> file, resuming what an interrupted run left there, and hashes it on the
/// way. The file is never the finished one: the caller verifies the returned checksum and only then renames it.
/// </summary>
internal static class ResumableDownload
{
    private const int BufferSize = 1 << 16;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Brings <paramref name="incomplete"/> to the whole of <paramref name="url"/> and returns its SHA-256 (lower-case
    /// hex). An interruption or a stall keeps the partial file for the next call to resume; a file of the wrong size is
    /// deleted.
    /// </summary>
    internal static async Task<string> RunAsync(
        HubHttpClient http, Uri url, string incomplete, long? expectedSize, string label, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        long offset = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
        if (offset > expectedSize)
        {
            File.Delete(incomplete);
            offset = 0;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length;
        try
        {
            using var file = new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, BufferSize, useAsync: true);
            // A whole file left by a run that died before its rename needs no request, only its checksum.
            if (offset > 0 && offset == expectedSize)
            {
                await HashAsync(file, offset, hash, cancellationToken).ConfigureAwait(false);
                progress?.Report(new DownloadProgress(offset, expectedSize, label));
            }
            else
            {
                await FetchAsync(http, url, file, offset, expectedSize, hash, label, progress, cancellationToken).ConfigureAwait(false);
            }
            length = file.Length;
        }
        catch
        {
            // Keep a partial file for resuming, but not an empty one from a request that failed outright.
            if (File.Exists(incomplete) && new FileInfo(incomplete).Length == 0)
            {
                File.Delete(incomplete);
            }
            throw;
        }
        if (expectedSize is long size && length != size)
        {
            File.Delete(incomplete);
            throw new PretrainedException(FormattableString.Invariant($"{http.Id}: expected {size} bytes from {url}, got {length}; the download was discarded"));
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    private static async Task FetchAsync(
        HubHttpClient http, Uri url, FileStream file, long offset, long? expectedSize, IncrementalHash hash, string label,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var timer = new StallTimer(http.Timeout, cancellationToken);
        var (response, answered) = await GetAsync(http, url, offset, timer).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0)
        {
            // The partial file does not fit what the server has now: start over.
            response.Dispose();
            offset = 0;
            (response, answered) = await GetAsync(http, url, offset, timer).ConfigureAwait(false);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw http.Failure(response, answered);
            }
            long? total = expectedSize;
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                var range = response.Content.Headers.ContentRange;
                if (offset == 0 || range?.From != offset)
                {
                    throw new PretrainedException(FormattableString.Invariant($"{http.Id}: {answered} sent bytes {range?.From}- when asked for bytes {offset}-"));
                }
                total ??= range.Length;
            }
            else
            {
                // 200: the server ignored the range (or none was asked); the kept bytes are superseded.
                offset = 0;
                total ??= response.Content.Headers.ContentLength;
            }
            file.SetLength(offset);
            await HashAsync(file, offset, hash, cancellationToken).ConfigureAwait(false);
            progress?.Report(new DownloadProgress(offset, total, label));
            var received = await CopyAsync(http, answered, response, file, offset, total, hash, label, progress, timer, cancellationToken).ConfigureAwait(false);
            progress?.Report(new DownloadProgress(received, total ?? received, label));
        }
    }

    private static Task<(HttpResponseMessage Response, Uri Url)> GetAsync(HubHttpClient http, Uri url, long offset, StallTimer timer) =>
        http.SendAsync(HttpMethod.Get, url, offset > 0 ? offset : null, static (_, _) => true, timer);

    /// <summary>Appends the body to <paramref name="file"/> (at its end) and returns the file's new length.</summary>
    private static async Task<long> CopyAsync(
        HubHttpClient http, Uri url, HttpResponseMessage response, FileStream file, long received, long? total, IncrementalHash hash, string label,
        IProgress<DownloadProgress>? progress, StallTimer timer, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var sinceReport = Stopwatch.StartNew();
        using var body = await ReadAsync(() => response.Content.ReadAsStreamAsync(timer.Token)).ConfigureAwait(false);
        while (true)
        {
            var count = await ReadAsync(() => body.ReadAsync(buffer, timer.Token).AsTask()).ConfigureAwait(false);
            if (count == 0)
            {
                return received;
            }
            await file.WriteAsync(buffer.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            hash.AppendData(buffer, 0, count);
            received += count;
            if (progress is not null && sinceReport.Elapsed >= ProgressInterval)
            {
                progress.Report(new DownloadProgress(received, total, label));
                sinceReport.Restart();
            }
        }

        // Only the network side is caught here: a disk error while writing is not an interrupted download.
        async Task<T> ReadAsync<T>(Func<Task<T>> read)
        {
            timer.Restart();
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (timer.Expired)
            {
                throw new PretrainedException(
                    FormattableString.Invariant($"{http.Id}: {url} timed out after {HubHttpClient.Seconds(http.Timeout)} s (HubOptions.Timeout) ")
                    + FormattableString.Invariant($"with {received} of {Describe(total)} bytes; the next call resumes from {file.Name}"), e);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // A connection cut mid-body: HttpIOException ("the response ended prematurely") or a socket error.
                throw new PretrainedException(
                    FormattableString.Invariant($"{http.Id}: the download from {url} was interrupted after {received} of {Describe(total)} bytes ")
                    + FormattableString.Invariant($"({e.Message}); the next call resumes from {file.Name}"), e);
            }
        }
    }

    /// <summary>Feeds the first <paramref name="length"/> bytes of <paramref name="file"/> to the hash and leaves the position there.</summary>
    private static async Task HashAsync(FileStream file, long length, IncrementalHash hash, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var buffer = new byte[BufferSize];
        var left = length;
        while (left > 0)
        {
            var count = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                throw new IOException(FormattableString.Invariant($"{file.Name} ended at {length - left} bytes while being read"));
            }
            hash.AppendData(buffer, 0, count);
            left -= count;
        }
        file.Position = length;
    }

    private static string Describe(long? total) => total?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
