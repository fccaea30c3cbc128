using System.Management.Automation;
using System.Management.Automation.Host;
using System.Runtime.InteropServices;
using PoetryCaAuth.Credentials;
using PoetryCaAuth.Refresh;
using PoetryCaAuth.Targets;

namespace PoetryCaAuth.Commands
{
    /// <summary>Relays Core's narrative, questions and progress to the PowerShell host, on the pipeline thread.</summary>
    internal sealed class CmdletObserver : IRefreshObserver, ICredentialPrompt, IWorkflowCommandWriter
    {
        private readonly PSCmdlet _cmdlet;
        private readonly string _activity;

        public CmdletObserver(PSCmdlet cmdlet, string activity)
        {
            _cmdlet = cmdlet;
            _activity = activity;
        }

        /// <summary>A code given with -MfaCode; used instead of asking.</summary>
        public string? MfaCode { get; set; }

        public void Verbose(string message) => _cmdlet.WriteVerbose(message);

        public void Warning(string message) => _cmdlet.WriteWarning(message);

        public bool ShouldProcess(string target, string action) => _cmdlet.ShouldProcess(target, action);

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

        public string? ReadMfaCode(string profileName, string mfaSerial)
        {
            if (!string.IsNullOrEmpty(MfaCode)) return MfaCode;
            PSHostUserInterface? ui = _cmdlet.Host?.UI;
            if (ui == null) return null;
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
