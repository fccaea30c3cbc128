using System.Management.Automation;

namespace OneCmdletModule
{
    /// <summary>The only cmdlet of the reference module; it exists so that Import-Module has a cmdlet to register.</summary>
    [Cmdlet(VerbsCommon.Get, "OneCmdlet")]
    [OutputType(typeof(string))]
    public sealed class GetOneCmdletCommand : PSCmdlet
    {
        [Parameter(Position = 0)]
        public string Name { get; set; }

        protected override void ProcessRecord() => WriteObject(Name);
    }
}
