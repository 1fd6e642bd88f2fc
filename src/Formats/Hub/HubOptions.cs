using System;
using System.IO;
using System.Net.Http;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// Where <see cref="Pretrained"/> caches weights and how it downloads them. The defaults follow huggingface_hub's
/// environment variables, so EffNetGen and Python share one cache.
/// </summary>
public sealed record HubOptions
{
    /// <summary>The hub every <c>HF_ENDPOINT</c>-less client talks to.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Options from the process environment (see each property).</summary>
    public HubOptions()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    private HubOptions(Func<string, string?> variable)
    {
        CacheDirectory = DefaultCacheDirectory(variable);
        Endpoint = NonEmpty(variable("HF_ENDPOINT"))?.TrimEnd('/') ?? DefaultEndpoint;
        // huggingface_hub also honours transformers' older switch.
        Offline = IsTrue(variable("HF_HUB_OFFLINE") ?? variable("TRANSFORMERS_OFFLINE"));
    }

    /// <summary>
    /// Options from an environment given as a lookup (a variable's value, or null when unset), e.g. for tests or to
    /// resolve the defaults for another process's environment.
    /// </summary>
    public static HubOptions FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return new HubOptions(variable);
    }

    /// <summary>
    /// The cache root. Default, as huggingface_hub: <c>$HF_HUB_CACHE</c>, else <c>$HUGGINGFACE_HUB_CACHE</c>, else
    /// <c>$HF_HOME/hub</c>, else <c>$XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c>. Hub
    /// weights go to <c>models--{org}--{name}/</c> in it, torchvision's to <c>torchvision/</c>.
    /// </summary>
    public string CacheDirectory { get; init; }

    /// <summary>The hub's address: <c>$HF_ENDPOINT</c>, else <see cref="DefaultEndpoint"/>.</summary>
    public string Endpoint { get; init; }

    /// <summary>
    /// A mirror of torchvision's download host: when set, a torchvision entry's URL keeps its path and takes this
    /// scheme, host and path prefix. Default null: the catalogue's URL as it is.
    /// </summary>
    public string? TorchvisionEndpoint { get; init; }

    /// <summary>
    /// Use the cache only, never the network: a miss is a <see cref="PretrainedException"/>. Default: true when
    /// <c>HF_HUB_OFFLINE</c> (or <c>TRANSFORMERS_OFFLINE</c>) is <c>1</c>, <c>true</c>, <c>yes</c> or <c>on</c>.
    /// </summary>
    public bool Offline { get; init; }

    /// <summary>
    /// How long one request may wait for its response headers, and how long a download may go without a byte (a
    /// stall, not the whole download). Default 100 s, HttpClient's.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Told how far a download has come, as bytes arrive (at most about ten times a second, and at the end).</summary>
    public IProgress<DownloadProgress>? Progress { get; init; }

    /// <summary>
    /// The HTTP handler to send through (a proxy, a test server); null for a fresh one. It must not follow redirects
    /// itself: the hub's first answer carries the headers that name the file's commit and checksum.
    /// </summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>The hub revision: a branch, a tag, or a 40-hex commit. Default <c>main</c>.</summary>
    public string Revision { get; init; } = "main";

    private static string DefaultCacheDirectory(Func<string, string?> variable)
    {
        if ((NonEmpty(variable("HF_HUB_CACHE")) ?? NonEmpty(variable("HUGGINGFACE_HUB_CACHE"))) is { } cache)
        {
            return ExpandHome(cache, variable);
        }
        var home = NonEmpty(variable("HF_HOME")) is { } hfHome
            ? ExpandHome(hfHome, variable)
            : Path.Combine(ExpandHome(NonEmpty(variable("XDG_CACHE_HOME")) ?? "~/.cache", variable), "huggingface");
        return Path.Combine(home, "hub");
    }

    /// <summary>Python's <c>os.path.expanduser</c> for a leading <c>~</c>: HOME, else USERPROFILE, else the OS's idea.</summary>
    private static string ExpandHome(string path, Func<string, string?> variable)
    {
        if (path != "~" && !path.StartsWith("~/", StringComparison.Ordinal) && !path.StartsWith("~\\", StringComparison.Ordinal))
        {
            return path;
        }
        var home = NonEmpty(variable("HOME")) ?? NonEmpty(variable("USERPROFILE"))
            ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return path.Length <= 2 ? home : Path.Combine(home, path[2..]);
    }

    private static bool IsTrue(string? value) =>
        value?.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
