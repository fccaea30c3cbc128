using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Completers
{
    /// <summary>
    /// Completes -ProfileName with the profiles of the shared AWS config and credentials files (honouring
    /// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE). Reads section headers only; never throws.
    /// </summary>
    public sealed class AwsProfileNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IReadOnlyList<AwsProfileEntry> entries;
            try
            {
                entries = AwsProfileNames.List(HostEnvironment.Current);
            }
            catch (Exception)
            {
                // A completer that throws breaks the user's Tab key; no suggestions is the better answer.
                return Array.Empty<CompletionResult>();
            }

            // The tooltip says where the profile is defined: helpful when config and credentials disagree.
            var tooltips = entries.ToDictionary(e => e.Name, e => $"AWS profile '{e.Name}' ({e.Path})", StringComparer.Ordinal);
            return CompletionHelper.Complete(entries.Select(e => e.Name), wordToComplete, name => tooltips[name],
                caseSensitiveDistinct: true).ToList();
        }
    }
}
