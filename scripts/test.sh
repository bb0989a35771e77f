#!/usr/bin/env bash
# Installs what is missing and runs every test:
#   1. formatting and lints (cargo fmt --check, clippy -D warnings);
#   2. the core's unit and integration tests, every store test on SQLite and
#      on a throwaway PostgreSQL 15 started here on loopback and removed after;
#   3. the installers: version N and N+1 of the .deb, built once by tauri-cli
#      (release) and signed by a throwaway release key made here;
#   4. the end-to-end tests (e2e/): the real window of N's release binary
#      driven by tauri-driver under Xvfb + D-Bus, and N installed from its
#      .deb updating itself to N+1 from a loopback update server.
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
  local rc=$?
  # A failed run ends with each failing test's message, so that the end of
  # the output (all a CI log may keep) says what failed and where.
  if [ "$rc" -ne 0 ] && [ -s "${results:-}" ]; then
    printf '\n\033[1m==> what failed (exit %s)\033[0m\n' "$rc"
    grep -A3 -e "panicked at" -e "^failures:" -e "did not end within" "$results" | grep -v -e "^stack backtrace:" -e "^ *[0-9]*: " | head -60 || true
  fi
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

step "installers: version N and N+1 (.deb), signed by a throwaway release key"
keys="$work/keys" updates="$work/updates"
mkdir -p "$keys" "$updates" "$work/app"
cargo tauri signer generate --ci -p "" -w "$keys/release.key" >/dev/null
cargo tauri signer generate --ci -p "" -w "$keys/other.key" >/dev/null
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
next="${version%.*}.$(( ${version##*.} + 1 ))"
export TAURI_SIGNING_PRIVATE_KEY="$keys/release.key" TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""
scripts/bundle.sh --pubkey "$keys/release.key.pub" --version "$next"
cp "target/release/bundle/deb/Banco_${next}_amd64.deb" "$updates/next.deb"
cp "target/release/bundle/deb/Banco_${next}_amd64.deb.sig" "$updates/next.deb.sig"
# The same artifact signed by a key the app does not trust.
cp "$updates/next.deb" "$work/other.deb"
env -u TAURI_SIGNING_PRIVATE_KEY -u TAURI_SIGNING_PRIVATE_KEY_PASSWORD \
  cargo tauri signer sign -f "$keys/other.key" -p "" --app-version "$next" "$work/other.deb" >/dev/null
cp "$work/other.deb.sig" "$updates/next.deb.other.sig"
# N last, so that target/release holds N's binary for the window's tests.
scripts/bundle.sh --pubkey "$keys/release.key.pub"
cp "target/release/bundle/deb/Banco_${version}_amd64.deb" "$updates/current.deb"
cp target/release/banco-app "$work/app/banco-app"
unset TAURI_SIGNING_PRIVATE_KEY TAURI_SIGNING_PRIVATE_KEY_PASSWORD
export BANCO_E2E_APP="$work/app/banco-app" BANCO_E2E_UPDATES="$updates"

step "end-to-end tests: the real window (Xvfb + tauri-driver), install and update"
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
sleep 1
# Each scenario has its own limit (e2e/tests/e2e/launch.rs); this one is
# the last resort, so that a run which hangs still ends, and says so, well
# within CI's 90 minutes. It ends every process the tests started.
e2e_limit=30m
set +e
DISPLAY=$display NO_AT_BRIDGE=1 timeout -k 30s "$e2e_limit" dbus-run-session -- cargo test -p banco-e2e 2>&1 \
  | grep -v -e '^dbus-daemon' -e 'SpiRegistry' | tee -a "$results"
e2e_status=${PIPESTATUS[0]}
set -e
if [ "$e2e_status" -eq 124 ] || [ "$e2e_status" -eq 137 ]; then
  echo "the end-to-end tests did not end within $e2e_limit: stopped" | tee -a "$results"
  exit 1
elif [ "$e2e_status" -ne 0 ]; then
  exit "$e2e_status"
fi

# One closing line over every test binary above (pipefail has already
# stopped the script if any of them failed).
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$results"
