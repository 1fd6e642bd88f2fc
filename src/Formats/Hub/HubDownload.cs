using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// A timm checkpoint from the Hugging Face hub into the shared cache (<see cref="HubRepoCache"/>), in huggingface_hub's
/// order: HEAD for commit and etag, download the blob under a lock, verify it, rename it into place, link the
/// snapshot, and only then write the ref, so that a ref on disk always means a complete, verified file.
/// </summary>
internal static class HubDownload
{
    internal static async Task<string> GetAsync(PretrainedWeights weights, HubOptions options, CancellationToken cancellationToken)
    {
        var repo = weights.Repo ?? throw new ArgumentException($"{weights.Id}: a timm entry needs a Repo", nameof(weights));
        var cache = new HubRepoCache(options.CacheDirectory, repo);
        if (cache.Find(options.Revision, weights.File, out var missing) is { } cached)
        {
            return cached;
        }
        if (options.Offline)
        {
            throw new PretrainedException(
                $"{weights.Id}: not in the cache, and offline (HubOptions.Offline, or HF_HUB_OFFLINE) forbids downloading it; looked for {missing}");
        }
        var url = FileUrl(options, repo, weights.File);
        using var http = new HubHttpClient(weights.Id, options);
        var metadata = await HubFileMetadata.HeadAsync(http, url, cancellationToken).ConfigureAwait(false);
        var blob = cache.BlobPath(metadata.Etag);
        var snapshot = cache.SnapshotPath(metadata.Commit, weights.File);
        using (await DownloadLock.AcquireAsync(cache.LockPath(metadata.Etag), blob + ".incomplete", options.Timeout, weights.Id, cancellationToken).ConfigureAwait(false))
        {
            // Another revision, or another process while this one waited for the lock, may have fetched the same bytes.
            if (!File.Exists(blob))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
                var incomplete = blob + ".incomplete";
                var label = $"{repo}/{weights.File}";
                var sha256 = await ResumableDownload.RunAsync(http, url, incomplete, metadata.Size, label, options.Progress, cancellationToken).ConfigureAwait(false);
                if (metadata.EtagIsSha256 && !string.Equals(sha256, metadata.Etag, StringComparison.OrdinalIgnoreCase))
                {
                    File.Delete(incomplete);
                    throw new PretrainedException(
                        $"{weights.Id}: checksum mismatch for {url}: expected sha256 {metadata.Etag.ToLowerInvariant()}, got {sha256}; the download was discarded");
                }
                File.Move(incomplete, blob, overwrite: true);
            }
            if (!HubRepoCache.ExistsFollowingLinks(snapshot))
            {
                HubRepoCache.Link(blob, snapshot);
            }
            cache.WriteRef(options.Revision, metadata.Commit);
        }
        return snapshot;
    }

    /// <summary><c>{endpoint}/{repo}/resolve/{revision}/{file}</c>, the revision escaped whole (<c>refs/pr/1</c>) as huggingface_hub does.</summary>
    internal static Uri FileUrl(HubOptions options, string repo, string file) =>
        new Uri($"{options.Endpoint.TrimEnd('/')}/{repo}/resolve/{Uri.EscapeDataString(options.Revision)}/{Escape(file)}", UriKind.Absolute);

    private static string Escape(string file) =>
        string.Join('/', Array.ConvertAll(file.Split('/', StringSplitOptions.RemoveEmptyEntries), Uri.EscapeDataString));
}
