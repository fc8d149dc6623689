#!/usr/bin/env bash
# Everything a fresh machine needs before Boid runs or its tests do. Idempotent; safe to run again.
#   Docker Engine (Debian docker.io) and PostgreSQL (Debian postgresql) installed and started; the
#   example images built locally;
#   npm packages for the contracts and the Antelope cross-check; the solution built (Release); `boid` a
#   command on the PATH (a link to this checkout's scripts/boid: the checkout set up last is `boid`).
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

step "boid on the PATH"
# A link, not a copy or a .NET tool: `boid` runs this checkout's latest build with no pack or install step
# after each change, offline. BOID_BIN_DIR chooses the folder (default /usr/local/bin).
bin=${BOID_BIN_DIR:-/usr/local/bin}
link=$bin/boid
if [ -e "$link" ] && [ ! -L "$link" ]; then
  echo "setup: $link exists and is not a link; left alone (run $root/scripts/boid instead)" >&2
else
  mkdir -p "$bin"
  previous=$(readlink "$link" 2>/dev/null || true)
  ln -sfn "$root/scripts/boid" "$link"
  if [ -n "$previous" ] && [ "$previous" != "$root/scripts/boid" ]; then
    echo "setup: boid now runs this checkout, $root (it ran ${previous%/scripts/boid})" >&2
  fi
  case ":$PATH:" in
    *":$bin:"*) first=$(command -v boid || true)
                [ "$first" = "$link" ] || echo "setup: $first comes before $link on your PATH" >&2 ;;
    *) echo "setup: add $bin to your PATH to type boid" >&2 ;;
  esac
fi
