using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PoetryCaAuth.CodeArtifact
{
    /// <summary>The call a failure belongs to, so messages can name the domain and the identity.</summary>
    internal sealed class RequestContext
    {
        public RequestContext(string operation, Uri endpoint, string region, string domain, string domainOwner, string identity)
        {
            Operation = operation;
            Endpoint = endpoint;
            Region = region;
            Domain = domain;
            DomainOwner = domainOwner;
            Identity = identity;
        }

        public string Operation { get; }
        public Uri Endpoint { get; }
        public string Region { get; }
        public string Domain { get; }
        public string DomainOwner { get; }
        public string Identity { get; }

        public string DomainText => $"domain '{Domain}' (owner {DomainOwner}, region {Region})";

        public PoetryCaAuthException Error(ErrorKind kind, string id, string message, string action, Exception? inner = null) =>
            new PoetryCaAuthException(kind, id, message, $"{Domain}-{DomainOwner}", action, inner);
    }

    /// <summary>An AWS error answer: status, x-amzn-ErrorType and the JSON message.</summary>
    internal sealed class ServiceError
    {
        public ServiceError(int status, string code, string message)
        {
            Status = status;
            Code = code;
            Message = message;
        }

        public int Status { get; }
        public string Code { get; }
        public string Message { get; }

        public bool IsRetryable =>
            Status == 429 || Status >= 500 || Code == "ThrottlingException" || Code == "TooManyRequestsException" ||
            Code == "RequestTimeout" || Code == "InternalServerException" || Code == "ServiceUnavailableException";

        public bool IsClockSkew =>
            Code == "InvalidSignatureException" &&
            (Message.IndexOf("Signature expired", StringComparison.OrdinalIgnoreCase) >= 0 ||
             Message.IndexOf("not yet current", StringComparison.OrdinalIgnoreCase) >= 0);

        public static ServiceError From(HttpResponseMessage response, string body)
        {
            string? code = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
            string? message = null;
            try
            {
                using JsonDocument json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in json.RootElement.EnumerateObject())
                    {
                        if (property.Value.ValueKind != JsonValueKind.String) continue;
                        if (string.Equals(property.Name, "message", StringComparison.OrdinalIgnoreCase)) message = property.Value.GetString();
                        if (code == null && (property.Name == "__type" || property.Name == "code")) code = property.Value.GetString();
                    }
                }
            }
            catch (JsonException)
            {
                // An error page that is not JSON (a proxy, a load balancer): the status code still tells enough.
            }

            return Create((int)response.StatusCode, code, message);
        }

        internal static ServiceError Create(int status, string? rawCode, string? message)
        {
            // "AccessDeniedException:http://internal.amazon.com/coral/..." and "aws.protocoltests#Name" both occur.
            string code = rawCode ?? string.Empty;
            int colon = code.IndexOf(':');
            if (colon >= 0) code = code.Substring(0, colon);
            int hash = code.LastIndexOf('#');
            if (hash >= 0) code = code.Substring(hash + 1);
            return new ServiceError(status, code.Length > 0 ? code : "Http" + status, message ?? string.Empty);
        }
    }

    /// <summary>Turns CodeArtifact's error answers into messages that say what happened and what to do.</summary>
    internal static class CodeArtifactErrorMapper
    {
        private static readonly Regex PrincipalArn = new Regex(@"arn:aws[a-z-]*:(?:iam|sts)::\d{12}:[^\s,]+",
            RegexOptions.CultureInvariant);

        public static PoetryCaAuthException Map(ServiceError error, RequestContext context)
        {
            string service = string.IsNullOrEmpty(error.Message) ? string.Empty : $" CodeArtifact said: {error.Message}";
            switch (error.Code)
            {
                case "AccessDeniedException":
                    string who = PrincipalArn.Match(error.Message) is Match m && m.Success ? m.Value : context.Identity;
                    return context.Error(ErrorKind.PermissionDenied, "CodeArtifactAccessDenied",
                        $"{who} may not get an authorization token for {context.DomainText}.{service}",
                        $"Grant {who} codeartifact:GetAuthorizationToken on the domain and sts:GetServiceBearerToken, or use a profile that has them (-ProfileName).");

                case "ExpiredTokenException":
                case "ExpiredToken":
                    return context.Error(ErrorKind.Authentication, "AwsCredentialsExpired",
                        $"The AWS credentials from {context.Identity} have expired.{service}",
                        "Sign in again (for example 'aws sso login --profile NAME', or refresh your temporary keys) and retry.");

                case "UnrecognizedClientException":
                case "InvalidClientTokenId":
                    return context.Error(ErrorKind.Authentication, "AwsCredentialsInvalid",
                        $"AWS does not recognise the access key from {context.Identity}.{service}",
                        "Check that the access key id and session token are current and belong to the account you expect.");

                case "InvalidSignatureException":
                case "SignatureDoesNotMatch":
                    return context.Error(ErrorKind.Authentication, "AwsSignatureRejected",
                        $"AWS rejected the request signature made with {context.Identity}.{service}",
                        "Check that the secret access key matches its access key id, and that this computer's clock is right.");

                case "MissingAuthenticationTokenException":
                    return context.Error(ErrorKind.Authentication, "AwsCredentialsInvalid",
                        $"The request to {context.Endpoint} carried no valid credentials.{service}",
                        "Check the credentials and that the endpoint is a CodeArtifact endpoint.");

                case "ResourceNotFoundException":
                    return context.Error(ErrorKind.NotFound, "CodeArtifactDomainNotFound",
                        $"CodeArtifact has no {context.DomainText}.{service}",
                        "Check the repository URL: its host names the domain, the 12-digit owner account and the region.");

                case "ValidationException":
                    return context.Error(ErrorKind.InvalidArgument, "CodeArtifactRequestInvalid",
                        $"CodeArtifact rejected the {context.Operation} request for {context.DomainText}.{service}",
                        "Check the domain, owner and duration.");

                default:
                    if (error.IsRetryable)
                    {
                        bool throttled = error.Status == 429 || error.Code.IndexOf("Throttl", StringComparison.Ordinal) >= 0 ||
                                         error.Code == "TooManyRequestsException";
                        return context.Error(throttled ? ErrorKind.Throttled : ErrorKind.ServiceError,
                            throttled ? "CodeArtifactThrottled" : "CodeArtifactServiceError",
                            $"CodeArtifact answered {context.Operation} for {context.DomainText} with {error.Status} {error.Code}.{service}",
                            throttled ? "Wait a moment and retry; many refreshes at once share the account's request rate."
                                      : "Retry later; AWS may be having a problem in this region.");
                    }

                    return context.Error(ErrorKind.ServiceError, "CodeArtifactRequestFailed",
                        $"CodeArtifact answered {context.Operation} for {context.DomainText} with {error.Status} {error.Code}.{service}",
                        $"Check that {context.Endpoint} is a CodeArtifact endpoint.");
            }
        }
    }
}
