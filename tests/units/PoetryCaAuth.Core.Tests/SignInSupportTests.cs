using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Platform;
using Xunit;

namespace PoetryCaAuth.Core.Tests.Auth
{
    public class SecretScrubberTests
    {
        [Theory]
        [InlineData("AWS_SECRET_ACCESS_KEY=abc123def456", "AWS_SECRET_ACCESS_KEY=***")]
        [InlineData("export AWS_SESSION_TOKEN='tok/en+=='", "export AWS_SESSION_TOKEN='***'")]
        [InlineData("{\"SecretAccessKey\": \"s3cr3t\", \"AccessKeyId\": \"AKIA1\"}", "{\"SecretAccessKey\": \"***\", \"AccessKeyId\": \"AKIA1\"}")]
        [InlineData("aws_secret_access_key = wJalrXUtnFEMI", "aws_secret_access_key = ***")]
        [InlineData("Authorization: Bearer aoaXYZ0123456789", "Authorization: Bearer ***")]
        [InlineData("nothing secret here", "nothing secret here")]
        public void MasksSecretValues(string text, string expected)
        {
            Assert.Equal(expected, SecretScrubber.Scrub(text));
        }

        [Theory]
        // Free text from a failing credential_process helper: names in other spellings, a URL's query, no separator.
        [InlineData("hint: aws configure set aws_secret_access_key emulatorSecretKey0000000000000000000001", "hint: aws configure set aws_secret_access_key ***")]
        [InlineData("debug: Secret Access Key: emulatorSecretKey0000000000000000000001", "debug: Secret Access Key: ***")]
        [InlineData("GET https://example/?X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE&X-Amz-Credential=AKIAEXAMPLE", "GET https://example/?X-Amz-Security-Token=***&X-Amz-Credential=AKIAEXAMPLE")]
        [InlineData("secret wJalrXUtnFEMI0K7MDENGbPxRfiCYEXAMPLEKEY0 token FwoGZXIvYXdzEXAMPLE1234", "secret *** token ***")]
        [InlineData("password=hunter2 client-secret: abc", "password=*** client-secret: ***")]
        // Shapes without any name: a 40-character secret key, a JWT-like token.
        [InlineData("failed with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in it", "failed with *** in it")]
        [InlineData("got eyJ2ZXIiOjEsImlzdSI6MTcwMDAwMDAwMH0.AAAA_bbbb-cccc.dddd here", "got *** here")]
        // Ordinary words after a name, short values and paths stay readable.
        [InlineData("the SSO token has expired; run aws sso login", "the SSO token has expired; run aws sso login")]
        [InlineData("profile dev: /home/user/.local/bin/granted-credential-process failed", "profile dev: /home/user/.local/bin/granted-credential-process failed")]
        public void MasksSecretsInFreeText(string text, string expected)
        {
            Assert.Equal(expected, SecretScrubber.Scrub(text));
        }

        [Fact]
        public void MasksKnownSecretsButNotShortValues()
        {
            Assert.Equal("token *** and 123456", SecretScrubber.Scrub("token abcdefghij and 123456", new[] { "abcdefghij", "123456", null }));
        }
    }

    /// <summary>Timing tests: kept out of parallel runs, whose sleeping threads would delay the thread pool.</summary>
    [CollectionDefinition("InteractionPump timing", DisableParallelization = true)]
    public class InteractionPumpTimingCollection
    {
    }

    [Collection("InteractionPump timing")]
    public class InteractionPumpTests
    {
        [Fact]
        public void RunsQuestionsOnTheWaitingThread()
        {
            var pump = new InteractionPump();
            int waiting = Environment.CurrentManagedThreadId;
            int asked = -1;

            int answer = pump.Run(() => pump.Invoke(() => { asked = Environment.CurrentManagedThreadId; return 42; }),
                TimeSpan.FromSeconds(10), CancellationToken.None);

            Assert.Equal(42, answer);
            Assert.Equal(waiting, asked);
        }

        [Fact]
        public void TimeSpentAnsweringDoesNotCountAgainstTheTimeout()
        {
            var pump = new InteractionPump();
            int answer = pump.Run(() => pump.Invoke(() => { Thread.Sleep(2500); return 7; }), TimeSpan.FromMilliseconds(1500), CancellationToken.None);
            Assert.Equal(7, answer);
        }

        [Fact]
        public void EndsTheWaitOnTimeoutAndReleasesTheWorker()
        {
            var pump = new InteractionPump();
            var release = new ManualResetEventSlim();
            Exception? workerSaw = null;
            Assert.Throws<TimeoutException>(() => pump.Run(() =>
            {
                release.Wait(TimeSpan.FromSeconds(10));
                try { return pump.Invoke(() => 1); }
                catch (Exception e) { workerSaw = e; return 0; }
            }, TimeSpan.FromMilliseconds(200), CancellationToken.None));
            release.Set();
            SpinWait.SpinUntil(() => workerSaw != null, TimeSpan.FromSeconds(10));
            Assert.IsType<OperationCanceledException>(workerSaw);
        }

        [Fact]
        public void EndsTheWaitOnCancellationAndPassesTheWorkersErrorOn()
        {
            using var cancel = new CancellationTokenSource(200);
            Assert.ThrowsAny<OperationCanceledException>(() => new InteractionPump().Run(() => { Thread.Sleep(3000); return 1; }, TimeSpan.FromMinutes(1), cancel.Token));
            Assert.Throws<InvalidDataException>(() => new InteractionPump().Run<int>(() => throw new InvalidDataException(), TimeSpan.FromMinutes(1), CancellationToken.None));
        }
    }

