using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace EffNetGen.OnnxRuntime.Tests.Hub;

/// <summary>How the fake hub answers a HEAD or GET of a resolve URL.</summary>
public enum HubRedirect
{
    /// <summary>Serves the bytes itself.</summary>
    None,

    /// <summary>302 to <c>http://127.0.0.1:port/cdn/{sha}</c> (another host, as the real hub's CDN is).</summary>
    Absolute,

    /// <summary>302 to <c>/cdn/{sha}</c>.</summary>
    Relative,
}

/// <summary>One request the server saw.</summary>
public sealed record SeenRequest(string Method, string Path, string? Range);

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 that plays the Hugging Face hub (and a torchvision download host) for the
/// hub client's tests: raw sockets rather than HttpListener, so a test can cut a connection mid-body or send
/// exactly the headers the hub sends. One request per connection (Connection: close).
/// </summary>
public sealed class LoopbackHub : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, byte[]> _resolve = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SeenRequest> _requests = new();
    private long _cutAfterBytesOnce = -1;

    public LoopbackHub()
    {
        // Port 0: the OS picks a free one.
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = Task.Run(AcceptAsync);
    }

    /// <summary><c>http://127.0.0.1:{port}</c>, no trailing slash.</summary>
    public string Url { get; }

    /// <summary>The commit every resolve answer names (X-Repo-Commit).</summary>
    public string Commit { get; } = "0123456789abcdef0123456789abcdef01234567";

    /// <summary>Answer every request with this status (404, 401, 500…) instead of content.</summary>
    public int? FailWith { get; set; }

    /// <summary>Wait this long before answering anything.</summary>
    public TimeSpan Delay { get; set; }

    public HubRedirect Redirect { get; set; }

    /// <summary>Serve content with one byte changed, while advertising the true bytes' SHA-256 and size.</summary>
    public bool Corrupt { get; set; }

    /// <summary>Answer 404 for <c>/cdn/…</c> paths.</summary>
    public bool FailCdn { get; set; }

    /// <summary>Leave X-Repo-Commit out of resolve answers.</summary>
    public bool OmitCommit { get; set; }

    /// <summary>Advertise this X-Linked-Size instead of the true one.</summary>
    public long? AdvertisedSize { get; set; }

    /// <summary>The next GET of content sends this many body bytes (of the full Content-Length) and closes the connection.</summary>
    public long? CutAfterBytesOnce
    {
        get => Interlocked.Read(ref _cutAfterBytesOnce) is var n && n >= 0 ? n : null;
        set => Interlocked.Exchange(ref _cutAfterBytesOnce, value ?? -1);
    }

    public IReadOnlyList<SeenRequest> Requests => _requests.ToArray();

    /// <summary>Serves <paramref name="content"/> as <c>/{repo}/resolve/main/{file}</c>, with the hub's headers.</summary>
    public void AddRepoFile(string repo, string file, byte[] content) => _resolve[$"/{repo}/resolve/main/{file}"] = content;

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/>, plain (a torchvision URL).</summary>
    public void AddFile(string path, byte[] content) => _files[path] = content;

    public static string Sha256(byte[] content) => Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (method, path, headers) = await ReadRequestAsync(stream);
                headers.TryGetValue("Range", out var range);
                _requests.Enqueue(new SeenRequest(method, path, range));
                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, _stop.Token);
                }
                await AnswerAsync(stream, method, path, range);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (a timeout test) or the server is stopping.
            }
        }
    }

    private async Task AnswerAsync(NetworkStream stream, string method, string path, string? range)
    {
        if (FailWith is int status)
        {
            var extra = new Dictionary<string, string> { ["X-Error-Code"] = status == 404 ? "EntryNotFound" : "GatedRepo" };
            await WriteAsync(stream, status, extra, Encoding.ASCII.GetBytes("error"), method);
            return;
        }
        if (_resolve.TryGetValue(path, out var content))
        {
            var sha = Sha256(content);
            var hub = new Dictionary<string, string>
            {
                ["X-Linked-Etag"] = $"\"{sha}\"",
                ["X-Linked-Size"] = (AdvertisedSize ?? content.Length).ToString(CultureInfo.InvariantCulture),
                ["ETag"] = "W/\"not-the-sha\"",
            };
            if (!OmitCommit)
            {
                hub["X-Repo-Commit"] = Commit;
            }
            if (Redirect != HubRedirect.None)
            {
                _files[$"/cdn/{sha}"] = content;
                hub["Location"] = Redirect == HubRedirect.Absolute ? $"{Url}/cdn/{sha}" : $"/cdn/{sha}";
                await WriteAsync(stream, 302, hub, [], method);
                return;
            }
            await ServeContentAsync(stream, method, content, range, hub);
            return;
        }
        if (FailCdn && path.StartsWith("/cdn/", StringComparison.Ordinal))
        {
            await WriteAsync(stream, 404, [], Encoding.ASCII.GetBytes("gone"), method);
            return;
        }
        if (_files.TryGetValue(path, out content))
        {
            await ServeContentAsync(stream, method, content, range, []);
            return;
        }
        await WriteAsync(stream, 404, [], Encoding.ASCII.GetBytes("no such path"), method);
    }

    private async Task ServeContentAsync(NetworkStream stream, string method, byte[] content, string? range, Dictionary<string, string> headers)
    {
        var body = content;
        if (Corrupt)
        {
            body = (byte[])content.Clone();
            body[body.Length / 2] ^= 0xFF;
        }
        var status = 200;
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            var from = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
            if (from >= body.Length)
            {
                headers["Content-Range"] = $"bytes */{body.Length}";
                await WriteAsync(stream, 416, headers, [], method);
                return;
            }
            headers["Content-Range"] = $"bytes {from}-{body.Length - 1}/{body.Length}";
            body = body[(int)from..];
            status = 206;
        }
        var cut = method == "GET" ? Interlocked.Exchange(ref _cutAfterBytesOnce, -1) : -1;
        if (cut >= 0)
        {
            // Promise the whole body, send part of it, hang up: what a dropped connection looks like to the client.
            await WriteHeadAsync(stream, status, headers, body.Length);
            await stream.WriteAsync(body.AsMemory(0, (int)Math.Min(cut, body.Length)));
            await stream.FlushAsync();
            return;
        }
        await WriteAsync(stream, status, headers, body, method);
    }

    private static async Task WriteAsync(NetworkStream stream, int status, Dictionary<string, string> headers, byte[] body, string method)
    {
        await WriteHeadAsync(stream, status, headers, body.Length);
        if (method != "HEAD")
        {
            await stream.WriteAsync(body);
        }
        await stream.FlushAsync();
    }

    private static async Task WriteHeadAsync(NetworkStream stream, int status, Dictionary<string, string> headers, long length)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        _ => "Error",
    };

    private async Task<(string Method, string Path, Dictionary<string, string> Headers)> ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || bytes[^4] != '\r' || bytes[^3] != '\n' || bytes[^2] != '\r' || bytes[^1] != '\n')
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                throw new IOException("the client closed the connection before its request ended");
            }
            bytes.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return (requestLine[0], requestLine[1], headers);
    }
}
