#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser build). On a
# fresh machine where we are root with apt-get, install it; otherwise say what to do.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu) and try again." >&2
exit 1
