#!/usr/bin/env bash
# Builds Banco's Linux installer (.deb) with tauri-cli, after the UI:
#   scripts/bundle.sh                      # the workspace's version
#   scripts/bundle.sh --version 0.2.0      # another version (tests build N+1)
#   scripts/bundle.sh --pubkey FILE        # trust this update key instead of
#                                          # the release key in tauri.conf.json
# The .deb lands in target/release/bundle/deb/. With the release key in the
# environment (TAURI_SIGNING_PRIVATE_KEY: the key or its file, and
# TAURI_SIGNING_PRIVATE_KEY_PASSWORD) its update signature (.deb.sig) is made
# beside it; without, the .deb installs the same but cannot be offered as an
# update. The key is never in the repository. Windows and macOS installers
# are built by .github/workflows/release.yml on those systems.
set -euo pipefail
cd "$(dirname "$0")/.."
version="" pubkey=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=$2; shift 2 ;;
    --pubkey) pubkey=$(tr -d '\n' < "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
scripts/setup.sh bundle
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && TRUNK_SKIP_VERSION_CHECK=true trunk build --release)

# Overrides of tauri.conf.json, merged by tauri-cli (JSON merge patch).
config="{"
[ -n "$version" ] && config+="\"version\":\"$version\","
[ -n "$pubkey" ] && config+="\"plugins\":{\"updater\":{\"pubkey\":\"$pubkey\"}},"
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  echo "no TAURI_SIGNING_PRIVATE_KEY: building without an update signature" >&2
  config+="\"bundle\":{\"createUpdaterArtifacts\":false},"
fi
config="${config%,}}"
(cd src-tauri && cargo tauri build --bundles deb --config "$config")
ls -1 target/release/bundle/deb/*.deb*
