using System;
using System.IO;
using System.Linq;
using EffNetGen.Formats.Hub;
using EffNetGen.Tests.Shared;

namespace EffNetGen.OnnxRuntime.Tests.Hub;

/// <summary>torchvision weights from their URL (here a loopback mirror) into the flat <c>torchvision/</c> folder.</summary>
public sealed class TorchvisionDownloadTests : IDisposable
{
    private const string Id = "efficientnet_b0.tv_in1k";

    private readonly LoopbackHub _hub = new();
    private readonly TempDirectory _cache = new();
    private readonly PretrainedWeights _entry = PretrainedCatalog.Find(Id);
    private readonly byte[] _bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();

    public TorchvisionDownloadTests() => _hub.AddFile(new Uri(_entry.Url!).AbsolutePath, _bytes);

    private HubOptions Options => HubFixture.Options(_hub, _cache) with { TorchvisionEndpoint = _hub.Url };

    public void Dispose()
    {
        _hub.Dispose();
        _cache.Dispose();
    }

    [Fact]
    public void BytesWithTheHashPrefixAreKeptInTheFlatFolder()
    {
        var good = _entry with { Sha256Prefix = LoopbackHub.Sha256(_bytes)[..8] };
        var path = Pretrained.Get(good, Options);

        Assert.Equal(Path.Combine(_cache.Path, "torchvision", "efficientnet_b0_rwightman-7f5810bc.pth"), path);
        Assert.Equal(_bytes, File.ReadAllBytes(path));
        Assert.Equal([("GET", "/models/efficientnet_b0_rwightman-7f5810bc.pth")], _hub.Requests.Select(r => (r.Method, r.Path)));
        Assert.Equal(path, Pretrained.Get(good, Options with { Offline = true }));
        Assert.Single(_hub.Requests);
    }

    [Fact]
    public void BytesWithoutTheHashPrefixAreDiscarded()
    {
        // The catalogue's prefix is the real file's, which these bytes are not.
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options));

        Assert.Contains($"expected sha256 7f5810bc…, got {LoopbackHub.Sha256(_bytes)}; the download was discarded", e.Message, StringComparison.Ordinal);
        Assert.Empty(HubFixture.Files(Path.Combine(_cache.Path, "torchvision")));
        var offline = Assert.Throws<PretrainedException>(() => Pretrained.Get(Id, Options with { Offline = true }));
        Assert.Contains(Path.Combine(_cache.Path, "torchvision", _entry.File), offline.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingUrlIsNotFound()
    {
        var e = Assert.Throws<PretrainedException>(() => Pretrained.Get(_entry with { Url = "https://download.pytorch.org/models/nothing.pth" }, Options));

        Assert.Equal($"{Id}: not found at {_hub.Url}/models/nothing.pth (HTTP 404)", e.Message);
    }
}
