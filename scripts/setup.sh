#!/usr/bin/env bash
# Installs what Banco needs and is missing; skips what is already there.
#   scripts/setup.sh app    # what building and running the desktop app needs
#   scripts/setup.sh bundle # the above, plus tauri-cli (building installers)
#   scripts/setup.sh test   # the above, plus what the tests need
# Debian 12 packages come from apt (as root, or through sudo); Rust tools
# are built with the machine's cargo, pinned to versions that build on it.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-app}

TRUNK_VERSION=0.21.14
TAURI_DRIVER_VERSION=2.1.0
# The tauri-cli of the tauri 2.12 crates in Cargo.lock; builds on rustc 1.95.
TAURI_CLI_VERSION=2.12.4

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(pkg-config build-essential libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev
  librsvg2-dev libsoup-3.0-dev libssl-dev libsecret-1-dev libdbus-1-dev)
if [ "$what" = test ]; then
  packages+=(xvfb webkit2gtk-driver dbus-x11 gnome-keyring imagemagick postgresql-15)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup) first" >&2; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen library in Cargo.lock exactly.
wbg=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]; then
  say "installing wasm-bindgen-cli $wbg"
  # Not --locked: one of its locked dependencies is no longer in the registry.
  cargo install wasm-bindgen-cli --version "$wbg"
fi

# tauri-driver has no --version: ask cargo what it installed.
if [ "$what" = test ] && ! cargo install --list | grep -qx "tauri-driver v$TAURI_DRIVER_VERSION:"; then
  say "installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
fi

# tauri-cli builds the installers (scripts/bundle.sh) and signs updates.
if [ "$what" = test ] || [ "$what" = bundle ]; then
  if [ "$(cargo tauri --version 2>/dev/null | awk '{print $2}')" != "$TAURI_CLI_VERSION" ]; then
    say "installing tauri-cli $TAURI_CLI_VERSION (about 9 minutes, once)"
    cargo install tauri-cli --version "$TAURI_CLI_VERSION" --locked
  fi
fi
