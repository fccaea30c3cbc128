using System;
using System.Management.Automation;

namespace PoetryCaAuth
{
    /// <summary>The one place where Core's failures become PowerShell ErrorRecords.</summary>
    internal static class ErrorRecords
    {
        public static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
        {
            ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.Authentication => ErrorCategory.AuthenticationError,
            ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            ErrorKind.Connection => ErrorCategory.ConnectionError,
            ErrorKind.Timeout => ErrorCategory.OperationTimeout,
            ErrorKind.Throttled => ErrorCategory.LimitsExceeded,
            ErrorKind.ServiceError => ErrorCategory.InvalidResult,
            ErrorKind.PoetryNotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.PoetryFailed => ErrorCategory.WriteError,
            ErrorKind.PoetryKeyringTooSmall => ErrorCategory.WriteError,
            ErrorKind.LockTimeout => ErrorCategory.ResourceBusy,
            ErrorKind.Cancelled => ErrorCategory.OperationStopped,
            _ => ErrorCategory.InvalidOperation,
        };

        public static ErrorRecord From(PoetryCaAuthException e, object? targetOverride = null)
        {
            var record = new ErrorRecord(e, e.ErrorId, CategoryOf(e.Kind), targetOverride ?? e.Target)
            {
                ErrorDetails = new ErrorDetails(e.Message),
            };
            if (e.RecommendedAction != null)
            {
                record.ErrorDetails.RecommendedAction = e.RecommendedAction;
            }

            return record;
        }

        /// <summary>Message and recommended action as one line, for -Quiet warnings.</summary>
        public static string OneLine(PoetryCaAuthException error)
        {
            string message = error.Message.Trim();
            if (error.RecommendedAction != null)
            {
                // Keep the two sentences apart even when the message (often an SDK's text) ends without a full stop.
                message = message.TrimEnd() + (message.EndsWith(".") || message.EndsWith("!") || message.EndsWith("?") ? " " : ". ") +
                          error.RecommendedAction.Trim();
            }

            return System.Text.RegularExpressions.Regex.Replace(message, @"\s+", " ");
        }

        public static ErrorRecord Create(string id, ErrorCategory category, object? target, string message, string? action = null)
        {
            var record = new ErrorRecord(new InvalidOperationException(message), id, category, target)
            {
                ErrorDetails = new ErrorDetails(message),
            };
            if (action != null) record.ErrorDetails.RecommendedAction = action;
            return record;
        }
    }
}
