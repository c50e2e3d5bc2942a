#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, if any is
# missing. Used by `make test` and .ci/run so a fresh machine needs nothing
# done by hand. Needs root (or sudo) only when something is missing.
set -euo pipefail

pkgs=(
  # Fyne's GLFW/OpenGL build (cgo)
  gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev
  # the real OS keyring for the end-to-end tests: Secret Service on a private D-Bus
  dbus gnome-keyring
  # the stand-in browser of the end-to-end tests follows URLs with curl
  curl ca-certificates
  # GUI smoke test under a virtual display, with screenshots
  xvfb xauth xdotool imagemagick libgl1-mesa-dri
  # real mail servers for the integration suite (make integration)
  dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix
  # the README's recipes for other mail programs, proved against them
  # (msmtp, NeoMutt, mbsync with the Cyrus XOAUTH2 plugin)
  msmtp neomutt isync libsasl2-modules-kdexoauth2
  # the Windows build (make windows) and its smoke test under Wine
  gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 osslsigncode openssl wine wine64 file binutils
  # the MSI (wixl, msiinfo) and the portable zip
  wixl msitools zip unzip
)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "install-deps: need root to install: ${missing[*]}" >&2; exit 3
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure the system's own mail; we run our own
# instances only.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
