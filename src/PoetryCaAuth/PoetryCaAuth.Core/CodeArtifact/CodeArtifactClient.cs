using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.CodeArtifact
{
    /// <summary>A token and its lifetime, as GetAuthorizationToken returns them.</summary>
    public sealed class AuthorizationTokenResult
    {
        public AuthorizationTokenResult(SecretToken token, DateTimeOffset expiration)
        {
            Token = token;
            Expiration = expiration;
        }

        public SecretToken Token { get; }
        public DateTimeOffset Expiration { get; }
    }

    /// <summary>Tunables for <see cref="CodeArtifactClient"/>; tests shorten the waits.</summary>
    public sealed class CodeArtifactClientOptions
    {
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
        public int MaxAttempts { get; set; } = 3;
        public TimeSpan BackoffBase { get; set; } = TimeSpan.FromMilliseconds(200);
        public TimeSpan BackoffCap { get; set; } = TimeSpan.FromSeconds(5);
        public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
        public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;
    }

    /// <summary>
    /// The two CodeArtifact operations we need, over restJson with SigV4, with bounded retries (full jitter)
    /// on throttling, 5xx answers, timeouts and dropped connections, and clock-skew correction.
    /// </summary>
    public sealed class CodeArtifactClient
    {
        // One HttpClient per process: connections are reused across calls in a long-lived PowerShell session.
        private static readonly Lazy<HttpClient> SharedHttp = new Lazy<HttpClient>(() =>
            new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate })
            {
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            });

        private static readonly Regex SkewServerTime = new Regex(@"\((?<now>\d{8}T\d{6}Z) [-+] \d+ min\.\)",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

        private static readonly string UserAgent = "PoetryCaAuth/" +
            typeof(CodeArtifactClient).Assembly.GetName().Version!.ToString(3);

        private readonly HttpClient _http;
        private readonly CodeArtifactClientOptions _options;
        private readonly Random _jitter = new Random();
        private TimeSpan _clockSkew = TimeSpan.Zero;

        public CodeArtifactClient(CodeArtifactClientOptions? options = null, HttpClient? http = null)
        {
            _options = options ?? new CodeArtifactClientOptions();
            _http = http ?? SharedHttp.Value;
        }

        /// <summary>Counts requests sent, retries included; used by verbose output and the benchmark.</summary>
        public int RequestsSent => _requestsSent;
        private int _requestsSent;

        public async Task<AuthorizationTokenResult> GetAuthorizationTokenAsync(Uri endpoint, string region, string domain,
            string domainOwner, int durationSeconds, ResolvedCredentials credentials, CancellationToken cancel)
        {
            CheckDuration(durationSeconds);
            Uri uri = Build(endpoint, "v1/authorization-token",
                ("domain", domain), ("domain-owner", domainOwner), ("duration", durationSeconds.ToString(CultureInfo.InvariantCulture)));
            var context = new RequestContext("GetAuthorizationToken", endpoint, region, domain, domainOwner, credentials.Description);
            using JsonDocument json = await SendAsync(HttpMethod.Post, uri, region, credentials, context, cancel).ConfigureAwait(false);

            JsonElement root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("authorizationToken", out JsonElement tokenElement) || tokenElement.ValueKind != JsonValueKind.String ||
                string.IsNullOrEmpty(tokenElement.GetString()))
            {
                throw context.Error(ErrorKind.ServiceError, "CodeArtifactResponseInvalid",
                    $"CodeArtifact at {context.Endpoint} answered GetAuthorizationToken for {context.DomainText} without an authorizationToken.",
                    "Retry; if it persists, check -EndpointUrl.");
            }

            var token = new SecretToken(tokenElement.GetString()!);
            DateTimeOffset expiration = root.TryGetProperty("expiration", out JsonElement expirationElement)
                ? ParseTimestamp(expirationElement) ?? DefaultExpiration(durationSeconds)
                : DefaultExpiration(durationSeconds);
            return new AuthorizationTokenResult(token, expiration);
        }

        public async Task<string> GetRepositoryEndpointAsync(Uri endpoint, string region, string domain, string domainOwner,
            string repository, ResolvedCredentials credentials, CancellationToken cancel)
        {
            Uri uri = Build(endpoint, "v1/repository/endpoint",
                ("domain", domain), ("domain-owner", domainOwner), ("repository", repository), ("format", "pypi"));
            var context = new RequestContext("GetRepositoryEndpoint", endpoint, region, domain, domainOwner, credentials.Description);
            using JsonDocument json = await SendAsync(HttpMethod.Get, uri, region, credentials, context, cancel).ConfigureAwait(false);
            if (json.RootElement.ValueKind == JsonValueKind.Object &&
                json.RootElement.TryGetProperty("repositoryEndpoint", out JsonElement value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString()!;
            }

            throw context.Error(ErrorKind.ServiceError, "CodeArtifactResponseInvalid",
                "CodeArtifact answered GetRepositoryEndpoint without a repositoryEndpoint.", "Retry; if it persists, check -EndpointUrl.");
        }

        /// <summary>0 means "as long as the role session"; otherwise the service takes 900 to 43200 seconds.</summary>
        public static void CheckDuration(int durationSeconds)
        {
            if (durationSeconds != 0 && (durationSeconds < 900 || durationSeconds > 43200))
            {
                throw new PoetryCaAuthException(ErrorKind.InvalidArgument, "TokenDurationInvalid",
                    $"A token duration of {durationSeconds} seconds is outside what CodeArtifact accepts.", durationSeconds,
                    "Use 0 (as long as the role session) or a value from 900 (15 minutes) to 43200 (12 hours).");
            }
        }

        private async Task<JsonDocument> SendAsync(HttpMethod method, Uri uri, string region, ResolvedCredentials credentials,
            RequestContext context, CancellationToken cancel)
        {
            int maxAttempts = Math.Max(1, _options.MaxAttempts);
            bool skewCorrected = false;
            PoetryCaAuthException? last = null;
            for (int attempt = 1; attempt <= maxAttempts; attempt++)
            {
                if (attempt > 1)
                {
                    await BackoffAsync(attempt - 1, cancel).ConfigureAwait(false);
                }

                using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                attemptTimeout.CancelAfter(_options.Timeout);
                Interlocked.Increment(ref _requestsSent);
                try
                {
                    using var request = new HttpRequestMessage(method, uri);
                    foreach (var header in SigV4RequestSigner.Sign(method.Method, uri, region, credentials.Credentials,
                                 _options.UtcNow() + _clockSkew))
                    {
                        request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }

                    request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
                    if (method == HttpMethod.Post)
                    {
                        request.Content = new ByteArrayContent(Array.Empty<byte>());
                    }

                    using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead,
                        attemptTimeout.Token).ConfigureAwait(false);
                    string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        try
                        {
                            return JsonDocument.Parse(body);
                        }
                        catch (JsonException)
                        {
                            last = context.Error(ErrorKind.ServiceError, "CodeArtifactResponseInvalid",
                                $"CodeArtifact at {context.Endpoint} answered {context.Operation} for {context.DomainText} with a body that is not valid JSON.",
                                "Retry; if it persists, check that -EndpointUrl points at CodeArtifact.");
                            continue;
                        }
                    }

                    // Some AWS answers echo request details; never let our own secrets travel on in a message.
                    ServiceError error = ServiceError.From(response, MaskSecrets(body, credentials));
                    if (!skewCorrected && error.IsClockSkew && TryLearnSkew(response, error.Message))
                    {
                        skewCorrected = true;
                        attempt--; // a corrected clock earns the attempt back, once
                        continue;
                    }

                    last = CodeArtifactErrorMapper.Map(error, context);
                    if (!error.IsRetryable)
                    {
                        throw last;
                    }
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    last = context.Error(ErrorKind.Timeout, "CodeArtifactTimeout",
                        $"CodeArtifact at {context.Endpoint} did not answer {context.Operation} within {Seconds(_options.Timeout)}.",
                        "Check your network or proxy, or allow more time with -TimeoutSec.");
                }
                catch (HttpRequestException e)
                {
                    last = context.Error(ErrorKind.Connection, "CodeArtifactUnreachable",
                        $"Could not reach CodeArtifact at {context.Endpoint}: {Innermost(e).Message}",
                        "Check your network connection and proxy settings, or the endpoint given by -EndpointUrl, AWS_ENDPOINT_URL_CODEARTIFACT or AWS_ENDPOINT_URL.", e);
                }
                catch (IOException e)
                {
                    last = context.Error(ErrorKind.Connection, "CodeArtifactUnreachable",
                        $"The connection to CodeArtifact at {context.Endpoint} was dropped: {e.Message}",
                        "Check your network connection and proxy settings.", e);
                }
            }

            throw new PoetryCaAuthException(last!.Kind, last.ErrorId,
                maxAttempts > 1 ? $"{last.Message} (gave up after {maxAttempts} attempts)" : last.Message,
                last.Target, last.RecommendedAction, last.InnerException);
        }

        /// <summary>"1 second", "2.5 seconds".</summary>
        internal static string Seconds(TimeSpan span) =>
            span.TotalSeconds == 1 ? "1 second" : span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " seconds";

        private static string MaskSecrets(string text, ResolvedCredentials credentials)
        {
            foreach (string? secret in new[] { credentials.Credentials.SecretKey, credentials.Credentials.Token })
            {
                if (!string.IsNullOrEmpty(secret)) text = text.Replace(secret, "***");
            }

            return text;
        }

        private bool TryLearnSkew(HttpResponseMessage response, string message)
        {
            DateTimeOffset? serverNow = response.Headers.Date;
            Match m = SkewServerTime.Match(message ?? string.Empty);
            if (m.Success && DateTime.TryParseExact(m.Groups["now"].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime fromMessage))
            {
                serverNow = new DateTimeOffset(fromMessage, TimeSpan.Zero);
            }

            if (serverNow == null)
            {
                return false;
            }

            _clockSkew = serverNow.Value.UtcDateTime - _options.UtcNow();
            return true;
        }

        private Task BackoffAsync(int retry, CancellationToken cancel)
        {
            double capMs = Math.Min(_options.BackoffCap.TotalMilliseconds, _options.BackoffBase.TotalMilliseconds * Math.Pow(2, retry));
            double waitMs;
            lock (_jitter)
            {
                waitMs = _jitter.NextDouble() * capMs; // full jitter
            }

            return _options.Delay(TimeSpan.FromMilliseconds(waitMs), cancel);
        }

        private DateTimeOffset DefaultExpiration(int durationSeconds) =>
            new DateTimeOffset(_options.UtcNow(), TimeSpan.Zero).AddSeconds(durationSeconds == 0 ? 3600 : durationSeconds);

        /// <summary>restJson sends epoch seconds (possibly fractional); an ISO-8601 string is accepted too.</summary>
        internal static DateTimeOffset? ParseTimestamp(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double seconds))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
            }

            if (element.ValueKind == JsonValueKind.String &&
                DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
            {
                return parsed;
            }

            return null;
        }

        private static Uri Build(Uri endpoint, string path, params (string Key, string Value)[] query)
        {
            string basePath = endpoint.AbsolutePath.TrimEnd('/');
            string queryString = string.Join("&", query.Select(q => SigV4RequestSigner.Encode(q.Key) + "=" + SigV4RequestSigner.Encode(q.Value)));
            var builder = new UriBuilder(endpoint) { Path = basePath + "/" + path, Query = queryString };
            return builder.Uri;
        }

        private static Exception Innermost(Exception e)
        {
            while (e.InnerException != null) e = e.InnerException;
            return e;
        }
    }
}
