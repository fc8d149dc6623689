#!/usr/bin/env bash
# Runs one example on a fresh embedded cluster and prints the figures its README reports:
# units, total container time, wall time, dispatch overhead share, output size.
#
#   examples/measure.sh NAME [WORKERS]      e.g. examples/measure.sh sir-sweep
#
# WORKERS (default 1) is how many workers take part: `boid up` is one (1 slot each when WORKERS > 1,
# else one slot per core); each further one is a `boid worker` process joining it — an example with
# replication needs at least as many workers as copies. Needs the images (deploy/images/build-examples.sh)
# and a Release build (scripts/setup.sh). The result is downloaded to $BOID_MEASURE_DIR/NAME/result/
# (default /tmp/boid-measure).
#
# Dispatch overhead share = 1 - (container time summed over all units) / (wall time x slots): the share
# of the slots' time not spent inside a unit's container (container start and stop, staging, leasing,
# reporting, the amalgamation step, idle slots at the end).
set -euo pipefail
name=${1:?usage: examples/measure.sh NAME [WORKERS]}
workers=${2:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dll=src/Boid.Cli/bin/Release/net10.0/boid.dll
boid() { dotnet "$dll" "$@"; }
[ -f src/Boid.Cli/bin/Release/net10.0/boid.dll ] || { echo "measure: build first (scripts/setup.sh)" >&2; exit 1; }

out="${BOID_MEASURE_DIR:-/tmp/boid-measure}/$name"
rm -rf "$out"
mkdir -p "$out"
api=http://127.0.0.1:${BOID_MEASURE_PORT:-5090}
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT

if [ "$workers" -gt 1 ]; then slots=(--slots 1); total_slots=$workers; else slots=(); total_slots=$(nproc); fi
# One store for every silo: job inputs (store:…) are read from it and results written to it.
export Boid__Storage__Directory="$out/results"
mkdir -p "$out/results"
if [ -x "examples/$name/stage.sh" ]; then
  "examples/$name/stage.sh" "$out/results"   # the example's inputs, into the store
fi
if curl -sf "$api/api/v1/workers" >/dev/null 2>&1; then echo "measure: something already serves $api (set BOID_MEASURE_PORT)" >&2; exit 1; fi
# dotnet itself in the background (not a shell function) so that its pid is the one stopped at the end.
# Every silo shares one result store: a worker's uploaded outputs must be where the dispatcher reads them.
dotnet "$dll" up --data "$out/data" --results "$out/results" --api "$api" --silo-port 11311 --gateway-port 30311 --worker-id measure1 "${slots[@]}" >"$out/up.log" 2>&1 &
pids+=($!)
for i in $(seq 2 "$workers"); do
  dotnet "$dll" worker --data "$out/data$i" --results "$out/results" --silo-port $((11311 + i)) --gateway-port $((30311 + i)) --dispatcher-silo 127.0.0.1:11311 \
    --worker-id "measure$i" --slots 1 >"$out/worker$i.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 1 120); do
  if boid workers --api "$api" >/dev/null 2>&1 && [ "$(boid workers --api "$api" --json 2>/dev/null | jq 'length')" -ge "$workers" ]; then break; fi
  sleep 1
done

boid protocol add "examples/$name/protocol.yaml" --api "$api" >/dev/null
job=$(boid submit "examples/$name/job.yaml" --api "$api" | grep -o 'j-[0-9a-f-]*' | head -n 1)
echo "measure: $name job $job with $workers worker(s), $total_slots slot(s)" >&2
boid watch "$job" --api "$api" >"$out/watch.log" 2>&1 || true
boid status "$job" --api "$api" --json >"$out/status.json"
boid results "$job" --api "$api" -o "$out/result" >/dev/null
boid logs "$job" amalgamate --api "$api" >"$out/amalgamate.log" 2>&1 || true

jq -r --argjson slots "$total_slots" --arg size "$(du -sb "$out/result" | cut -f1)" '
  def secs: sub("\\.[0-9]+"; "") | sub("\\+00:00$"; "Z") | fromdateiso8601;
  (.containerMicroseconds / 1e6) as $ct
  | ((.finishedAt | secs) - (.submittedAt | secs)) as $wall
  | "state           \(.state)\nunits           \(.progress.total) (\(.progress.accepted) accepted, \(.progress.failed) failed, \(.progress.failedAttempts) failed attempts)\ncontainer time  \($ct * 10 | round / 10) s (all units, summed)\nwall time       \($wall) s (submit to result)\nslots           \($slots)\noverhead share  \(if $wall > 0 then (1 - $ct / ($wall * $slots)) * 100 | round else 0 end) %\noutput size     \($size) bytes"' "$out/status.json" | tee "$out/figures.txt"
echo "result in $out/result/" >&2
