using System.Management.Automation;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Commands
{
    /// <summary>Turns properties bound from the pipeline (Url, or Domain, DomainOwner and Region) into a repository object.</summary>
    internal static class RepositoryBinding
    {
        public static CodeArtifactRepository? FromProperties(PSCmdlet cmdlet, string name, string? url, string? domain, string? domainOwner,
            string? region, string? repository, SourceOrigin origin = SourceOrigin.Url)
        {
            if (!string.IsNullOrWhiteSpace(url))
            {
                CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url!, out string reason);
                if (address == null)
                {
                    cmdlet.WriteError(ErrorRecords.Create("CodeArtifactUrlInvalid", ErrorCategory.InvalidArgument, name,
                        $"Source '{name}': the URL '{RepositoryDiscovery.Redact(url!)}' is not a CodeArtifact PyPI repository URL: {reason}.",
                        "Give a URL like https://DOMAIN-ACCOUNT.d.codeartifact.REGION.amazonaws.com/pypi/REPOSITORY/simple/."));
                    return null;
                }

                return CodeArtifactRepository.FromAddress(name, RepositoryDiscovery.Redact(url!), address, origin, string.Empty);
            }

            if (string.IsNullOrWhiteSpace(domain) || string.IsNullOrWhiteSpace(domainOwner) || string.IsNullOrWhiteSpace(region))
            {
                cmdlet.WriteError(ErrorRecords.Create("RepositoryIncomplete", ErrorCategory.InvalidArgument, name,
                    $"Source '{name}' has neither a Url nor all of Domain, DomainOwner and Region.",
                    "Pipe objects from Get-CodeArtifactRepository, or give Url, or Domain, DomainOwner and Region."));
                return null;
            }

            return new CodeArtifactRepository
            {
                Name = name,
                Domain = domain!,
                DomainOwner = domainOwner!,
                Region = region!,
                Repository = repository ?? string.Empty,
                Origin = origin,
            };
        }
    }
}
