#!/usr/bin/env bash
# gui-smoke.sh OUTDIR: the real binary under Xvfb with 300 accounts imported
# and checked against the sandbox (one shared sign-in; every tenth account
# with a closed IMAP port is red, every tenth signed in as nobody is yellow).
# Takes screenshots (list, filtered list, detail of a red account, the
# wizard's step list; in the demo the App registration dialog's check and
# the wizard's "create the app registration for me" up to three green
# lights with the new app), fails on a blank window or missing lights, and
# measures cold start to the first frame and memory (RSS) with 3, 50 and
# 300 accounts against a minimal Fyne window, plus the UI update latency
# the window logs; checks that the window comes back where it was closed
# (X11). Used by `make gui-smoke` (part of `make test`).
set -euo pipefail
out=${1:-assets/screenshots}
mkdir -p "$out"
for c in xvfb-run xdotool import curl python3 dbus-run-session gnome-keyring-daemon; do
  command -v "$c" >/dev/null || { echo "gui-smoke: $c missing (scripts/install-deps.sh installs it)" >&2; exit 3; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/mailoauth" ./cmd/mailoauth
go build -o "$work/minwin" ./scripts/minwin
export WORK=$work OUT=$(cd "$out" && pwd) SMOKEBIN="$(pwd)/scripts/smoke-bin"
# The OS keyring (a private GNOME Keyring) and a display of 1280×800.
scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" bash scripts/gui-smoke-run.sh
