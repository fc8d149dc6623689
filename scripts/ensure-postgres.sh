#!/usr/bin/env bash
# Makes sure PostgreSQL (Debian's `postgresql`, cluster 15/main) is installed, running, and has the
# test role and database the cluster tests use. Idempotent; safe to run again.
#   role boid (password boid, CREATEDB: each multi-process test makes its own database), database boid.
# Override with BOID_PG_ROLE / BOID_PG_PASSWORD / BOID_PG_DATABASE. No systemd here: pg_ctlcluster starts it.
set -euo pipefail
role=${BOID_PG_ROLE:-boid}
password=${BOID_PG_PASSWORD:-boid}
database=${BOID_PG_DATABASE:-boid}

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /usr/lib/postgresql/15 ]; then
  echo "ensure-postgres: installing PostgreSQL (Debian postgresql)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

if ! pg_lsclusters -h 2>/dev/null | awk '$1 == "15" && $2 == "main"' | grep -q .; then
  pg_createcluster 15 main >/dev/null
fi

if ! pg_lsclusters -h | awk '$1 == "15" && $2 == "main" {print $4}' | grep -q online; then
  echo "ensure-postgres: starting cluster 15/main" >&2
  pg_ctlcluster 15 main start
fi

for _ in $(seq 1 60); do
  if su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
psql_su() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt $*"; }

if [ "$(psql_su "-c \"select 1 from pg_roles where rolname = '$role'\"")" != 1 ]; then
  psql_su "-c \"create role $role login createdb password '$password'\""
fi
if [ "$(psql_su "-c \"select 1 from pg_database where datname = '$database'\"")" != 1 ]; then
  psql_su "-c \"create database $database owner $role\""
fi
echo "ensure-postgres: ready (Host=127.0.0.1;Username=$role;Database=$database)" >&2
