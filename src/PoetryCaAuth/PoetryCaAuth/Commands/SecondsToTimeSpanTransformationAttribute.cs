using System;
using System.Globalization;
using System.Management.Automation;

namespace PoetryCaAuth.Commands
{
    /// <summary>
    /// Lets a TimeSpan parameter take a number of seconds (3600, or '3600'), which PowerShell would otherwise
    /// read as ticks (a number) or days (a string); '01:00:00' and TimeSpan objects pass through unchanged.
    /// </summary>
    internal sealed class SecondsToTimeSpanTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case int i: return TimeSpan.FromSeconds(i);
                case long l: return TimeSpan.FromSeconds(l);
                case double d: return TimeSpan.FromSeconds(d);
                case decimal m: return TimeSpan.FromSeconds((double)m);
                case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds):
                    return TimeSpan.FromSeconds(seconds);
                default: return inputData;
            }
        }
    }
}
