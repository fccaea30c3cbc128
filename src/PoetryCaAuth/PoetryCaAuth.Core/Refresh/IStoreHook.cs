using System;
using PoetryCaAuth.Model;

namespace PoetryCaAuth.Refresh
{
    /// <summary>
    /// Wraps each store of <see cref="TokenRefresher"/>: the scope <see cref="EnterStore"/> returns (a cross-process
    /// lock) is held around the store and <see cref="Stored"/>, and never around a network request.
    /// </summary>
    public interface IStoreHook
    {
        /// <summary>Called right before a store; may throw a <see cref="PoetryCaAuthException"/>, which fails that source only.</summary>
        IDisposable? EnterStore(CodeArtifactRepository repository);

        /// <summary>Called after a successful store, still inside the scope. Must not throw for bookkeeping failures.</summary>
        void Stored(CodeArtifactRepository repository, SecretToken token, DateTimeOffset expiration);
    }
}
