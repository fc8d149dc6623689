#!/usr/bin/env bash
# Builds every example image (examples/<name>/image/Dockerfile → the image its job.yaml names, e.g.
# boid/sir-sweep:2) on the local bases: boid/busybox always, boid/python (build-python-base.sh, a
# debootstrap root filesystem with NumPy and matplotlib, 2–4 minutes the first time) only when some
# example's Dockerfile starts FROM it. No registry is used. Rebuilds are cheap: a base is skipped
# when present and built from its current recipe, and Docker's layer cache does the rest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# With arguments, only the named examples (e.g. `build-examples.sh montecarlo-pi`).
if [ $# -gt 0 ]; then
  dockerfiles=()
  for name in "$@"; do dockerfiles+=("$root/examples/$name/image/Dockerfile"); done
else
  dockerfiles=("$root"/examples/*/image/Dockerfile)
fi
"$here/build-base.sh"
if grep -qsE '^FROM boid/python:' "${dockerfiles[@]}"; then
  "$here/build-python-base.sh"
fi
for dockerfile in "${dockerfiles[@]}"; do
  dir=$(dirname "$dockerfile")
  name=$(basename "$(dirname "$dir")")
  # The tag lives in one place, the example's job.yaml (bumped when the image's behaviour changes).
  image=$(awk '/^image:/ {print $2; exit}' "$root/examples/$name/job.yaml" 2>/dev/null || true)
  case "$image" in
    "boid/$name:"?*) ;;
    *) echo "build-examples: examples/$name/job.yaml names no image boid/$name:TAG" >&2; exit 1 ;;
  esac
  # The legacy builder (no BuildKit in Debian's docker.io) warns on stderr; show it only on failure.
  if ! log=$(DOCKER_BUILDKIT=0 docker build -q -t "$image" "$dir" 2>&1); then
    echo "$log" >&2
    exit 1
  fi
  echo "build-examples: built $image" >&2
done
