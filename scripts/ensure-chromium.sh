#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (which cannot download
# browsers here). Install it when it is missing, the way .ci/run does, so `npm test` stays the
# one command on a fresh Debian machine; elsewhere, say exactly what to install.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  if [ "$SUDO" != "none" ]; then
    echo "Installing Debian's chromium for the browser tests..." >&2
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    exit 0
  fi
fi
echo "The browser tests need Chromium at /usr/bin/chromium: install Debian's package 'chromium' (apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
