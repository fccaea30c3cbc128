using System;

namespace PoetryCaAuth.Model
{
    /// <summary>What Update-PoetryCodeArtifactToken did for one source.</summary>
    public enum RefreshAction
    {
        Stored,
        Skipped,
        WhatIf,
        Failed,
    }

    /// <summary>One source's outcome. Deliberately carries no token.</summary>
    public sealed class TokenRefreshResult
    {
        public string Name { get; set; } = string.Empty;
        public string Domain { get; set; } = string.Empty;
        public string DomainOwner { get; set; } = string.Empty;
        public string Region { get; set; } = string.Empty;
        public string Repository { get; set; } = string.Empty;
        public DateTimeOffset? Expiration { get; set; }
        public RefreshAction Action { get; set; }
        public string Target { get; set; } = "Poetry";
        public string Identity { get; set; } = string.Empty;
        public string Message { get; set; } = string.Empty;
    }
}
