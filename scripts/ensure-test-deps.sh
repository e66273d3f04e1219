#!/usr/bin/env bash
# The tests drive real clients from Debian: Chromium for the browser tests (never a
# downloaded browser build), mbsync (isync) for the mail sync test and rclone for the
# drive's WebDAV test, and nextcloudcmd (Nextcloud's sync client) for the drive's sync
# test. On a fresh
# machine where we are root with apt-get, install them; otherwise say what to do.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/mbsync ] || missing+=(isync)
[ -x /usr/bin/rclone ] || missing+=(rclone)
[ -x /usr/bin/nextcloudcmd ] || missing+=(nextcloud-desktop-cmd)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need Debian's ${missing[*]}: run 'sudo apt-get install ${missing[*]}' and try again." >&2
exit 1
