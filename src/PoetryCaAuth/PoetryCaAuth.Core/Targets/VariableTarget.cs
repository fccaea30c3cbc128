using System;
using System.Collections.Generic;
using System.Linq;
using PoetryCaAuth.Lifecycle;
using PoetryCaAuth.Model;
using PoetryCaAuth.Refresh;

namespace PoetryCaAuth.Targets
{
    /// <summary>
    /// Stores credentials as variables (process environment, dotenv file, GitHub Actions, Azure Pipelines),
    /// named by a <see cref="CredentialVariablePlan"/>. Needs no external program, so it also describes
    /// itself for the skip check.
    /// </summary>
    public sealed class VariableTarget : ICredentialTarget, ICredentialDestination
    {
        private readonly IVariableSink _sink;
        private readonly CredentialVariablePlan _plan;
        private readonly List<KeyValuePair<CodeArtifactRepository, string>> _extraUrls = new List<KeyValuePair<CodeArtifactRepository, string>>();

        public VariableTarget(IVariableSink sink, CredentialVariablePlan plan)
        {
            _sink = sink;
            _plan = plan;
        }

        public IVariableSink Sink => _sink;

        public string Name => _sink.Name;

        public string TargetName => _sink.Name;

        public string ActionDescription => _sink.ActionDescription;

        public bool TracksExpiry => _sink.CanRead;

        public string DescribeTarget(CodeArtifactRepository repository) => Describe(repository);

        public string Describe(CodeArtifactRepository repository) => _sink.Describe(_plan.For(repository).Select(v => v.Name));

        public string StateKey(CodeArtifactRepository repository) =>
            string.Join("|", _sink.Name, _sink.Location, string.Join(",", _plan.For(repository).Select(v => v.Name)), repository.Name);

        public string? SharedGroup(CodeArtifactRepository repository) =>
            _plan.For(repository).Any(v => v.Tool == CredentialTool.Pip) ? "pip" : null;

        public void Store(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration)
        {
            string secret = token.Reveal();
            var assignments = new List<VariableAssignment>();
            foreach (CredentialVariable variable in _plan.For(repository))
            {
                switch (variable.Kind)
                {
                    case CredentialValueKind.UserName:
                        assignments.Add(new VariableAssignment(variable.Name, PoetryTarget.UserName, null));
                        break;
                    case CredentialValueKind.Password:
                        assignments.Add(new VariableAssignment(variable.Name, secret, secret));
                        break;
                    case CredentialValueKind.IndexUrl:
                        assignments.Add(new VariableAssignment(variable.Name, PipIndexUrl.WithToken(_plan.PipBaseUrls[repository], token), secret));
                        break;
                    case CredentialValueKind.ExtraIndexUrl:
                        // pip takes every extra index in one variable: rewrite it with all the URLs stored so far.
                        _extraUrls.RemoveAll(p => ReferenceEquals(p.Key, repository));
                        _extraUrls.Add(new KeyValuePair<CodeArtifactRepository, string>(repository, PipIndexUrl.WithToken(_plan.PipBaseUrls[repository], token)));
                        assignments.Add(new VariableAssignment(variable.Name, string.Join(" ", _extraUrls.Select(p => p.Value)), secret));
                        break;
                }
            }

            _sink.Write(assignments);
        }

        public StoredCredentialState Inspect(CodeArtifactRepository repository, string fingerprint)
        {
            foreach (CredentialVariable variable in _plan.For(repository))
            {
                string? value = _sink.Read(variable.Name);
                if (value == null) return StoredCredentialState.Missing;
                switch (variable.Kind)
                {
                    case CredentialValueKind.UserName:
                        if (!string.Equals(value, PoetryTarget.UserName, StringComparison.Ordinal)) return StoredCredentialState.Different;
                        break;
                    case CredentialValueKind.Password:
                        if (TokenStateStore.Fingerprint(value) != fingerprint) return StoredCredentialState.Different;
                        break;
                    default:
                        string? password = PipIndexUrl.FindPassword(value, _plan.PipBaseUrls[repository]);
                        if (password == null) return StoredCredentialState.Missing;
                        if (TokenStateStore.Fingerprint(password) != fingerprint) return StoredCredentialState.Different;
                        break;
                }
            }

            return StoredCredentialState.Present;
        }
    }
}
