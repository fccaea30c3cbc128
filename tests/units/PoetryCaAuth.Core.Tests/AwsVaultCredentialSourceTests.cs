using System;
using System.Linq;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Processes;
using Xunit;

namespace PoetryCaAuth.Core.Tests.Auth
{
    public class AwsVaultCredentialSourceTests
    {
        private const string Json = "{\"Version\":1,\"AccessKeyId\":\"ASIAVAULT\",\"SecretAccessKey\":\"vault-secret-key-0000\",\"SessionToken\":\"vault-session-token-0000\"}";

        private static AuthFakeEnvironment Env(OSKind os = OSKind.Linux)
        {
            var env = new AuthFakeEnvironment(os);
            env.Variables["PATH"] = os == OSKind.Windows ? @"C:\tools;C:\bin" : "/usr/local/bin:/opt/vault/bin";
            env.Files.Add(os == OSKind.Windows ? @"C:\bin\aws-vault.exe" : "/opt/vault/bin/aws-vault");
            return env;
        }

        [Theory]
        [InlineData("v7.2.0", "export --format=json dev")]
        [InlineData("v6.6.2", "exec --json dev")]
        [InlineData("v4.5.0", "exec --json dev")]
        [InlineData("v4.4.0", "exec dev -- env")]
        [InlineData("not a version", "exec dev -- env")]
        public void PrefersTheJsonFormTheVersionHas(string versionOutput, string expected)
        {
            var runner = new ScriptedRunner(spec => spec.Arguments[0] == "--version"
                ? ScriptedRunner.Ok(versionOutput + "\n")
                : ScriptedRunner.Ok(expected.EndsWith("env") ? "HOME=/x\nAWS_ACCESS_KEY_ID=ASIAVAULT\nAWS_SECRET_ACCESS_KEY=vault-secret-key-0000\n" : Json));
            var source = new AwsVaultCredentialSource(Env(), runner);

            VaultCredentials credentials = source.Get("dev");

            Assert.Equal("ASIAVAULT", credentials.AccessKeyId);
            Assert.Equal(expected, string.Join(" ", runner.Runs[1].Arguments));
            Assert.Equal("/opt/vault/bin/aws-vault", runner.Runs[1].FileName);
            // Never nested inside an aws-vault subshell, and always bounded.
            Assert.True(runner.Runs[1].Environment.ContainsKey("AWS_VAULT") && runner.Runs[1].Environment["AWS_VAULT"] == null);
            Assert.Equal(TimeSpan.FromSeconds(180), runner.Runs[1].Timeout);
        }

        [Fact]
        public void FallsBackFormByFormWhenTheBinaryTurnsTheJsonDown()
        {
            var runner = new ScriptedRunner(spec =>
            {
                string args = string.Join(" ", spec.Arguments);
                if (args == "--version") return ScriptedRunner.Ok("", "v7.0.0");
                if (args.StartsWith("export")) return ScriptedRunner.Fail(1, "aws-vault: error: expected command but got \"export\"");
                if (args.Contains("--json")) return ScriptedRunner.Fail(1, "aws-vault: error: unknown long flag '--json'");
                return ScriptedRunner.Ok("AWS_ACCESS_KEY_ID=AKIA1\nAWS_SECRET_ACCESS_KEY=s3cr3t-key-value\nAWS_SECURITY_TOKEN=legacy-token-value\n");
            });

            VaultCredentials credentials = new AwsVaultCredentialSource(Env(), runner).Get("dev");

            Assert.Equal(new[] { "--version", "export --format=json dev", "exec --json dev", "exec dev -- env" },
                runner.Runs.Select(r => string.Join(" ", r.Arguments)));
            Assert.Equal("legacy-token-value", credentials.SessionToken);
        }

        [Fact]
        public void PassesTheMfaCodeAndUsesCmdSetOnWindows()
        {
            var runner = new ScriptedRunner(spec => spec.Arguments[0] == "--version"
                ? ScriptedRunner.Ok("v4.0.0")
                : ScriptedRunner.Ok("AWS_ACCESS_KEY_ID=AKIA1\r\nAWS_SECRET_ACCESS_KEY=secret-value-1\r\n"));

            new AwsVaultCredentialSource(Env(OSKind.Windows), runner) { MfaCode = "123456" }.Get("dev");

            Assert.Equal(@"C:\bin\aws-vault.exe", runner.Runs[1].FileName);
            Assert.Equal("exec --mfa-token=123456 dev -- cmd.exe /d /c set", string.Join(" ", runner.Runs[1].Arguments));
        }

        [Fact]
        public void TakesOnlyTheAwsCredentialValues()
        {
            VaultCredentials? c = AwsVaultCredentialSource.ParseEnvironment(
                "AWS_ACCESS_KEY_ID=AKIA1\nAWS_SECRET_ACCESS_KEY=a=b=c\nAWS_SESSION_TOKEN=\nAWS_REGION=eu-west-1\nPATH=/bin\n");
            Assert.NotNull(c);
            Assert.Equal("a=b=c", c!.SecretAccessKey);
            Assert.Null(c.SessionToken);
            Assert.Null(AwsVaultCredentialSource.ParseEnvironment("PATH=/bin\nAWS_ACCESS_KEY_ID=AKIA1\n"));
            Assert.Null(AwsVaultCredentialSource.ParseJson("{\"Version\":1}"));
            Assert.Null(AwsVaultCredentialSource.ParseJson("not json"));
        }

