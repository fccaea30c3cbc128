#!/usr/bin/env bash
# One-time set-up for building, testing and the demo: Poetry (Debian's python3-poetry) and the local
# dotnet tools (PowerShell 7.6). Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v poetry >/dev/null 2>&1; then
  echo "Installing Poetry (python3-poetry) with apt-get..."
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-poetry >/dev/null
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is required (the CodeArtifact emulator runs on it)." >&2; exit 1; }

dotnet tool restore >/dev/null
echo "Set-up done: $(poetry --version), PowerShell $(dotnet pwsh -NoProfile -Command '$PSVersionTable.PSVersion.ToString()')"
