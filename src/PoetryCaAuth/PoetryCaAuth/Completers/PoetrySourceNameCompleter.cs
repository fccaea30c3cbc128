using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PoetryCaAuth.Discovery;
using PoetryCaAuth.Platform;

namespace PoetryCaAuth.Completers
{
    /// <summary>Completes -Name with the CodeArtifact source names of the current project. Reads local files only; never throws.</summary>
    public sealed class PoetrySourceNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            List<string> names;
            try
            {
                string location = new SessionStateProxyLocation().Current;
                names = new RepositoryDiscovery(HostEnvironment.Current).Discover(location, DiscoveryScope.All)
                    .Repositories.Select(r => r.Name).ToList();
            }
            catch (Exception)
            {
                yield break;
            }

            foreach (CompletionResult result in CompletionHelper.Complete(names, wordToComplete))
            {
                yield return result;
            }
        }

        /// <summary>The PowerShell runspace's current location, which completers cannot get from a cmdlet.</summary>
        private sealed class SessionStateProxyLocation
        {
            public string Current
            {
                get
                {
                    using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
                    ps.AddCommand("Get-Location");
                    foreach (PSObject item in ps.Invoke())
                    {
                        if (item.BaseObject is PathInfo path && path.Provider.Name == "FileSystem") return path.ProviderPath;
                    }

                    return Environment.CurrentDirectory;
                }
            }
        }
    }

    internal static class CompletionHelper
    {
        /// <summary>Trim quotes, match the prefix case-insensitively, quote names that need it.</summary>
        public static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string wordToComplete)
        {
            string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
            foreach (string candidate in candidates.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(c => c, StringComparer.OrdinalIgnoreCase))
            {
                if (!pattern.IsMatch(candidate)) continue;
                bool needsQuotes = candidate.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#' }) >= 0;
                string text = needsQuotes ? "'" + candidate.Replace("'", "''") + "'" : candidate;
                yield return new CompletionResult(text, candidate, CompletionResultType.ParameterValue, candidate);
            }
        }
    }
}
