#!/usr/bin/env bash
# The browser of the report's test (recall/tests/test_report.py): Debian's
# chromium, driven headless by playwright (requirements.txt) through
# executable_path, so playwright never downloads a browser of its own.
# Installs the package when the machine has none; prints the version.
# Safe to re-run. Needs root (or sudo) for apt-get.
set -euo pipefail

browser=${RECALL_CHROMIUM:-/usr/bin/chromium}
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi

if [ ! -x "$browser" ]; then
    echo "setup_chromium: installing chromium (apt-get)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
if [ ! -x "$browser" ]; then
    echo "setup_chromium: $browser not found after installing chromium" >&2
    exit 1
fi
# Debian's launcher script warns on stderr on some machines; the version line
# is on stdout.
echo "setup_chromium: $("$browser" --version 2>/dev/null)"
