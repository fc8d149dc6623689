#!/usr/bin/env bash
# The README's first command: set everything up on a fresh machine (Docker, images, build), start an
# embedded cluster, run the Monte-Carlo pi example (200 containerized units) and print its result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
spec=${1:-examples/montecarlo-pi/job.yaml}
example=$(basename "$(dirname "$spec")")
BOID_SETUP_SKIP_NODE=1 BOID_SETUP_SKIP_POSTGRES=1 BOID_SETUP_EXAMPLES=$example scripts/setup.sh
data=${BOID_DATA:-"$root/.boid"}
exec dotnet src/Boid.Cli/bin/Release/net10.0/boid.dll up --data "$data" --run "$spec"
