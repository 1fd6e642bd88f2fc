using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using EffNetGen.Formats.Hub;
using EffNetGen.Formats.Safetensors;
using EffNetGen.Tests.Shared;
using static EffNetGen.OnnxRuntime.Tests.Hub.HubFixture;

namespace EffNetGen.OnnxRuntime.Tests.Hub;

/// <summary>timm weights from a loopback Hugging Face hub into huggingface_hub's cache layout.</summary>
public sealed class HubDownloadTests : IDisposable
{
    private readonly LoopbackHub _hub = new();
    private readonly TempDirectory _cache = new();
    private readonly byte[] _bytes = Safetensors();

    public HubDownloadTests() => _hub.AddRepoFile(Repo, FileName, _bytes);

    private string Folder => Path.Combine(_cache.Path, RepoFolder);

    private string Sha => LoopbackHub.Sha256(_bytes);

    private string ResolveUrl => $"{_hub.Url}/{Repo}/resolve/main/{FileName}";

    public void Dispose()
    {
        _hub.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public void FirstGetDownloadsIntoTheHubCacheLayoutAndTheSecondIsACacheHitWithoutRequests()
    {
        var path = Pretrained.Get(Id, Options(_hub, _cache));

        Assert.Equal(Path.Combine(Folder, "snapshots", _hub.Commit, FileName), path);
        Assert.Equal([$"blobs/{Sha}", "refs/main", $"snapshots/{_hub.Commit}/{FileName}"], Files(Folder));
        Assert.Equal(_hub.Commit, File.ReadAllText(Path.Combine(Folder, "refs", "main")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal($"../../blobs/{Sha}", new FileInfo(path).LinkTarget);
        }
        Assert.Equal(_bytes, File.ReadAllBytes(path));
        Assert.Contains("weight", SafetensorsFile.Open(path).Entries.Keys);
        // Nothing else in the cache root but the locks, which huggingface_hub also keeps there.
        Assert.Equal([".locks", RepoFolder], Directory.EnumerateFileSystemEntries(_cache.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["HEAD", "GET"], _hub.Requests.Select(r => r.Method));

        var seen = _hub.Requests.Count;
        Assert.Equal(path, Pretrained.Get(Id, Options(_hub, _cache)));
        Assert.Equal(path, Pretrained.Get("efficientnet_b0", Options(_hub, _cache) with { Offline = true }));
        Assert.Equal(seen, _hub.Requests.Count);
    }

    [Fact]
    public void OfflineMissNamesOfflineTheIdAndTheLookedForPathWithoutARequest()
    {
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache) with { Offline = true }));

        Assert.Contains("offline", e.Message, StringComparison.Ordinal);
        Assert.Contains(Id, e.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Folder, "refs", "main"), e.Message, StringComparison.Ordinal);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public void CorruptBytesAreDiscardedWithNothingCachedAndAFixedServerThenSucceeds()
    {
        _hub.Corrupt = true;
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache)));

        Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
        Assert.Contains($"expected sha256 {Sha}, got ", e.Message, StringComparison.Ordinal);
        Assert.Contains("the download was discarded", e.Message, StringComparison.Ordinal);
        Assert.Empty(Files(Folder));

        _hub.Corrupt = false;
        var path = Pretrained.Get(Id, Options(_hub, _cache));
        Assert.Equal(_bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void InterruptedDownloadIsNotACacheHitAndResumesWithARangeRequest()
    {
        var half = _bytes.Length / 2;
        _hub.CutAfterBytesOnce = half;
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache)));
        Assert.Contains("interrupted", e.Message, StringComparison.Ordinal);
        var incomplete = Path.Combine(Folder, "blobs", Sha + ".incomplete");
        Assert.Equal(half, new FileInfo(incomplete).Length);
        Assert.Equal([$"blobs/{Sha}.incomplete"], Files(Folder));

        var offline = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache) with { Offline = true }));
        Assert.Contains("offline", offline.Message, StringComparison.Ordinal);

        var progress = new ProgressLog();
        var path = Pretrained.Get(Id, Options(_hub, _cache) with { Progress = progress });

        Assert.Contains(_hub.Requests, r => r.Method == "GET" && r.Range == $"bytes={half}-");
        Assert.Equal(_bytes, File.ReadAllBytes(path));
        Assert.False(File.Exists(incomplete));
        Assert.Equal(half, progress.Reports[0].Received);
        Assert.Equal(_bytes.Length, progress.Reports[^1].Received);
    }

    [Fact]
    public void NotFoundSaysSoWithTheUrl()
    {
        _hub.FailWith = 404;
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache)));

        Assert.Equal($"{Id}: not found at {ResolveUrl} (HTTP 404)", e.Message);
        Assert.Empty(Files(Folder));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public void RefusedAccessSaysGatedOrPrivate(int status)
    {
        _hub.FailWith = status;
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache)));

        Assert.Contains($"HTTP {status}", e.Message, StringComparison.Ordinal);
        Assert.Contains("gated or private", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherStatusesAreNamed()
    {
        _hub.FailWith = 500;
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache)));

        Assert.Contains($"{ResolveUrl} answered HTTP 500", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASilentServerTimesOut()
    {
        _hub.Delay = TimeSpan.FromSeconds(4);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache) with { Timeout = TimeSpan.FromSeconds(1) }));

        Assert.Contains("timed out after 1 s", e.Message, StringComparison.Ordinal);
        Assert.Contains(ResolveUrl, e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public void AClosedPortIsAConnectionFailure()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache) with { Endpoint = $"http://127.0.0.1:{port}" }));

        Assert.Contains($"cannot connect to http://127.0.0.1:{port}/", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HubRedirect.Absolute)]
    [InlineData(HubRedirect.Relative)]
    public void ARedirectToTheCdnIsFollowedByTheDownloadOnly(HubRedirect redirect)
    {
        _hub.Redirect = redirect;
        var path = Pretrained.Get(Id, Options(_hub, _cache));

        Assert.Equal(_bytes, File.ReadAllBytes(path));
        Assert.Equal(
            [("HEAD", $"/{Repo}/resolve/main/{FileName}"), ("GET", $"/{Repo}/resolve/main/{FileName}"), ("GET", $"/cdn/{Sha}")],
            _hub.Requests.Select(r => (r.Method, r.Path)));
    }

    [Fact]
    public void ProgressIsReportedUpToTheFullSize()
    {
        var progress = new ProgressLog();
        Pretrained.Get(Id, Options(_hub, _cache) with { Progress = progress });

        var reports = progress.Reports;
        Assert.Equal(new DownloadProgress(_bytes.Length, _bytes.Length, $"{Repo}/{FileName}"), reports[^1]);
        Assert.Equal(0, reports[0].Received);
        Assert.All(reports.Zip(reports.Skip(1)), pair => Assert.True(pair.First.Received <= pair.Second.Received));
    }

    [Fact]
    public void ASizeOtherThanAdvertisedIsDiscarded()
    {
        _hub.AdvertisedSize = _bytes.Length + 10;
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache)));

        Assert.Contains($"expected {_bytes.Length + 10} bytes from {ResolveUrl}, got {_bytes.Length}", e.Message, StringComparison.Ordinal);
        Assert.Empty(Files(Folder));
    }

    [Fact]
    public void AServerThatNamesNoCommitIsAnError()
    {
        _hub.OmitCommit = true;
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache)));

        Assert.Contains("did not say which commit", e.Message, StringComparison.Ordinal);
        Assert.Empty(Files(Folder));
    }

    [Fact]
    public void AWholeIncompleteFileFromACrashedRunIsVerifiedWithoutDownloading()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "blobs"));
        File.WriteAllBytes(Path.Combine(Folder, "blobs", Sha + ".incomplete"), _bytes);

        var path = Pretrained.Get(Id, Options(_hub, _cache));

        Assert.Equal(_bytes, File.ReadAllBytes(path));
        Assert.Equal(["HEAD"], _hub.Requests.Select(r => r.Method));
        Assert.Equal([$"blobs/{Sha}", "refs/main", $"snapshots/{_hub.Commit}/{FileName}"], Files(Folder));
    }

    [Fact]
    public void AFailedGetLeavesNoEmptyIncompleteFile()
    {
        _hub.Redirect = HubRedirect.Relative;
        // HEAD reads the hub's headers off the redirect; the GET follows it to a CDN that answers 404.
        _hub.FailCdn = true;
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options(_hub, _cache)));

        Assert.Equal($"{Id}: not found at {_hub.Url}/cdn/{Sha} (HTTP 404)", e.Message);
        Assert.Empty(Files(Folder));
    }

    [Fact]
    public async Task ConcurrentGetsOfOneFileDownloadItOnce()
    {
        var options = Options(_hub, _cache);
        var paths = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Pretrained.GetAsync(Id, options))));

        Assert.All(paths, p => Assert.Equal(paths[0], p));
        Assert.Equal(_bytes, File.ReadAllBytes(paths[0]));
        Assert.Single(_hub.Requests, r => r.Method == "GET");
    }
}
