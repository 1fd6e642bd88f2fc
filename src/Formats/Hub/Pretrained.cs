using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// Pretrained weights by name, downloaded once into the Hugging Face cache and then read from it:
/// <c>Pretrained.Get("efficientnet_b0")</c> is the local path of timm's default EfficientNet-B0 checkpoint.
/// </summary>
/// <remarks>
/// timm's weights come from the Hugging Face hub into huggingface_hub's own cache layout (shared with Python; see
/// <see cref="HubOptions.CacheDirectory"/>), verified against the hub's SHA-256; torchvision's come from their URLs into
/// <c>{cache}/torchvision/</c>, verified against the hash prefix in their names. A file already in the cache is
/// returned without any request: a downloaded revision is not checked against the hub again (delete its
/// <c>refs/{revision}</c> to refresh it). A failed or interrupted download never leaves a file where a complete one
/// is expected; an interrupted one is resumed by the next call.
/// </remarks>
public static partial class Pretrained
{
    /// <summary>
    /// The local path of the weights <paramref name="idOrModel"/> names (<see cref="PretrainedCatalog.Find"/>),
    /// downloading them first unless cached.
    /// </summary>
    /// <exception cref="ArgumentException">The catalogue has no such weights; the message suggests close names.</exception>
    /// <exception cref="PretrainedException">The weights are not cached and cannot be downloaded; the message says why.</exception>
    public static string Get(string idOrModel, HubOptions? options = null) =>
        Get(PretrainedCatalog.Find(idOrModel), options);

    /// <summary>The local path of <paramref name="weights"/> (a catalogue entry, or one made like it), downloading them first unless cached.</summary>
    /// <exception cref="PretrainedException">The weights are not cached and cannot be downloaded; the message says why.</exception>
    public static string Get(PretrainedWeights weights, HubOptions? options = null) =>
        // Every await below is ConfigureAwait(false), so blocking here cannot deadlock on a synchronization context.
        GetAsync(weights, options, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc cref="Get(string, HubOptions?)"/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; a partial download is kept for resuming.</exception>
    public static Task<string> GetAsync(string idOrModel, HubOptions? options = null, CancellationToken cancellationToken = default) =>
        GetAsync(PretrainedCatalog.Find(idOrModel), options, cancellationToken);

    /// <inheritdoc cref="Get(PretrainedWeights, HubOptions?)"/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; a partial download is kept for resuming.</exception>
    public static Task<string> GetAsync(PretrainedWeights weights, HubOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new HubOptions();
        Validate(weights, options);
        if (weights.IsTimm)
        {
            return HubDownload.GetAsync(weights, options, cancellationToken);
        }
        if (weights.IsTorchvision)
        {
            return TorchvisionDownload.GetAsync(weights, options, cancellationToken);
        }
        throw new ArgumentException($"{weights.Id}: unknown source '{weights.Source}' (expected timm or torchvision)", nameof(weights));
    }

    private static void Validate(PretrainedWeights weights, HubOptions options)
    {
        // The file name becomes a path in the cache: it must stay inside it.
        var parts = weights.File.Split('/');
        if (weights.File.Length == 0 || Path.IsPathRooted(weights.File) || weights.File.Contains('\\', StringComparison.Ordinal)
            || parts.Any(p => p.Length == 0 || p == "." || p == ".."))
        {
            throw new ArgumentException($"{weights.Id}: '{weights.File}' is not a relative file name", nameof(weights));
        }
        // So is the repository, as the cache's models--{org}--{name} folder.
        if (weights.Repo is { } repo && !RepoName().IsMatch(repo))
        {
            throw new ArgumentException($"{weights.Id}: '{repo}' is not a hub repository name (org/name)", nameof(weights));
        }
        if (options.Timeout <= TimeSpan.Zero && options.Timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("HubOptions.Timeout must be positive (or Timeout.InfiniteTimeSpan)", nameof(options));
        }
        if (string.IsNullOrWhiteSpace(options.CacheDirectory))
        {
            throw new ArgumentException("HubOptions.CacheDirectory is empty", nameof(options));
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
    private static partial Regex RepoName();
}
