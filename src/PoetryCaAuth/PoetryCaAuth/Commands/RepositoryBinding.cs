using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Commands
{
    /// <summary>The source fields a piped object or the command line supplies.</summary>
    internal sealed class SourceFields
    {
        public string? Name { get; set; }
        public string? Url { get; set; }
        public string? Domain { get; set; }
        public string? DomainOwner { get; set; }
        public string? Region { get; set; }
        public string? Repository { get; set; }
        public string? ProfileName { get; set; }
        public string? EndpointUrl { get; set; }
        public SourceOrigin? Origin { get; set; }

        /// <summary>Each field of <paramref name="piped"/> that is set wins over this one's.</summary>
        public SourceFields Overlay(SourceFields piped) => new SourceFields
        {
            Name = piped.Name ?? Name,
            Url = piped.Url ?? Url,
            Domain = piped.Domain ?? Domain,
            DomainOwner = piped.DomainOwner ?? DomainOwner,
            Region = piped.Region ?? Region,
            Repository = piped.Repository ?? Repository,
            ProfileName = piped.ProfileName ?? ProfileName,
            EndpointUrl = piped.EndpointUrl ?? EndpointUrl,
            Origin = piped.Origin ?? Origin,
        };
    }

    /// <summary>
    /// Turns piped input into repository objects: objects with properties (repository objects, CSV rows,
    /// pscustomobjects), hashtables (which PowerShell never binds by property name) and plain URL strings.
    /// </summary>
    internal static class RepositoryBinding
    {
        /// <summary>Reads the source fields of a piped object; an empty set when nothing was piped.</summary>
        public static SourceFields Read(PSObject? input)
        {
            var fields = new SourceFields();
            if (input == null) return fields;
            object value = input.BaseObject;
            if (value is string text)
            {
                fields.Url = NonEmpty(text);
                return fields;
            }

            Func<string, string?> get = value is IDictionary dictionary
                ? key => NonEmpty(Lookup(dictionary, key)?.ToString())
                : key => NonEmpty(input.Properties[key]?.Value?.ToString());

            fields.Name = get("Name");
            fields.Url = get("Url");
            fields.Domain = get("Domain");
            fields.DomainOwner = get("DomainOwner");
            fields.Region = get("Region");
            fields.Repository = get("Repository");
            fields.ProfileName = get("ProfileName") ?? get("AWSProfileName");
            fields.EndpointUrl = get("EndpointUrl");
            if (Enum.TryParse(get("Origin") ?? string.Empty, true, out SourceOrigin origin)) fields.Origin = origin;
            return fields;
        }

        /// <summary>
        /// Builds the repository object for one piped or command-line source, reporting what is wrong with it as a
        /// non-terminating error naming the source. Returns null when it cannot be used or <paramref name="nameFilter"/>
        /// leaves it out.
        /// </summary>
        public static CodeArtifactRepository? ToRepository(PSCmdlet cmdlet, SourceFields fields, string[]? nameFilter)
        {
            CodeArtifactRepository? repository = Build(cmdlet, fields);
            if (repository == null) return null;
            if (nameFilter != null && !SourceDiscovery.Filter(new[] { repository }, nameFilter).Any())
            {
                cmdlet.WriteVerbose($"Passing over piped source '{repository.Name}': it does not match -Name {string.Join(", ", nameFilter)}.");
                return null;
            }

            return repository;
        }

        /// <summary>
        /// Drops a second source of the same name: the first one wins, as in Poetry. An exact repeat is dropped
        /// quietly; one that points elsewhere is an error, since both cannot be stored under one name.
        /// </summary>
        public static bool IsDuplicate(PSCmdlet cmdlet, IEnumerable<CodeArtifactRepository> existing, CodeArtifactRepository candidate)
        {
            CodeArtifactRepository? first = existing.FirstOrDefault(r => string.Equals(r.Name, candidate.Name, StringComparison.Ordinal));
            if (first == null) return false;
            bool same = first.Domain == candidate.Domain && first.DomainOwner == candidate.DomainOwner && first.Region == candidate.Region;
            if (!same)
            {
                cmdlet.WriteError(ErrorRecords.Create("SourceNameDuplicate", ErrorCategory.InvalidArgument, candidate.Name,
                    $"Two piped sources are named '{candidate.Name}' ({first.Domain}-{first.DomainOwner} and {candidate.Domain}-{candidate.DomainOwner}); the first one is used.",
                    "Give each source its own name."));
            }

            return true;
        }

        private static CodeArtifactRepository? Build(PSCmdlet cmdlet, SourceFields fields)
        {
            if (!string.IsNullOrWhiteSpace(fields.Url))
            {
                string url = fields.Url!;
                CodeArtifactAddress? address = CodeArtifactUrlParser.TryParse(url, out string reason);
                string name = fields.Name ?? address?.Repository ?? "(unnamed)";
                if (address == null)
                {
                    cmdlet.WriteError(ErrorRecords.Create("CodeArtifactUrlInvalid", ErrorCategory.InvalidArgument, name,
                        $"Source '{name}': the URL '{RepositoryDiscovery.Redact(url)}' is not a CodeArtifact PyPI repository URL: {reason}.",
                        "Give a URL like https://DOMAIN-ACCOUNT.d.codeartifact.REGION.amazonaws.com/pypi/REPOSITORY/simple/."));
                    return null;
                }

                return CodeArtifactRepository.FromAddress(name, RepositoryDiscovery.Redact(url), address,
                    fields.Origin ?? SourceOrigin.Url, string.Empty);
            }

            string sourceName = fields.Name ?? fields.Repository ?? fields.Domain ?? "(unnamed)";
            if (string.IsNullOrWhiteSpace(fields.Domain) || string.IsNullOrWhiteSpace(fields.DomainOwner) || string.IsNullOrWhiteSpace(fields.Region))
            {
                cmdlet.WriteError(ErrorRecords.Create("RepositoryIncomplete", ErrorCategory.InvalidArgument, sourceName,
                    $"Source '{sourceName}' has neither a Url nor all of Domain, DomainOwner and Region.",
                    "Pipe objects from Get-CodeArtifactRepository, or give Url, or Domain, DomainOwner and Region."));
                return null;
            }

            string domain = fields.Domain!, owner = fields.DomainOwner!, region = fields.Region!;
            string? problem = CodeArtifactUrlParser.CheckParts(ref domain, ref owner, ref region);
            if (problem != null)
            {
                cmdlet.WriteError(ErrorRecords.Create("RepositoryPartInvalid", ErrorCategory.InvalidArgument, sourceName,
                    $"Source '{sourceName}': {problem}.", "Copy Domain, DomainOwner and Region from the repository URL's host: DOMAIN-ACCOUNT.d.codeartifact.REGION.amazonaws.com."));
                return null;
            }

            return new CodeArtifactRepository
            {
                Name = fields.Name ?? fields.Repository ?? domain,
                Domain = domain,
                DomainOwner = owner,
                Region = region,
                Repository = fields.Repository ?? string.Empty,
                Origin = fields.Origin ?? SourceOrigin.Url,
            };
        }

        private static object? Lookup(IDictionary dictionary, string key)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (string.Equals(entry.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase)) return entry.Value;
            }

            return null;
        }

        private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
    }
}
