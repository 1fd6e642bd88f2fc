using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// A torchvision checkpoint into <c>{cache}/torchvision/{file}</c>: a flat folder, since torchvision's files are named
/// by their hash prefix and never change (torch itself keeps them flat in <c>$TORCH_HOME/hub/checkpoints</c>). The file
/// is checked as torchvision's <c>check_hash</c> does: its SHA-256 must start with the entry's prefix.
/// </summary>
internal static class TorchvisionDownload
{
    internal const string FolderName = "torchvision";

    internal static async Task<string> GetAsync(PretrainedWeights weights, HubOptions options, CancellationToken cancellationToken)
    {
        var original = weights.Url ?? throw new ArgumentException($"{weights.Id}: a torchvision entry needs a Url", nameof(weights));
        var path = Path.Combine(options.CacheDirectory, FolderName, weights.File);
        // Present means complete: only a verified download is ever renamed to this name.
        if (File.Exists(path))
        {
            return path;
        }
        if (options.Offline)
        {
            throw new PretrainedException(
                $"{weights.Id}: not in the cache, and offline (HubOptions.Offline, or HF_HUB_OFFLINE) forbids downloading it; looked for {path}");
        }
        var url = ResolveUrl(original, options.TorchvisionEndpoint);
        using var http = new HubHttpClient(weights.Id, options);
        var lockPath = Path.Combine(options.CacheDirectory, ".locks", FolderName, weights.File + ".lock");
        using (await DownloadLock.AcquireAsync(lockPath, path + ".incomplete", options.Timeout, weights.Id, cancellationToken).ConfigureAwait(false))
        {
            if (File.Exists(path))
            {
                return path;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var incomplete = path + ".incomplete"; // the file a waiting process watches (DownloadLock)
            var sha256 = await ResumableDownload.RunAsync(http, url, incomplete, expectedSize: null, weights.File, options.Progress, cancellationToken)
                .ConfigureAwait(false);
            if (weights.Sha256Prefix is { Length: > 0 } prefix && !sha256.StartsWith(prefix.ToLowerInvariant(), StringComparison.Ordinal))
            {
                File.Delete(incomplete);
                throw new PretrainedException(
                    $"{weights.Id}: checksum mismatch for {url}: expected sha256 {prefix.ToLowerInvariant()}…, got {sha256}; the download was discarded");
            }
            File.Move(incomplete, path, overwrite: true);
        }
        return path;
    }

    /// <summary>The entry's URL, or its path under <paramref name="endpoint"/> (a mirror of download.pytorch.org).</summary>
    internal static Uri ResolveUrl(string url, string? endpoint)
    {
        var original = new Uri(url, UriKind.Absolute);
        if (string.IsNullOrEmpty(endpoint))
        {
            return original;
        }
        return new Uri(new Uri(endpoint.TrimEnd('/') + "/", UriKind.Absolute), original.AbsolutePath.TrimStart('/'));
    }
}
