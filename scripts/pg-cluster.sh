#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster on a free loopback port.
#   eval "$(scripts/pg-cluster.sh start DIR)"   # exports BANCO_TEST_PG_URL
#   scripts/pg-cluster.sh stop DIR             # stops it and removes DIR
# initdb refuses to run as root, so as root the cluster runs as the
# unprivileged system user `banco-pg` (created if missing).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:?start|stop}
dir=${2:?cluster directory}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u banco-pg -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 server binaries not found in $PGBIN (apt-get install postgresql-15)" >&2; exit 1; }
  if [ "$(id -u)" = 0 ] && ! id banco-pg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin banco-pg
  fi
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown banco-pg "$dir"
  # A free loopback port: pick at random until nothing answers on it.
  for _ in $(seq 50); do
    port=$(shuf -i 20000-60000 -n 1)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  as_owner "$PGBIN/initdb" -D "$dir/data" -U banco -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # Only the cluster's superuser `banco` (the tests' stand-in for a chain's
  # DBA) is trusted on loopback; every other role — Banco's staff logins,
  # `banco_keychain` of tests/keychain.rs — must give its password, as on a
  # real server. pg_hba.conf is read top down: these lines go first.
  as_owner sh -c "{ echo 'host all banco 127.0.0.1/32 trust'; echo 'host all all 127.0.0.1/32 scram-sha-256'; cat '$dir/data/pg_hba.conf'; } > '$dir/data/pg_hba.new' && mv '$dir/data/pg_hba.new' '$dir/data/pg_hba.conf'"
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "export BANCO_TEST_PG_URL=postgres://banco@127.0.0.1:$port/postgres"
  ;;
stop)
  if [ -d "$dir/data" ]; then as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
