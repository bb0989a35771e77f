#!/usr/bin/env bash
# Installs what is missing, builds the UI and the app, and starts Banco on
# the embedded SQLite database (in the OS app-data folder).
#   ./scripts/run.sh                              # default data folder
#   ./scripts/run.sh --data-dir /path/to/folder   # another folder (or BANCO_DATA_DIR)
#   ./scripts/run.sh --database-url postgres://user@host/banco
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && TRUNK_SKIP_VERSION_CHECK=true trunk build --release)
cargo build --release -p banco-app --features custom-protocol
exec target/release/banco-app "$@"
