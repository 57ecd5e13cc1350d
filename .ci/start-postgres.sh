#!/usr/bin/env bash
# Start a local PostgreSQL for the state-store tests (idempotent).
# Installs Debian's postgresql when missing, starts the first cluster, ensures role `vigil`
# (password `vigil`, allowed to create databases so each test file can make its own) and database
# `vigil_test`, then prints the URL to export as VIGIL_TEST_DATABASE_URL.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
fi

# The first cluster Debian knows about (created by the package, e.g. "15 main").
read -r version cluster port _ < <(pg_lsclusters --no-header | head -n 1)
if [ -z "${version:-}" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  cluster=main
  as_root pg_createcluster "$version" "$cluster" >&2
  read -r version cluster port _ < <(pg_lsclusters --no-header | head -n 1)
fi

if ! pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1==v && $2==c {print $4}' | grep -q online; then
  as_root pg_ctlcluster "$version" "$cluster" start >&2
fi

# Wait for it to accept connections.
for _ in $(seq 1 30); do
  if as_postgres pg_isready -q -p "$port"; then break; fi
  sleep 0.5
done

psql_pg() { as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(psql_pg -c "select 1 from pg_roles where rolname = 'vigil'")" != "1" ]; then
  psql_pg -c "create role vigil login password 'vigil' createdb" >&2
else
  psql_pg -c "alter role vigil login password 'vigil' createdb" >&2
fi
# Test clean-up drops its databases WITH (FORCE), which may have to end a background session.
psql_pg -c "grant pg_signal_backend to vigil" >&2
if [ "$(psql_pg -c "select 1 from pg_database where datname = 'vigil_test'")" != "1" ]; then
  psql_pg -c "create database vigil_test owner vigil" >&2
fi

echo "postgres://vigil:vigil@127.0.0.1:${port}/vigil_test"
