namespace PoetryCaAuth.Model
{
    /// <summary>Which host form a repository URL used.</summary>
    public enum EndpointKind
    {
        Standard,
        DualStack,
        VpcEndpoint,
    }

    /// <summary>What a CodeArtifact repository URL says: the parts GetAuthorizationToken needs.</summary>
    public sealed class CodeArtifactAddress
    {
        public CodeArtifactAddress(string domain, string domainOwner, string region, string repository,
            string format, EndpointKind kind, bool isChinaPartition, bool hasUserInfo)
        {
            Domain = domain;
            DomainOwner = domainOwner;
            Region = region;
            Repository = repository;
            Format = format;
            Kind = kind;
            IsChinaPartition = isChinaPartition;
            HasUserInfo = hasUserInfo;
        }

        public string Domain { get; }
        public string DomainOwner { get; }
        public string Region { get; }
        public string Repository { get; }
        public string Format { get; }
        public EndpointKind Kind { get; }
        public bool IsChinaPartition { get; }
        public bool HasUserInfo { get; }
    }
}
