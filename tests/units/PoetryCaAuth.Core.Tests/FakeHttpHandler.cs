using System.Net;
using System.Text;

namespace PoetryCaAuth.Core.Tests;

/// <summary>An in-process HTTP server stand-in: answers each request with a scripted function and records what it saw.</summary>
internal sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> _respond;
    private readonly object _lock = new();

    public FakeHttpHandler(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        _respond = respond;
    }

    public FakeHttpHandler(Func<RecordedRequest, HttpResponseMessage> respond)
        : this((request, _) => Task.FromResult(respond(request)))
    {
    }

    public List<RecordedRequest> Requests { get; } = new();

    public int Count
    {
        get
        {
            lock (_lock) return Requests.Count;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var recorded = new RecordedRequest(
            request.Method.Method,
            request.RequestUri!,
            request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase),
            request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
        int index;
        lock (_lock)
        {
            Requests.Add(recorded);
            index = Requests.Count;
        }

        recorded.Index = index;
        return await _respond(recorded, cancellationToken);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string body, string? errorType = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (errorType != null) response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", errorType);
        return response;
    }

    public static HttpResponseMessage Token(string token, string expirationJson = "1767268800") =>
        Json(HttpStatusCode.OK, $"{{\"authorizationToken\":\"{token}\",\"expiration\":{expirationJson}}}");

    public static HttpResponseMessage Error(HttpStatusCode status, string type, string message) =>
        Json(status, $"{{\"message\":\"{message}\"}}", type);
}

internal sealed class RecordedRequest
{
    public RecordedRequest(string method, Uri uri, IReadOnlyDictionary<string, string> headers, string? body)
    {
        Method = method;
        Uri = uri;
        Headers = headers;
        Body = body;
    }

    public string Method { get; }
    public Uri Uri { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }
    public string? Body { get; }

    /// <summary>1 for the first request the handler saw.</summary>
    public int Index { get; set; }

    public string Query(string name) =>
        Uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2))
            .Where(p => Uri.UnescapeDataString(p[0]) == name).Select(p => Uri.UnescapeDataString(p[1])).Single();
}
