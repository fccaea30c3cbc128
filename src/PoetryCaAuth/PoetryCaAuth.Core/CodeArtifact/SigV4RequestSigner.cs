using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace PoetryCaAuth.CodeArtifact
{
    /// <summary>
    /// Signs our few CodeArtifact requests with Signature Version 4. The signing key, string to sign and
    /// signature come from AWSSDK.Core's <see cref="AWS4Signer"/>; this class only builds the canonical request,
    /// which is all the SDK cannot do for a client it did not generate.
    /// </summary>
    internal static class SigV4RequestSigner
    {
        public const string ServiceName = "codeartifact";
        private const string EmptyBodySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        /// <summary>Returns the headers to send: X-Amz-Date, optionally X-Amz-Security-Token, and Authorization.</summary>
        public static IDictionary<string, string> Sign(string method, Uri uri, string region, ImmutableCredentials credentials,
            DateTime signedAtUtc)
        {
            string amzDate = signedAtUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["host"] = uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture),
                ["x-amz-date"] = amzDate,
            };
            if (!string.IsNullOrEmpty(credentials.Token))
            {
                headers["x-amz-security-token"] = credentials.Token;
            }

            string signedHeaders = string.Join(";", headers.Keys);
            string canonicalRequest = string.Join("\n",
                method,
                CanonicalPath(uri.AbsolutePath),
                CanonicalQuery(uri.Query),
                string.Concat(headers.Select(h => h.Key + ":" + h.Value.Trim() + "\n")),
                signedHeaders,
                EmptyBodySha256);

            AWS4SigningResult result = AWS4Signer.ComputeSignature(credentials, region, signedAtUtc, ServiceName,
                signedHeaders, canonicalRequest);

            var toSend = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["X-Amz-Date"] = amzDate,
                ["Authorization"] = result.ForAuthorizationHeader,
            };
            if (headers.TryGetValue("x-amz-security-token", out string? token))
            {
                toSend["X-Amz-Security-Token"] = token;
            }

            return toSend;
        }

        /// <summary>RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex.</summary>
        internal static string Encode(string value)
        {
            var builder = new StringBuilder();
            foreach (byte b in Encoding.UTF8.GetBytes(value))
            {
                char c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
                {
                    builder.Append(c);
                }
                else
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            return builder.ToString();
        }

        internal static string CanonicalPath(string absolutePath)
        {
            if (string.IsNullOrEmpty(absolutePath)) return "/";
            // Non-S3 services encode each (already encoded) segment once more.
            return string.Join("/", absolutePath.Split('/').Select(segment => Encode(Uri.UnescapeDataString(segment)))
                .Select(segment => Encode(segment)));
        }

        internal static string CanonicalQuery(string query)
        {
            if (string.IsNullOrEmpty(query) || query == "?") return string.Empty;
            return string.Join("&", query.TrimStart('?').Split('&')
                .Where(pair => pair.Length > 0)
                .Select(pair =>
                {
                    int eq = pair.IndexOf('=');
                    string key = Uri.UnescapeDataString(eq >= 0 ? pair.Substring(0, eq) : pair);
                    string value = eq >= 0 ? Uri.UnescapeDataString(pair.Substring(eq + 1)) : string.Empty;
                    return new KeyValuePair<string, string>(Encode(key), Encode(value));
                })
                .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
                .Select(p => p.Key + "=" + p.Value));
        }
    }
}
