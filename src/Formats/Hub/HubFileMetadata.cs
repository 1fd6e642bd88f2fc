using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// What the hub's HEAD answer says about a file: the commit the revision resolves to, the file's etag (for a Git LFS
/// file its SHA-256, otherwise the git blob hash), and its size.
/// </summary>
internal sealed record HubFileMetadata(string Commit, string Etag, long? Size)
{
    /// <summary>Whether the etag is a SHA-256 (64 hex digits), which the downloaded bytes must then match.</summary>
    internal bool EtagIsSha256 => Etag.Length == 64 && Etag.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF") < 0;

    /// <summary>
    /// HEADs <paramref name="url"/>. The hub answers an LFS file with a redirect to its CDN that carries the headers
    /// (X-Repo-Commit, X-Linked-Etag, X-Linked-Size), so redirects are not followed, except a relative one without the
    /// commit (a renamed repository), as huggingface_hub does.
    /// </summary>
    internal static async Task<HubFileMetadata> HeadAsync(HubHttpClient http, Uri url, CancellationToken cancellationToken)
    {
        using var timer = new StallTimer(http.Timeout, cancellationToken);
        var (response, answered) = await http.SendAsync(
            HttpMethod.Head, url, rangeFrom: null,
            static (response, location) => HubHttpClient.Header(response, "X-Repo-Commit") is null && !HubHttpClient.IsAbsolute(location),
            timer).ConfigureAwait(false);
        using (response)
        {
            if ((int)response.StatusCode >= 400)
            {
                throw http.Failure(response, answered);
            }
            var commit = HubHttpClient.Header(response, "X-Repo-Commit")?.Trim();
            if (string.IsNullOrEmpty(commit))
            {
                throw new PretrainedException($"{http.Id}: the server did not say which commit {answered} belongs to (no X-Repo-Commit header); is {url.Host} a Hugging Face hub?");
            }
            var etag = NormalizeEtag(HubHttpClient.Header(response, "X-Linked-Etag") ?? HubHttpClient.Header(response, "ETag"));
            if (string.IsNullOrEmpty(etag))
            {
                throw new PretrainedException($"{http.Id}: the server sent no ETag for {answered}, so the file cannot be cached");
            }
            if (!HubRepoCache.IsSafeName(commit) || !HubRepoCache.IsSafeName(etag))
            {
                throw new PretrainedException($"{http.Id}: {answered} named commit '{commit}' and etag '{etag}', which cannot be cache file names");
            }
            // Content-Length of a redirect is the redirect's own body, not the file.
            var size = ParseSize(HubHttpClient.Header(response, "X-Linked-Size"))
                ?? (response.IsSuccessStatusCode ? response.Content.Headers.ContentLength : null);
            return new HubFileMetadata(commit, etag, size);
        }
    }

    /// <summary>Strips a weak marker and quotes: <c>W/"abc"</c> → <c>abc</c>.</summary>
    internal static string? NormalizeEtag(string? etag)
    {
        var value = etag?.Trim();
        if (value is null)
        {
            return null;
        }
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }
        return value.Trim('"');
    }

    private static long? ParseSize(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;
}
