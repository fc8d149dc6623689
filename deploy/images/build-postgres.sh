#!/usr/bin/env bash
# Builds boid/postgres:15 for the compose file, with no registry: a Debian 12 minbase root filesystem
# with postgresql-15 (debootstrap), brought in with `docker import`. Real hosts use Debian's own
# `postgresql` package instead (docs/deploy.md). Idempotent; pass --force to rebuild.
set -euo pipefail
image=boid/postgres:15
if [ "${1:-}" != "--force" ] && docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi
command -v debootstrap >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq debootstrap >/dev/null; }
mirror=$(awk '/^deb / && /debian/ {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=postgresql-15 bookworm "$root" "$mirror" >/dev/null
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/usr/share/doc "$root"/usr/share/man
cat >"$root/usr/local/bin/boid-postgres" <<'SH'
#!/bin/sh
# Starts PostgreSQL 15 on 0.0.0.0:5432 with role/database from BOID_PG_USER/BOID_PG_PASSWORD/BOID_PG_DB.
set -e
data=/var/lib/postgresql/data
if [ ! -s "$data/PG_VERSION" ]; then
  mkdir -p "$data" && chown postgres:postgres "$data"
  su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $data -A scram-sha-256 --pwfile=<(echo \"${BOID_PG_PASSWORD:-boid}\")" 2>/dev/null \
    || { echo "${BOID_PG_PASSWORD:-boid}" >/tmp/pw; chown postgres /tmp/pw; su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $data -A scram-sha-256 --pwfile=/tmp/pw"; rm /tmp/pw; }
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$data/pg_hba.conf"
  su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $data -o '-c listen_addresses=127.0.0.1' -w start"
  su postgres -c "psql -qc \"create role ${BOID_PG_USER:-boid} login password '${BOID_PG_PASSWORD:-boid}'\" -c \"create database ${BOID_PG_DB:-boid} owner ${BOID_PG_USER:-boid}\""
  su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $data -w stop"
fi
exec su postgres -c "/usr/lib/postgresql/15/bin/postgres -D $data -c listen_addresses=0.0.0.0"
SH
chmod +x "$root/usr/local/bin/boid-postgres"
tar -C "$root" -c . | docker import --change 'CMD ["/usr/local/bin/boid-postgres"]' --change 'EXPOSE 5432' - "$image" >/dev/null
echo "build-postgres: built $image" >&2