    public class PowerShellCommandLineTests
    {
        [Theory]
        [InlineData(true, "pwsh", "-NonInteractive", "-File", "x.ps1")]
        [InlineData(true, "pwsh", "-noni", "-c", "Update-PoetryCodeArtifactToken")]
        [InlineData(true, "powershell.exe", "/NonInteractive")]
        [InlineData(false, "pwsh", "-NoProfile")]
        [InlineData(false, "pwsh", "-non")]
        [InlineData(false, "pwsh", "-File", "x.ps1", "-NonInteractive")]
        [InlineData(false, "pwsh", "-c", "pwsh -noni")]
        public void FindsNonInteractiveAmongPowerShellsOwnSwitches(bool expected, params string[] arguments)
        {
            Assert.Equal(expected, PowerShellCommandLine.StartedNonInteractive(arguments));
        }
    }

    public class BrowserLauncherTests
    {
        [Theory]
        [InlineData("file:///etc/passwd")]
        [InlineData("javascript:alert(1)")]
        [InlineData("not a url")]
        public void OpensOnlyHttpAddresses(string url)
        {
            var env = new AuthFakeEnvironment();
            env.Variables["BROWSER"] = "/bin/true";
            Assert.False(new BrowserLauncher(env).TryOpen(url, out string detail));
            Assert.Contains("not an http(s) URL", detail);
        }

        [Fact]
        public void SaysWhyNothingOpenedWithoutAGraphicalSession()
        {
            Assert.False(new BrowserLauncher(new AuthFakeEnvironment()).TryOpen("https://device.sso.us-east-1.amazonaws.com/", out string detail));
            Assert.Equal("there is no graphical session here", detail);
        }
    }

    public class ResolverSelectionTests
    {
        [Fact]
        public void KeepsWhereTheProfileCameFrom()
        {
            var resolver = new AwsCredentialResolver(new AuthFakeEnvironment());
            AuthSelection selection = resolver.Select(null, "acct-b", "-ProfileName table, account key '444455556666'");
            Assert.Equal(AuthMethod.Profile, selection.Method);
            Assert.Equal("-ProfileName table, account key '444455556666'", selection.Reason);
            Assert.Equal("-ProfileName", resolver.Select(null, "dev").Reason);
        }

        [Fact]
        public void VaultAndSsoTakeTheDefaultProfileSettings()
        {
            var env = new AuthFakeEnvironment();
            env.Variables["POETRY_CA_AUTH_METHOD"] = "vault";
            env.Variables["POETRY_CA_DEFAULT_AWS_PROFILE"] = "team";
            AuthSelection selection = new AwsCredentialResolver(env).Select(null, null);
            Assert.Equal(AuthMethod.Vault, selection.Method);
            Assert.Equal("team", selection.ProfileName);
            Assert.Equal("POETRY_CA_DEFAULT_AWS_PROFILE", selection.Reason);
        }

        [Fact]
        public void FollowsProfileFilesThatChangeDuringTheSession()
        {
            // The SDK fixes its config paths at first use; the resolver must read the files the environment names now.
            string root = Path.Combine(Path.GetTempPath(), "pca-unit-" + Guid.NewGuid().ToString("N"));
            try
            {
                AuthFakeEnvironment First() => Files(Path.Combine(root, "a"), "first", "AKIAFIRST000000000001");
                AuthFakeEnvironment Second() => Files(Path.Combine(root, "b"), "second", "AKIASECOND00000000002");

                Assert.Equal("AKIAFIRST000000000001", new AwsCredentialResolver(First()).Resolve(new AuthSelection(AuthMethod.Profile, "first", "test")).IdentityKey);
                Assert.Equal("AKIASECOND00000000002", new AwsCredentialResolver(Second()).Resolve(new AuthSelection(AuthMethod.Profile, "second", "test")).IdentityKey);
                var e = Assert.Throws<PoetryCaAuthException>(() => new AwsCredentialResolver(Second()).Resolve(new AuthSelection(AuthMethod.Profile, "first", "test")));
                Assert.Equal("AwsProfileNotFound", e.ErrorId);
            }
            finally
            {
                if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
            }
        }

        private static AuthFakeEnvironment Files(string folder, string profile, string key)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "credentials"), $"[{profile}]\naws_access_key_id = {key}\naws_secret_access_key = secret-of-{profile}\n");
            File.WriteAllText(Path.Combine(folder, "config"), string.Empty);
            var env = new AuthFakeEnvironment { UseRealFiles = true };
            env.Variables["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(folder, "credentials");
            env.Variables["AWS_CONFIG_FILE"] = Path.Combine(folder, "config");
            env.Variables["HOME"] = folder;
            return env;
        }
    }
}

namespace PoetryCaAuth.Core.Tests.Platform
{
    using System.Collections.Generic;
    using PoetryCaAuth.Platform;
    using Xunit;

    public class CiEnvironmentTests
    {
        [Theory]
        [InlineData("GITHUB_ACTIONS", "true", "GITHUB_ACTIONS")]
        [InlineData("TF_BUILD", "True", "TF_BUILD")]
        [InlineData("GITLAB_CI", "true", "GITLAB_CI")]
        [InlineData("JENKINS_URL", "http://jenkins/", "JENKINS_URL")]
        [InlineData("CI", "true", "CI")]
        [InlineData("CI", "1", "CI")]
        [InlineData("CI", "false", null)]
        [InlineData("CI", "0", null)]
        [InlineData("GITHUB_ACTIONS", "", null)]
        [InlineData("HOME", "/home/me", null)]
        public void RecognisesACiJobByItsVariables(string name, string value, string? expected)
        {
            var variables = new Dictionary<string, string> { [name] = value };
            Assert.Equal(expected, CiEnvironment.Detect(n => variables.TryGetValue(n, out string? v) ? v : null));
        }
    }
}
