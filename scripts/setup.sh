#!/usr/bin/env bash
# Everything a fresh machine needs before Boid runs or its tests do. Idempotent; safe to run again.
#   Docker Engine (Debian docker.io) and PostgreSQL (Debian postgresql) installed and started; the
#   example images built locally;
#   npm packages for the contracts and the Antelope cross-check; the solution built (Release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n== %s\n' "$*" >&2; }

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

step "Docker Engine"
scripts/ensure-docker.sh

if [ "${BOID_SETUP_SKIP_POSTGRES:-}" != 1 ]; then
  step "PostgreSQL (Debian postgresql) for the multi-silo cluster tests"
  scripts/ensure-postgres.sh
fi

step "images (built locally, no registry)"
deploy/images/build-examples.sh ${BOID_SETUP_EXAMPLES:-}

if [ "${BOID_SETUP_SKIP_NODE:-}" != 1 ]; then
  command -v npm >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq nodejs npm >/dev/null; }
  for dir in contracts tests/Boid.Eosio.Tests/wharfkit; do
    if [ -f "$dir/package-lock.json" ]; then
      step "npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
  step "contracts (proton-tsc)"
  (cd contracts && npm run build --silent)
fi

step "dotnet build (Release)"
dotnet build BoidCluster.sln -c Release -nologo -v q -clp:ErrorsOnly
