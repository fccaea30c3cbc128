using System;

namespace PoetryCaAuth.Model
{
    /// <summary>
    /// A CodeArtifact token for scripts that need it (Get-CodeArtifactAuthorizationToken). Unlike every other
    /// object of the module it carries the token, in <see cref="Token"/> and inside <see cref="IndexUrl"/>;
    /// its format views and <see cref="ToString"/> show neither.
    /// </summary>
    public sealed class CodeArtifactAuthorizationToken
    {
        private readonly SecretToken _token;

        public CodeArtifactAuthorizationToken(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration, string indexUrl)
        {
            _token = token;
            Name = repository.Name;
            Domain = repository.Domain;
            DomainOwner = repository.DomainOwner;
            Region = repository.Region;
            Repository = repository.Repository;
            Url = repository.Url;
            Expiration = expiration;
            IndexUrl = indexUrl;
        }

        /// <summary>The source the token is for (or the repository or domain name when none was given).</summary>
        public string Name { get; }
        public string Domain { get; }
        public string DomainOwner { get; }
        public string Region { get; }
        public string Repository { get; }

        /// <summary>The source's URL, without credentials.</summary>
        public string Url { get; }

        public DateTimeOffset Expiration { get; }

        /// <summary>The user name CodeArtifact expects with the token.</summary>
        public string UserName => "aws";

        /// <summary>The token itself.</summary>
        public string Token => _token.Reveal();

        /// <summary>The pip index URL with the token inside (https://aws:TOKEN@HOST/pypi/REPO/simple/); empty when the repository is unknown.</summary>
        public string IndexUrl { get; }

        public override string ToString() => $"CodeArtifact token for {Name} ({Domain}-{DomainOwner}, {Region}), valid until {Expiration:u}";
    }
}
