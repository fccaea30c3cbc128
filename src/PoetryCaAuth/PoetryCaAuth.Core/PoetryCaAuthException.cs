using System;

namespace PoetryCaAuth
{
    /// <summary>What went wrong, in terms the cmdlets map to an error id and category.</summary>
    public enum ErrorKind
    {
        InvalidArgument,
        NotFound,
        InvalidData,
        Authentication,
        PermissionDenied,
        Connection,
        Timeout,
        Throttled,
        ServiceError,
        PoetryNotFound,
        PoetryFailed,
        PoetryKeyringTooSmall,
        LockTimeout,
        Cancelled,
    }

    /// <summary>
    /// The one exception type Core throws for expected failures. Its message never carries a secret:
    /// callers mask tokens before building it.
    /// </summary>
    public sealed class PoetryCaAuthException : Exception
    {
        public PoetryCaAuthException(ErrorKind kind, string errorId, string message, object? target = null,
            string? recommendedAction = null, Exception? inner = null)
            : base(message, inner)
        {
            Kind = kind;
            ErrorId = errorId;
            Target = target;
            RecommendedAction = recommendedAction;
        }

        public ErrorKind Kind { get; }

        /// <summary>Stable PascalCase id, used as the first part of the FullyQualifiedErrorId.</summary>
        public string ErrorId { get; }

        public object? Target { get; }

        public string? RecommendedAction { get; }
    }
}
