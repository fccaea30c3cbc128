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

        /// <summary>Replaces every occurrence of the token in <paramref name="text"/> with ***.</summary>
        public string Mask(string? text) =>
            string.IsNullOrEmpty(text) || _value.Length == 0 ? text ?? string.Empty : text!.Replace(_value, "***");

        public override string ToString() => "***";
    }
}
