using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// One model repository in the Hugging Face cache, laid out exactly as huggingface_hub lays it out, so that Python and
/// EffNetGen share downloads:
/// <c>models--{org}--{name}/blobs/{etag}</c> (the bytes), <c>snapshots/{commit}/{file}</c> (a relative symlink to the
/// blob, or a copy where links cannot be made), <c>refs/{revision}</c> (the commit a branch or tag last resolved to),
/// and the locks in <c>.locks/models--{org}--{name}/{etag}.lock</c> at the cache root.
/// </summary>
internal sealed partial class HubRepoCache
{
    private readonly string _cacheDirectory;
    private readonly string _folderName;

    internal HubRepoCache(string cacheDirectory, string repo)
    {
        _cacheDirectory = cacheDirectory;
        _folderName = "models--" + repo.Replace("/", "--", StringComparison.Ordinal);
        Folder = Path.Combine(cacheDirectory, _folderName);
    }

    /// <summary>The repository's folder, <c>models--{org}--{name}</c>.</summary>
    internal string Folder { get; }

    internal string RefPath(string revision) => Combine(Folder, "refs", revision);

    internal string BlobPath(string etag) => Path.Combine(Folder, "blobs", etag);

    internal string SnapshotPath(string commit, string file) => Combine(Folder, "snapshots", commit, file);

    internal string LockPath(string etag) => Path.Combine(_cacheDirectory, ".locks", _folderName, etag + ".lock");

    /// <summary>A full commit hash, which names a snapshot directly (no ref is read or written for it).</summary>
    internal static bool IsCommitHash(string revision) => CommitHash().IsMatch(revision);

    /// <summary>
    /// The cached file of <paramref name="revision"/>, or null with the path that was missing. Reads only the disk: a
    /// revision once downloaded is not checked against the hub again (a branch moved on upstream stays where it was
    /// until its cache entry is deleted), which is also what makes a cached run work offline.
    /// </summary>
    internal string? Find(string revision, string file, out string missing)
    {
        string commit;
        if (IsCommitHash(revision))
        {
            commit = revision;
        }
        else
        {
            missing = RefPath(revision);
            if (!File.Exists(missing))
            {
                return null;
            }
            commit = File.ReadAllText(missing).Trim();
            if (!IsSafeName(commit))
            {
                return null;
            }
        }
        missing = SnapshotPath(commit, file);
        return ExistsFollowingLinks(missing) ? missing : null;
    }

    /// <summary>Points <paramref name="snapshot"/> at <paramref name="blob"/>: a relative symlink, else a copy.</summary>
    internal static void Link(string blob, string snapshot)
    {
        var folder = Path.GetDirectoryName(snapshot)!;
        Directory.CreateDirectory(folder);
        File.Delete(snapshot);
        try
        {
            // Relative, as huggingface_hub makes it, so the cache can be moved or mounted elsewhere.
            File.CreateSymbolicLink(snapshot, Path.GetRelativePath(folder, blob));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Windows without developer mode, some network or FAT file systems: a copy, written whole or not at all.
            File.Delete(snapshot);
            AtomicFile.Write(snapshot, target =>
            {
                using var source = File.OpenRead(blob);
                source.CopyTo(target);
            });
        }
    }

    /// <summary>Records that <paramref name="revision"/> is <paramref name="commit"/>; written last, so a ref always names a complete snapshot.</summary>
    internal void WriteRef(string revision, string commit)
    {
        if (IsCommitHash(revision))
        {
            return;
        }
        var path = RefPath(revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // No newline, as huggingface_hub writes it.
        AtomicFile.Write(path, stream => stream.Write(Encoding.ASCII.GetBytes(commit)));
    }

    /// <summary>
    /// Whether a server-given name (an etag, a commit) can be a file name: no separators, no dots alone. The hub's
    /// are hex; anything else from a server is not trusted with the file system.
    /// </summary>
    internal static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 255 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name.Trim('.').Length > 0;

    /// <summary>Whether a path exists, and if it is a link, whether what it points to does (Python's os.path.exists).</summary>
    internal static bool ExistsFollowingLinks(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            return info.Exists;
        }
        return info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true };
    }

    /// <summary>A folder and a slash-separated relative path (a revision like <c>refs/pr/1</c>, a file in a subfolder).</summary>
    /// <summary>
    /// <paramref name="folder"/> and '/'-separated parts (a revision such as <c>refs/pr/1</c>), refusing parts that
    /// would leave the folder: <c>..</c>, <c>.</c>, or a separator of the platform's own.
    /// </summary>
    private static string Combine(string folder, params string[] relative)
    {
        var parts = relative.SelectMany(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        if (parts.Any(p => p is "." or ".." || p.IndexOfAny(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }) >= 0))
        {
            throw new PretrainedException($"'{string.Join("/", relative)}' is not a revision or file name of a hub repository");
        }
        return Path.Combine(parts.Prepend(folder).ToArray());
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();
}
