using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;

namespace EffNetGen.Formats.Hub;

/// <summary>
/// The HTTP side of a download: one client per call, redirects followed by hand (so the hub's first answer can be
/// read), and every transport failure turned into a <see cref="PretrainedException"/> that names the weights and URL.
/// </summary>
internal sealed class HubHttpClient : IDisposable
{
    /// <summary>huggingface_hub's and browsers' limit.</summary>
    private const int MaxRedirects = 5;

    private readonly HttpClient _client;

    internal HubHttpClient(string id, HubOptions options)
    {
        Id = id;
        Timeout = options.Timeout;
        // No automatic redirects and no compression: a HEAD's headers and Content-Length must be the hub's own.
        _client = options.Handler is { } handler
            ? new HttpClient(handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
        // StallTimer times each request and read; HttpClient's own timeout would cap a whole large download.
        _client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        var version = typeof(HubHttpClient).Assembly.GetName().Version?.ToString(3) ?? "0";
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("EffNetGen", version));
    }

    /// <summary>The weights being fetched, for messages.</summary>
    internal string Id { get; }

    internal TimeSpan Timeout { get; }

    /// <summary>
    /// Sends <paramref name="method"/> to <paramref name="url"/> (from byte <paramref name="rangeFrom"/> when given), and
    /// follows each redirect that <paramref name="follow"/> accepts (given the response and its raw Location). Returns
    /// the last response, whatever its status, and the URL that gave it. The caller's cancellation is in the timer's token.
    /// </summary>
    internal async Task<(HttpResponseMessage Response, Uri Url)> SendAsync(
        HttpMethod method, Uri url, long? rangeFrom, Func<HttpResponseMessage, string, bool> follow, StallTimer timer)
    {
        var current = url;
        for (var hop = 0; ; hop++)
        {
            var response = await SendOnceAsync(method, current, rangeFrom, timer).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || Header(response, "Location") is not { } location || !follow(response, location))
            {
                return (response, current);
            }
            response.Dispose();
            if (hop == MaxRedirects)
            {
                throw new PretrainedException(FormattableString.Invariant($"{Id}: more than {MaxRedirects} redirects from {url}"));
            }
            current = Resolve(current, location);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri url, long? rangeFrom, StallTimer timer)
    {
        using var request = new HttpRequestMessage(method, url);
        if (rangeFrom is long from)
        {
            request.Headers.Range = new RangeHeaderValue(from, null);
        }
        timer.Restart();
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timer.Expired)
        {
            throw TimedOut(url, e);
        }
        catch (HttpRequestException e)
        {
            throw new PretrainedException($"{Id}: cannot connect to {url}: {e.Message}", e);
        }
    }

    /// <summary>The failure for a response whose status is not a success.</summary>
    internal PretrainedException Failure(HttpResponseMessage response, Uri url)
    {
        var code = (int)response.StatusCode;
        // The hub says why in X-Error-Message (e.g. "Access to model … is restricted").
        var detail = Header(response, "X-Error-Message") is { Length: > 0 } message ? $": {message}" : "";
        return code switch
        {
            404 => new PretrainedException($"{Id}: not found at {url} (HTTP 404){detail}"),
            401 or 403 => new PretrainedException(FormattableString.Invariant(
                $"{Id}: access denied at {url} (HTTP {code}): the repository is gated or private, and EffNetGen sends no Hugging Face token{detail}")),
            _ => new PretrainedException(FormattableString.Invariant($"{Id}: {url} answered HTTP {code} {response.ReasonPhrase}{detail}")),
        };
    }

    internal PretrainedException TimedOut(Uri url, Exception? inner) =>
        new($"{Id}: {url} timed out after {Seconds(Timeout)} s (HubOptions.Timeout)", inner);

    internal static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A header as the server sent it (unparsed: .NET would read a relative Location as a file path on Unix).</summary>
    internal static string? Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values)
            || response.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return values.FirstOrDefault();
        }
        return null;
    }

    /// <summary>Whether a Location names another host (a CDN) rather than a path on this one.</summary>
    internal static bool IsAbsolute(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static Uri Resolve(Uri current, string location) =>
        IsAbsolute(location) ? new Uri(location, UriKind.Absolute) : new Uri(current, location);

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    public void Dispose() => _client.Dispose();
}
