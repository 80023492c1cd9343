#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through playwright-core (which cannot download
# browsers here), and their screenshots need a Japanese font. Install what is missing, the way
# .ci/run does, so `npm test` stays the one command on a fresh Debian machine; elsewhere, say
# exactly what to install.
set -euo pipefail
packages=()
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then packages+=(chromium); fi
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja 2>/dev/null)" ]; then packages+=(fonts-noto-cjk); fi
if ! command -v fc-list >/dev/null 2>&1 && [ ${#packages[@]} -gt 0 ]; then packages+=(fonts-noto-cjk); fi
[ ${#packages[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  if [ "$SUDO" != "none" ]; then
    echo "Installing ${packages[*]} for the browser tests..." >&2
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    exit 0
  fi
fi
if [[ " ${packages[*]} " == *" chromium "* ]]; then
  echo "The browser tests need Chromium: install Debian's package 'chromium' (apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH." >&2
  exit 1
fi
echo "Note: no Japanese font found; browser screenshots will show boxes (install fonts-noto-cjk)." >&2
