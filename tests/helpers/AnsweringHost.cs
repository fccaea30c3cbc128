// A PowerShell host for tests that plays an interactive user: it answers hidden reads with a fixed text and
// records everything written to it, so a test can check what was asked and that the answer was read hidden.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace PoetryCaAuthTests
{
    public sealed class AnsweringHost : PSHost
    {
        private readonly AnsweringHostUI _ui;
        private readonly Guid _id = Guid.NewGuid();

        public AnsweringHost(string secureAnswer)
        {
            _ui = new AnsweringHostUI(secureAnswer);
        }

        public AnsweringHostUI Answers => _ui;
        public override string Name => "PoetryCaAuthTestHost";
        public override Version Version => new Version(1, 0);
        public override Guid InstanceId => _id;
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }

    public sealed class AnsweringHostUI : PSHostUserInterface
    {
        private readonly string _secureAnswer;

        public AnsweringHostUI(string secureAnswer)
        {
            _secureAnswer = secureAnswer;
        }

        public List<string> Written { get; } = new List<string>();
        public int SecureReads { get; private set; }
        public int PlainReads { get; private set; }

        public override PSHostRawUserInterface RawUI => null!;

        public override string ReadLine()
        {
            PlainReads++;
            return string.Empty;
        }

        public override SecureString ReadLineAsSecureString()
        {
            SecureReads++;
            var secure = new SecureString();
            foreach (char c in _secureAnswer) secure.AppendChar(c);
            return secure;
        }

        public override void Write(string value) => Written.Add(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Written.Add(value);
        public override void WriteLine(string value) => Written.Add(value);
        public override void WriteErrorLine(string value) => Written.Add(value);
        public override void WriteDebugLine(string message) => Written.Add(message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) => Written.Add(message);
        public override void WriteWarningLine(string message) => Written.Add(message);

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw new NotSupportedException();
    }
}
