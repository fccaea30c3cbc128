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
    /// <summary>
    /// Completes -Name with the CodeArtifact source names of the current project (or of the project that
    /// -Path names, within -Scope when given). Reads local files only; never throws.
    /// </summary>
    public sealed class PoetrySourceNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            List<string> names;
            try
            {
                string location = CurrentLocation();
                if (fakeBoundParameters?["Path"] is string path && path.Length > 0 && !path.Contains("$"))
                {
                    location = System.IO.Path.Combine(location, path);
                }

                DiscoveryScope scope = DiscoveryScope.All;
                if (fakeBoundParameters?["Scope"] is object scopeValue &&
                    Enum.TryParse(scopeValue.ToString(), ignoreCase: true, out DiscoveryScope parsed))
                {
                    scope = parsed;
                }

                names = new RepositoryDiscovery(HostEnvironment.Current).Discover(location, scope)
                    .Repositories.Select(r => r.Name).ToList();
            }
            catch (Exception)
            {
                // A malformed pyproject.toml or an unreadable folder: no suggestions rather than a broken Tab key.
                return Array.Empty<CompletionResult>();
            }

            var given = new HashSet<string>(AlreadyGiven(commandAst, parameterName, wordToComplete), StringComparer.OrdinalIgnoreCase);
            return CompletionHelper.Complete(names.Where(n => !given.Contains(n)), wordToComplete).ToList();
        }

        /// <summary>
        /// The other names of a list being typed (-Name a,b,&lt;Tab&gt;): offering them again would only make a
        /// duplicate. The element being completed is the one equal to wordToComplete, and it stays offered.
        /// </summary>
        private static IEnumerable<string> AlreadyGiven(CommandAst? commandAst, string parameterName, string wordToComplete)
        {
            if (commandAst == null) yield break;
            var elements = commandAst.CommandElements;
            for (int i = 0; i < elements.Count - 1; i++)
            {
                if (!(elements[i] is CommandParameterAst parameter) || parameter.Argument != null ||
                    !parameterName.StartsWith(parameter.ParameterName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                bool skippedCurrent = false;
                foreach (Ast element in ListElements(elements[i + 1]))
                {
                    if (!(element is StringConstantExpressionAst text)) continue;
                    if (!skippedCurrent && string.Equals(text.Value, wordToComplete.Trim('\'', '"'), StringComparison.Ordinal))
                    {
                        skippedCurrent = true;
                        continue;
                    }

                    yield return text.Value;
                }
            }
        }

        // "a,b" parses as a list; "a," (the comma just typed) as an error expression holding what came before it.
        private static IEnumerable<Ast> ListElements(Ast argument)
        {
            switch (argument)
            {
                case ArrayLiteralAst list:
                    return list.Elements;
                case ErrorExpressionAst error when error.NestedAst != null:
                    return error.NestedAst.SelectMany(nested => nested is ArrayLiteralAst inner ? inner.Elements : (IEnumerable<Ast>)new[] { nested });
                default:
                    return Array.Empty<Ast>();
            }
        }

        /// <summary>The runspace's current FileSystem location, which a completer cannot get from a cmdlet.</summary>
        private static string CurrentLocation()
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

    internal static class CompletionHelper
    {
        private static readonly char[] NeedsQuotes = { ' ', '\t', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#', '|', '<', '>' };

        /// <summary>Trim quotes, match the prefix case-insensitively, quote names that need it.</summary>
        public static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string wordToComplete,
            Func<string, string>? tooltip = null, bool caseSensitiveDistinct = false)
        {
            string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            var pattern = WildcardPattern.Get(WildcardPattern.Escape(word) + "*", WildcardOptions.IgnoreCase);
            StringComparer distinct = caseSensitiveDistinct ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
            foreach (string candidate in candidates.Distinct(distinct).OrderBy(c => c, StringComparer.OrdinalIgnoreCase))
            {
                if (!pattern.IsMatch(candidate)) continue;
                bool needsQuotes = candidate.IndexOfAny(NeedsQuotes) >= 0;
                string text = needsQuotes ? "'" + candidate.Replace("'", "''") + "'" : candidate;
                yield return new CompletionResult(text, candidate, CompletionResultType.ParameterValue, tooltip?.Invoke(candidate) ?? candidate);
            }
        }
    }
}
