#!/usr/bin/env bash
# Banco's installer size, start time and idle memory against a bare Tauri 2 +
# Yew app (benches/bare-app), both built here the same way and measured in
# the same run; prints the Markdown table that BENCHMARKS.md keeps.
#   ./scripts/bench-desktop.sh [--runs N] [--idle SECONDS]
# Not part of the tests (.ci/run): timings belong in benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PATH"
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)

# Banco: the UI, the release binary serving it, the .deb (no update key).
env -u TAURI_SIGNING_PRIVATE_KEY scripts/bundle.sh >/dev/null

# The bare app: this workspace's Cargo.lock (the same crate versions),
# the same target folder and release profile, its installer by tauri-cli.
cp Cargo.lock benches/bare-app/Cargo.lock
(cd benches/bare-app/ui && CARGO_TARGET_DIR="$root/target" TRUNK_SKIP_VERSION_CHECK=true trunk build --release)
(cd benches/bare-app && CARGO_TARGET_DIR="$root/target" cargo tauri build --bundles deb >/dev/null)

display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
sleep 1
DISPLAY=$display NO_AT_BRIDGE=1 dbus-run-session -- cargo bench -p banco-e2e --bench desktop -- \
  --banco "$root/target/release/banco-app" --bare "$root/target/release/bare-app" \
  --banco-deb "$root/target/release/bundle/deb/Banco_${version}_amd64.deb" \
  --bare-deb "$root/target/release/bundle/deb/bare-app_0.1.0_amd64.deb" "$@" 2>&1 \
  | grep -v -e '^dbus-daemon' -e 'SpiRegistry'
