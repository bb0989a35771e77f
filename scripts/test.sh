#!/usr/bin/env bash
# Installs what is missing and runs every test:
#   1. formatting and lints (cargo fmt --check, clippy -D warnings);
#   2. the core's unit and integration tests, every store test on SQLite and
#      on a throwaway PostgreSQL 15 started here on loopback and removed after;
#   3. the end-to-end test of the real window (UI built by trunk, app built
#      with custom-protocol, driven by tauri-driver under Xvfb + D-Bus).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# A one-off build gains nothing from incremental data (gigabytes of it).
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "building the UI (trunk): the app embeds ui/dist"
(cd ui && TRUNK_SKIP_VERSION_CHECK=true trunk build --release)

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --features banco-app/custom-protocol -- -D warnings

work=$(mktemp -d /tmp/banco-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  scripts/pg-cluster.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

step "starting a throwaway PostgreSQL 15"
eval "$(scripts/pg-cluster.sh start "$work/pg")"

results="$work/results.log"
step "core tests (SQLite and Postgres)"
cargo test -p banco 2>&1 | tee -a "$results"

step "building the app (custom-protocol)"
cargo build -p banco-app --features custom-protocol
export BANCO_E2E_APP="$PWD/target/debug/banco-app"

step "end-to-end test of the real window (Xvfb + tauri-driver)"
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
sleep 1
DISPLAY=$display NO_AT_BRIDGE=1 dbus-run-session -- cargo test -p banco-app --features custom-protocol 2>&1 \
  | grep -v -e '^dbus-daemon' -e 'SpiRegistry' | tee -a "$results"

# One closing line over every test binary above (pipefail has already
# stopped the script if any of them failed).
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$results"
