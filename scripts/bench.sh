#!/usr/bin/env bash
# Runs the benchmarks on SQLite and on a throwaway PostgreSQL 15, and prints
# the Markdown tables that BENCHMARKS.md keeps.
#   ./scripts/bench.sh [--leads N] [--deals N --open M] [--people N --companies M --notes K] [--contracts N]
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/banco-bench.XXXXXX)
chmod 755 "$work"
trap 'scripts/pg-cluster.sh stop "$work/pg" || true; rm -rf "$work"' EXIT
eval "$(scripts/pg-cluster.sh start "$work/pg")"
BANCO_BENCH_PG_URL=$BANCO_TEST_PG_URL cargo bench --bench banco_bench -- "$@"
BANCO_BENCH_PG_URL=$BANCO_TEST_PG_URL cargo bench --bench deals_bench -- "$@"
BANCO_BENCH_PG_URL=$BANCO_TEST_PG_URL cargo bench --bench records_bench -- "$@"
BANCO_BENCH_PG_URL=$BANCO_TEST_PG_URL cargo bench --bench contacts_bench -- "$@"
BANCO_BENCH_PG_URL=$BANCO_TEST_PG_URL cargo bench --bench after_sale_bench -- "$@"
BANCO_BENCH_PG_URL=$BANCO_TEST_PG_URL cargo bench --bench gdpr_bench -- "$@"
cargo bench --bench import_bench -- "$@"
BANCO_BENCH_PG_URL=$BANCO_TEST_PG_URL cargo bench --bench import_run_bench -- "$@"