        [Fact]
        public void ReportsAMissingAwsVault()
        {
            var env = new AuthFakeEnvironment();
            env.Variables["PATH"] = "/usr/bin";
            var e = Assert.Throws<PoetryCaAuthException>(() => new AwsVaultCredentialSource(env, new ScriptedRunner(_ => throw new InvalidOperationException())).Get("dev"));
            Assert.Equal("AwsVaultNotFound", e.ErrorId);
            Assert.Equal(ErrorKind.NotFound, e.Kind);
        }

        [Theory]
        [InlineData("aws-vault: error: exec: Error getting temporary credentials: profile nobody: credentials missing")]
        [InlineData("aws-vault: error: Profile 'nobody' not found in your aws config")]
        public void RecognisesAnUnknownProfile(string stderr)
        {
            var runner = new ScriptedRunner(spec => spec.Arguments[0] == "--version" ? ScriptedRunner.Ok("v7.2.0") : ScriptedRunner.Fail(1, stderr));
            var e = Assert.Throws<PoetryCaAuthException>(() => new AwsVaultCredentialSource(Env(), runner).Get("nobody"));
            Assert.Equal("AwsVaultProfileNotFound", e.ErrorId);
            Assert.Contains("aws-vault add nobody", e.RecommendedAction);
        }

        [Theory]
        [InlineData(null, "aws-vault: error: exec: Failed to get credentials for dev: MFA prompt failed: EOF", "AwsMfaCodeRequired")]
        [InlineData("123456", "aws-vault: error: exec: Failed to get credentials for dev: operation error STS: GetSessionToken, api error AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code.", "AwsMfaCodeRejected")]
        [InlineData("123456", "aws-vault: error: exec: MFA prompt failed: EOF", "AwsVaultFailed")]
        [InlineData(null, "aws-vault: error: keyring is locked", "AwsVaultFailed")]
        public void TellsAMissingOrRejectedMfaCodeApart(string? mfaCode, string stderr, string expectedId)
        {
            var runner = new ScriptedRunner(spec => spec.Arguments[0] == "--version" ? ScriptedRunner.Ok("v7.2.0") : ScriptedRunner.Fail(1, stderr));
            var e = Assert.Throws<PoetryCaAuthException>(() => new AwsVaultCredentialSource(Env(), runner) { MfaCode = mfaCode }.Get("dev"));
            Assert.Equal(expectedId, e.ErrorId);
            Assert.Equal(ErrorKind.Authentication, e.Kind);
            if (expectedId == "AwsMfaCodeRequired") Assert.Contains("-MfaCode", e.RecommendedAction);
        }

        [Fact]
        public void ShowsOtherFailuresWithSecretsMasked()
        {
            var runner = new ScriptedRunner(spec => spec.Arguments[0] == "--version"
                ? ScriptedRunner.Ok("v7.2.0")
                : ScriptedRunner.Fail(2, "keyring locked AWS_SESSION_TOKEN=abcdefghijklmnop \"SecretAccessKey\": \"qwertyuiopasdf\""));
            var e = Assert.Throws<PoetryCaAuthException>(() => new AwsVaultCredentialSource(Env(), runner) { MfaCode = "123456" }.Get("dev"));
            Assert.Equal("AwsVaultFailed", e.ErrorId);
            Assert.Contains("exit code 2", e.Message);
            Assert.DoesNotContain("abcdefghijklmnop", e.Message);
            Assert.DoesNotContain("qwertyuiopasdf", e.Message);
        }

        [Fact]
        public void ReportsATimeoutAndRefusesAnOptionLikeProfileName()
        {
            var runner = new ScriptedRunner(spec => spec.Arguments[0] == "--version" ? ScriptedRunner.Ok("v7.2.0") : new ProcessResult(-1, "", "", true));
            Assert.Equal("AwsVaultTimedOut", Assert.Throws<PoetryCaAuthException>(() => new AwsVaultCredentialSource(Env(), runner).Get("dev")).ErrorId);
            Assert.Equal("AwsProfileNameInvalid", Assert.Throws<PoetryCaAuthException>(() => new AwsVaultCredentialSource(Env(), runner).Get("--help")).ErrorId);
        }

        [Fact]
        public void OutputWithoutKeysIsInvalidAndNotEchoed()
        {
            var runner = new ScriptedRunner(spec => spec.Arguments[0] == "--version" ? ScriptedRunner.Ok("v7.2.0") : ScriptedRunner.Ok("{\"SecretAccessKey\":\"half-a-secret-value\"}"));
            var e = Assert.Throws<PoetryCaAuthException>(() => new AwsVaultCredentialSource(Env(), runner).Get("dev"));
            Assert.Equal("AwsVaultOutputInvalid", e.ErrorId);
            Assert.DoesNotContain("half-a-secret-value", e.Message);
        }
    }
}
