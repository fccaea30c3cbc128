using System;

namespace PoetryCaAuth.Model
{
    /// <summary>
    /// A CodeArtifact authorization token. The value leaves this object only through <see cref="Reveal"/>,
    /// so that formatting, logging or serialising the object can never print it.
    /// </summary>
    public sealed class SecretToken
    {
        private readonly string _value;

        public SecretToken(string value)
        {
            _value = value ?? throw new ArgumentNullException(nameof(value));
        }

        public int Length => _value.Length;

        public string Reveal() => _value;

        // Runs of the token's alphabet long enough that a match cannot be chance.
        private static readonly System.Text.RegularExpressions.Regex TokenLikeRun =
            new System.Text.RegularExpressions.Regex("[A-Za-z0-9_.-]{" + MinimumFragment + ",}");

        private const int MinimumFragment = 16;

        /// <summary>
        /// Replaces the token, and any long fragment of it (a tool may print a prefix or a truncated form), in
        /// <paramref name="text"/> with ***.
        /// </summary>
        public string Mask(string? text)
        {
            if (string.IsNullOrEmpty(text) || _value.Length == 0) return text ?? string.Empty;
            string masked = text!.Replace(_value, "***");
            return TokenLikeRun.Replace(masked, m => ContainsFragment(m.Value) ? "***" : m.Value);
        }

        private bool ContainsFragment(string run)
        {
            // Any MinimumFragment-long window of the run that occurs in the token betrays part of it.
            for (int i = 0; i + MinimumFragment <= run.Length; i++)
            {
                if (_value.IndexOf(run.Substring(i, MinimumFragment), StringComparison.Ordinal) >= 0) return true;
            }

            return false;
        }

        public override string ToString() => "***";
    }
}
