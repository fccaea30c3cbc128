using System;
using System.Collections.Generic;
using System.Linq;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Targets
{
    public enum CredentialValueKind
    {
        UserName,
        Password,
        /// <summary>PIP_INDEX_URL: one URL with the token inside.</summary>
        IndexUrl,
        /// <summary>PIP_EXTRA_INDEX_URL: the URLs of every other pip source, separated by spaces.</summary>
        ExtraIndexUrl,
    }

    /// <summary>One variable a source's credential is written to.</summary>
    public sealed class CredentialVariable
    {
        public CredentialVariable(string name, CredentialValueKind kind, CredentialTool tool)
        {
            Name = name;
            Kind = kind;
            Tool = tool;
        }

        public string Name { get; }
        public CredentialValueKind Kind { get; }
        public CredentialTool Tool { get; }

        /// <summary>Everything but the user name carries the token.</summary>
        public bool IsSecret => Kind != CredentialValueKind.UserName;
    }

    /// <summary>
    /// Which variables each source's credential goes to. With no tools given, a source found in
    /// [[tool.uv.index]] gets uv's variables and every other source Poetry's. Names that collide after each
    /// tool's normalisation are warned about; names no shell could use fail that source.
    /// </summary>
    public sealed class CredentialVariablePlan
    {
        private readonly Dictionary<CodeArtifactRepository, List<CredentialVariable>> _variables =
            new Dictionary<CodeArtifactRepository, List<CredentialVariable>>();

        private CredentialVariablePlan()
        {
        }

        public List<string> Warnings { get; } = new List<string>();

        /// <summary>Sources that cannot be written, with the reason; leave them out of the refresh.</summary>
        public Dictionary<CodeArtifactRepository, PoetryCaAuthException> Errors { get; } =
            new Dictionary<CodeArtifactRepository, PoetryCaAuthException>();

        /// <summary>The pip base URL of each pip source.</summary>
        internal Dictionary<CodeArtifactRepository, string> PipBaseUrls { get; } = new Dictionary<CodeArtifactRepository, string>();

        public IReadOnlyList<CredentialVariable> For(CodeArtifactRepository repository) =>
            _variables.TryGetValue(repository, out List<CredentialVariable>? list) ? list : (IReadOnlyList<CredentialVariable>)Array.Empty<CredentialVariable>();

        public static IReadOnlyList<CredentialTool> DefaultTools(CodeArtifactRepository repository) =>
            repository.Origin == SourceOrigin.UvIndex ? new[] { CredentialTool.Uv } : new[] { CredentialTool.Poetry };

        public static CredentialVariablePlan Build(IEnumerable<CodeArtifactRepository> repositories, IReadOnlyCollection<CredentialTool>? tools)
        {
            var plan = new CredentialVariablePlan();
            var owners = new Dictionary<string, string>(StringComparer.Ordinal);
            bool pipIndexTaken = false;
            foreach (CodeArtifactRepository repository in repositories)
            {
                IReadOnlyCollection<CredentialTool> chosen = tools != null && tools.Count > 0 ? tools : DefaultTools(repository);
                var variables = new List<CredentialVariable>();
                foreach (CredentialTool tool in chosen.Distinct())
                {
                    switch (tool)
                    {
                        case CredentialTool.Poetry:
                            variables.Add(new CredentialVariable(CredentialVariableNames.PoetryUserName(repository.Name), CredentialValueKind.UserName, tool));
                            variables.Add(new CredentialVariable(CredentialVariableNames.PoetryPassword(repository.Name), CredentialValueKind.Password, tool));
                            break;
                        case CredentialTool.Uv:
                            variables.Add(new CredentialVariable(CredentialVariableNames.UvUserName(repository.Name), CredentialValueKind.UserName, tool));
                            variables.Add(new CredentialVariable(CredentialVariableNames.UvPassword(repository.Name), CredentialValueKind.Password, tool));
                            break;
                        case CredentialTool.Pip:
                            string? baseUrl = PipIndexUrl.BaseUrl(repository);
                            if (baseUrl == null)
                            {
                                plan.Errors[repository] = new PoetryCaAuthException(ErrorKind.InvalidArgument, "PipIndexUrlUnknown",
                                    $"Source '{repository.Name}' has neither a URL nor a repository name, so no pip index URL can be built for it.",
                                    repository.Name, "Pipe in repository objects with a Url, or give -Repository as well as -Domain, -DomainOwner and -Region.");
                                break;
                            }

                            plan.PipBaseUrls[repository] = baseUrl;
                            variables.Add(pipIndexTaken
                                ? new CredentialVariable(CredentialVariableNames.PipExtraIndexUrl, CredentialValueKind.ExtraIndexUrl, tool)
                                : new CredentialVariable(CredentialVariableNames.PipIndexUrl, CredentialValueKind.IndexUrl, tool));
                            pipIndexTaken = true;
                            break;
                    }
                }

                if (plan.Errors.ContainsKey(repository)) continue;
                CredentialVariable? invalid = variables.FirstOrDefault(v => !CredentialVariableNames.IsPortable(v.Name));
                if (invalid != null)
                {
                    plan.Errors[repository] = new PoetryCaAuthException(ErrorKind.InvalidArgument, "CredentialVariableNameInvalid",
                        $"Source '{repository.Name}' would need the environment variable '{invalid.Name}', whose name shells, dotenv files and CI runners do not accept.",
                        repository.Name, "Give the source a name of ASCII letters, digits, '-', '_' and '.', or store it with -Target Poetry.");
                    continue;
                }

                // One check per tool: the user name variable collides exactly when the password variable does.
                foreach (CredentialVariable variable in variables.Where(v => v.Kind == CredentialValueKind.Password || v.Kind == CredentialValueKind.IndexUrl))
                {
                    if (owners.TryGetValue(variable.Name, out string? owner))
                    {
                        if (!string.Equals(owner, repository.Name, StringComparison.Ordinal))
                        {
                            plan.Warnings.Add($"Sources '{owner}' and '{repository.Name}' both map to {variable.Name} " +
                                              $"({variable.Tool} turns '-' and '.' into '_' and ignores case); the one stored last wins.");
                        }
                    }
                    else
                    {
                        owners[variable.Name] = repository.Name;
                    }
                }

                plan._variables[repository] = variables;
            }

            return plan;
        }
    }
}
