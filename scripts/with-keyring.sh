#!/usr/bin/env bash
# with-keyring.sh [--locked] CMD [ARGS...]
#
# Runs CMD inside a private D-Bus session with its own GNOME Keyring (Secret
# Service), in a fresh keyring folder, so tests use the real OS keyring
# without touching the user's. Without --locked the keyring is created and
# unlocked with a random password; with --locked the daemon runs but nothing
# is unlocked (to test what users see then). Exit code: CMD's, or 3 when
# dbus-run-session or gnome-keyring-daemon is missing.
set -euo pipefail

mode=unlocked
if [ "${1:-}" = "--locked" ]; then mode=locked; shift; fi
if [ $# -eq 0 ]; then echo "usage: $0 [--locked] CMD [ARGS...]" >&2; exit 3; fi
for c in dbus-run-session gnome-keyring-daemon dbus-send; do
  if ! command -v "$c" >/dev/null; then
    echo "with-keyring: $c is missing; install it with: apt-get install dbus gnome-keyring" >&2
    exit 3
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data" "$tmp/runtime" "$tmp/config"
chmod 700 "$tmp/runtime"
# Keep Go's caches where they are: only the keyring folders move.
if command -v go >/dev/null; then
  export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"
fi
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" XDG_CONFIG_HOME="$tmp/config"
export MAILOAUTH_KEYRING_MODE=$mode
export MAILOAUTH_KEYRING_PW="$(head -c 18 /dev/urandom | base64)"

exec dbus-run-session -- bash -c '
  set -euo pipefail
  if [ "$MAILOAUTH_KEYRING_MODE" = unlocked ]; then
    printf %s "$MAILOAUTH_KEYRING_PW" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  else
    gnome-keyring-daemon --start --components=secrets >/dev/null
  fi
  unset MAILOAUTH_KEYRING_PW
  for i in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
      break
    fi
    sleep 0.1
  done
  "$@"
' with-keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
