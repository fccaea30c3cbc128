using System;
using System.Diagnostics;

namespace PoetryCaAuth.Platform
{
    /// <summary>Opens a sign-in page for the user; a seam so tests never start a real browser.</summary>
    public interface IBrowserLauncher
    {
        /// <summary>Tries to open <paramref name="url"/>; returns false (with the reason) where the platform cannot.</summary>
        bool TryOpen(string url, out string detail);
    }

    /// <summary>
    /// Opens a URL the way the AWS CLI does (through Python's webbrowser): the BROWSER variable when set,
    /// otherwise the platform's opener — the shell on Windows, 'open' on macOS, 'xdg-open' on Linux when a
    /// graphical session (DISPLAY or WAYLAND_DISPLAY) exists. Only http and https URLs are opened: the URL
    /// comes from a server's answer and must not start anything else. The browser is never waited for.
    /// </summary>
    public sealed class BrowserLauncher : IBrowserLauncher
    {
        private readonly HostEnvironment _env;

        public BrowserLauncher(HostEnvironment env)
        {
            _env = env;
        }

        public bool TryOpen(string url, out string detail)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                detail = "the sign-in address is not an http(s) URL, so it was not opened";
                return false;
            }

            string? browser = _env.GetVariable("BROWSER");
            try
            {
                if (browser != null)
                {
                    // Python's webbrowser treats BROWSER as a list of commands; the first one is tried here.
                    string command = browser.Split(_env.PathListSeparator)[0].Trim();
                    if (command.Length > 0 && !command.Equals("none", StringComparison.OrdinalIgnoreCase))
                    {
                        Start(command, uri.AbsoluteUri, shell: false);
                        detail = "opened with $BROWSER";
                        return true;
                    }

                    detail = "BROWSER is set to none";
                    return false;
                }

                switch (_env.OS)
                {
                    case OSKind.Windows:
                        Start(uri.AbsoluteUri, null, shell: true);
                        detail = "opened in the default browser";
                        return true;
                    case OSKind.MacOS:
                        Start("open", uri.AbsoluteUri, shell: false);
                        detail = "opened in the default browser";
                        return true;
                    default:
                        if (_env.GetVariable("DISPLAY") == null && _env.GetVariable("WAYLAND_DISPLAY") == null)
                        {
                            detail = "there is no graphical session here";
                            return false;
                        }

                        Start("xdg-open", uri.AbsoluteUri, shell: false);
                        detail = "opened with xdg-open";
                        return true;
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException ||
                                      e is System.IO.FileNotFoundException)
            {
                detail = "the browser could not be started (" + e.Message + ")";
                return false;
            }
        }

        private static void Start(string fileName, string? argument, bool shell)
        {
            var startInfo = new ProcessStartInfo
            {
                FileName = fileName,
                UseShellExecute = shell,
                CreateNoWindow = true,
            };
            if (!shell)
            {
                startInfo.Arguments = Processes.CommandLine.Join(new[] { argument! });
                // A browser's chatter must not reach the PowerShell console; the pipes are drained and dropped.
                startInfo.RedirectStandardOutput = true;
                startInfo.RedirectStandardError = true;
                startInfo.RedirectStandardInput = true;
            }

            var process = Process.Start(startInfo);
            if (process == null) return;
            if (!shell)
            {
                process.StandardInput.Close();
                process.OutputDataReceived += (_, __) => { };
                process.ErrorDataReceived += (_, __) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }
        }
    }
}
