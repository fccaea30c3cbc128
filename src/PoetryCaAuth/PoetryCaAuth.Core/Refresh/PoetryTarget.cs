using System;
using PoetryCaAuth.Model;
using PoetryCaAuth.Poetry;

namespace PoetryCaAuth.Refresh
{
    /// <summary>Writes tokens with `poetry config http-basic.NAME aws TOKEN`.</summary>
    public sealed class PoetryTarget : ICredentialTarget
    {
        public const string UserName = "aws";
        private readonly PoetryCredentialStore _store;

        public PoetryTarget(PoetryCredentialStore store)
        {
            _store = store;
        }

        public string Name => "Poetry";

        public string ActionDescription => "Store CodeArtifact token in Poetry config";

        public string DescribeTarget(CodeArtifactRepository repository) => "http-basic." + repository.Name;

        public PoetryCredentialStore Store => _store;

        void ICredentialTarget.Store(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration) =>
            _store.StoreHttpBasic(repository.Name, UserName, token);
    }
}
