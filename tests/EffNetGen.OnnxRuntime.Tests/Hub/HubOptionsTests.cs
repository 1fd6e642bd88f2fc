using System;
using System.Collections.Generic;
using System.IO;
using EffNetGen.Formats.Hub;

namespace EffNetGen.OnnxRuntime.Tests.Hub;

/// <summary>The defaults follow huggingface_hub's environment variables (given as a lookup, never the process's).</summary>
public sealed class HubOptionsTests
{
    private static HubOptions With(params (string Name, string Value)[] variables)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            environment[name] = value;
        }
        return HubOptions.FromEnvironment(name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public void CacheDirectoryFollowsHuggingFaceHubsRules()
    {
        Assert.Equal("/a/cache", With(("HF_HUB_CACHE", "/a/cache"), ("HF_HOME", "/b"), ("HOME", "/h")).CacheDirectory);
        Assert.Equal("/legacy", With(("HUGGINGFACE_HUB_CACHE", "/legacy"), ("HF_HOME", "/b")).CacheDirectory);
        Assert.Equal(Path.Combine("/b", "hub"), With(("HF_HOME", "/b"), ("HOME", "/h")).CacheDirectory);
        Assert.Equal(Path.Combine("/h", "hf", "hub"), With(("HF_HOME", "~/hf"), ("HOME", "/h")).CacheDirectory);
        Assert.Equal(Path.Combine("/x", "huggingface", "hub"), With(("XDG_CACHE_HOME", "/x"), ("HOME", "/h")).CacheDirectory);
        Assert.Equal(Path.Combine("/h", ".cache", "huggingface", "hub"), With(("HOME", "/h")).CacheDirectory);
        Assert.Equal(Path.Combine("/h", ".cache", "huggingface", "hub"), With(("HF_HUB_CACHE", ""), ("HOME", "/h")).CacheDirectory);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void OfflineFollowsHfHubOffline(string? value, bool offline)
    {
        var options = value is null ? With() : With(("HF_HUB_OFFLINE", value));

        Assert.Equal(offline, options.Offline);
    }

    [Fact]
    public void EndpointFollowsHfEndpoint()
    {
        Assert.Equal("https://huggingface.co", With().Endpoint);
        Assert.Equal("https://mirror.example/hf", With(("HF_ENDPOINT", "https://mirror.example/hf/")).Endpoint);
    }

    [Fact]
    public void OtherDefaults()
    {
        var options = With();

        Assert.Equal("main", options.Revision);
        Assert.Equal(TimeSpan.FromSeconds(100), options.Timeout);
        Assert.Null(options.Progress);
        Assert.Null(options.Handler);
        Assert.Null(options.TorchvisionEndpoint);
    }
}
