using System;
using System.Collections.Generic;
using PoetryCaAuth.Model;
using PoetryCaAuth.Refresh;

namespace PoetryCaAuth.Targets
{
    /// <summary>Keeps fetched tokens in memory for Get-CodeArtifactAuthorizationToken instead of storing them anywhere.</summary>
    public sealed class TokenCaptureTarget : ICredentialTarget
    {
        private readonly Dictionary<CodeArtifactRepository, CodeArtifactAuthorizationToken> _captured =
            new Dictionary<CodeArtifactRepository, CodeArtifactAuthorizationToken>();

        public string Name => "Output";

        public string ActionDescription => "Return a CodeArtifact token";

        public string DescribeTarget(CodeArtifactRepository repository) => "the output object";

        public void Store(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration)
        {
            string? baseUrl = PipIndexUrl.BaseUrl(repository);
            _captured[repository] = new CodeArtifactAuthorizationToken(repository, token, expiration,
                baseUrl == null ? string.Empty : PipIndexUrl.WithToken(baseUrl, token));
        }

        public CodeArtifactAuthorizationToken? Get(CodeArtifactRepository repository) =>
            _captured.TryGetValue(repository, out CodeArtifactAuthorizationToken? token) ? token : null;
    }
}
