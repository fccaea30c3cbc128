using System;

namespace PoetryCaAuth.Platform
{
    /// <summary>
    /// Recognises a CI job by the variables CI services set. A job's shell is usually not started with
    /// -NonInteractive (GitHub Actions' `shell: pwsh`, Azure Pipelines' PowerShell task), yet nobody is there to
    /// approve a browser sign-in or type an MFA code, so asking would only wait until the timeout.
    /// </summary>
    public static class CiEnvironment
    {
        // Set by the services themselves (not by users), each to a non-empty value.
        private static readonly string[] ServiceVariables =
        {
            "GITHUB_ACTIONS", "TF_BUILD", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "CODEBUILD_BUILD_ID", "TEAMCITY_VERSION",
            "CIRCLECI", "BITBUCKET_BUILD_NUMBER", "APPVEYOR", "TRAVIS", "DRONE",
        };

        /// <summary>The variable that marks this process as a CI job, or null.</summary>
        public static string? Detect(Func<string, string?> getVariable)
        {
            foreach (string name in ServiceVariables)
            {
                if (!string.IsNullOrEmpty(getVariable(name))) return name;
            }

            // The generic marker most services also set; "false" or "0" turns it off.
            string? ci = getVariable("CI");
            return ci != null && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1") ? "CI" : null;
        }
    }
}
