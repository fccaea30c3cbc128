using System.Management.Automation;
using System.Management.Automation.Host;
using System.Runtime.InteropServices;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Platform;
using PoetryCaAuth.Refresh;
using PoetryCaAuth.Targets;

namespace PoetryCaAuth.Commands
{
    /// <summary>Relays Core's narrative, questions and progress to the PowerShell host, on the pipeline thread.</summary>
    internal sealed class CmdletObserver : IRefreshObserver, ISignInPrompt, IWorkflowCommandWriter
    {
        private readonly PSCmdlet _cmdlet;
        private readonly string _activity;

        public CmdletObserver(PSCmdlet cmdlet, string activity)
        {
            _cmdlet = cmdlet;
            _activity = activity;
        }

        public void Verbose(string message) => _cmdlet.WriteVerbose(message);

        public void Warning(string message) => _cmdlet.WriteWarning(message);

        /// <summary>False for cmdlets that write nothing (Get-CodeArtifactAuthorizationToken): nothing to confirm.</summary>
        public bool ConfirmWrites { get; set; } = true;

        public bool ShouldProcess(string target, string action) => !ConfirmWrites || _cmdlet.ShouldProcess(target, action);

        public void Progress(int completed, int total, string status)
        {
            if (total < 2) return; // one source: a bar would only flicker
            var record = new ProgressRecord(1, _activity, status)
            {
                PercentComplete = total == 0 ? 100 : completed * 100 / total,
            };
            if (completed >= total) record.RecordType = ProgressRecordType.Completed;
            _cmdlet.WriteProgress(record);
        }

        /// <summary>
        /// Workflow commands must reach the process's standard output, where the CI runner reads them, and not
        /// PowerShell's output stream (which a caller may capture or discard): so they go through the host.
        /// </summary>
        public void WriteCommand(string line)
        {
            PSHostUserInterface? ui = _cmdlet.Host?.UI;
            if (ui != null)
            {
                try
                {
                    ui.WriteLine(line);
                    return;
                }
                catch (System.NotImplementedException)
                {
                    // A host without a console: fall back to the process's own standard output.
                }
            }

            System.Console.Out.WriteLine(line);
            System.Console.Out.Flush();
        }
        /// Whether a person can answer: not in 'pwsh -NonInteractive' (nor powershell.exe -NonInteractive), and
        /// not in a host without a user interface (the PowerShell SDK's default host).
        /// </summary>
        /// <summary>Profile-script mode (-Quiet): never ask anything, never start a sign-in that needs a person.</summary>
        public bool Quiet { get; set; }

        public bool CanPrompt => WhyNoPrompt == null;

        public string? WhyNoPrompt
        {
            get
            {
                if (Quiet) return "-Quiet never asks";
                if (_cmdlet.Host?.UI == null || _cmdlet.Host.Name == "Default Host") return "this PowerShell host has no user interface";
                if (IsConsoleHost && PowerShellCommandLine.StartedNonInteractive(System.Environment.GetCommandLineArgs()))
                {
                    return "the session is non-interactive";
                }

                string? ci = CiEnvironment.Detect(System.Environment.GetEnvironmentVariable);
                return ci != null ? $"this is a CI job ({ci} is set), where nobody can answer" : null;
            }
        }

        // -NonInteractive configures the console host only; other hosts (remoting, editors, custom) answer for themselves.
        private bool IsConsoleHost => _cmdlet.Host?.Name == "ConsoleHost";

        /// <summary>Written like Write-Host: shown by the host whatever $InformationPreference says, and capturable as stream 6.</summary>
        public void Notify(string message) =>
            _cmdlet.WriteInformation(new HostInformationMessage { Message = message }, new[] { "PSHOST" });

        public string? ReadMfaCode(string profileName, string mfaSerial)
        {
            PSHostUserInterface? ui = _cmdlet.Host?.UI;
            // The console host cannot read hidden input from a redirected stdin (pwsh ends the script instead).
            if (ui == null || !CanPrompt || (IsConsoleHost && System.Console.IsInputRedirected)) return null;
            try
            {
                ui.Write($"MFA code for {mfaSerial} (AWS profile '{profileName}'): ");
                using var secure = ui.ReadLineAsSecureString();
                System.IntPtr pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
                try
                {
                    string code = Marshal.PtrToStringUni(pointer) ?? string.Empty;
                    return code.Trim().Length == 0 ? null : code.Trim();
                }
                finally
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
            catch (PSInvalidOperationException)
            {
                // -NonInteractive sessions refuse to read; the caller turns null into a clear error.
                return null;
            }
            catch (System.NotImplementedException)
            {
                return null;
            }
        }
    }
}
