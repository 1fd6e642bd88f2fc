using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using EffNetGen.Formats.Hub;
using EffNetGen.Tests.Shared;

namespace EffNetGen.OnnxRuntime.Tests.Hub;

/// <summary>The weights the hub tests serve, and the helpers they share.</summary>
internal static class HubFixture
{
    public const string Id = "efficientnet_b0.ra_in1k";
    public const string Repo = "timm/efficientnet_b0.ra_in1k";
    public const string FileName = "model.safetensors";
    public const string RepoFolder = "models--timm--efficientnet_b0.ra_in1k";

    /// <summary>A valid safetensors file of one F32 tensor, big enough (256 KiB) to arrive in several reads.</summary>
    public static byte[] Safetensors(int floats = 64 * 1024)
    {
        var header = Encoding.UTF8.GetBytes($"{{\"weight\":{{\"dtype\":\"F32\",\"shape\":[{floats}],\"data_offsets\":[0,{floats * 4}]}}}}");
        var padded = (header.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + (floats * 4)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        for (var i = 0; i < floats; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 + padded + (i * 4)), i * 0.001f);
        }
        return bytes;
    }

    /// <summary>Options that talk only to <paramref name="hub"/> and cache only in <paramref name="cache"/>, whatever the environment says.</summary>
    public static HubOptions Options(LoopbackHub hub, TempDirectory cache) =>
        new() { Endpoint = hub.Url, CacheDirectory = cache.Path, Offline = false, Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>Every file under <paramref name="folder"/>, relative with '/', sorted; empty when the folder does not exist.</summary>
    public static IReadOnlyList<string> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal).ToList()
            : [];
}

/// <summary>Records progress as it is reported (synchronously, unlike <see cref="Progress{T}"/>).</summary>
internal sealed class ProgressLog : IProgress<DownloadProgress>
{
    private readonly List<DownloadProgress> _reports = [];

    public IReadOnlyList<DownloadProgress> Reports
    {
        get
        {
            lock (_reports)
            {
                return _reports.ToList();
            }
        }
    }

    public void Report(DownloadProgress value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
