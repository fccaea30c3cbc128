using System;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Refresh
{
    /// <summary>A place a token is written to (Poetry's config, environment variables, a file...).</summary>
    public interface ICredentialTarget
    {
        /// <summary>Short name shown in results, e.g. "Poetry".</summary>
        string Name { get; }

        /// <summary>What ShouldProcess names as the target, e.g. "http-basic.my-source".</summary>
        string DescribeTarget(CodeArtifactRepository repository);

        /// <summary>What ShouldProcess names as the action.</summary>
        string ActionDescription { get; }

        void Store(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration);
    }

    /// <summary>The sink through which Core talks to the user; the cmdlets implement it on the pipeline thread.</summary>
    public interface IRefreshObserver
    {
        void Verbose(string message);
        void Warning(string message);
        bool ShouldProcess(string target, string action);
        void Progress(int completed, int total, string status);
    }
}
