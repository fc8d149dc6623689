#!/usr/bin/env bash
# Puts the word count's text shards into a cluster's store, where job.yaml's input
# store:examples/wordcount/shard-{{unit}}.txt finds them. The local store is <data>/results by
# default (Boid:Storage:Directory changes it): examples/wordcount/stage.sh .boid/results
# The shards are made by the example's own image (count.py --emit), 48 of 40,000 lines (~1.5 MB each).
set -euo pipefail
store=${1:?usage: examples/wordcount/stage.sh STORE_DIR [SHARDS] [LINES]}
shards=${2:-48}
lines=${3:-40000}
dir="$store/examples/wordcount"
mkdir -p "$dir"
docker run --rm --network none -v "$(cd "$dir" && pwd):/out" --user "$(id -u):$(id -g)" \
  boid/wordcount:1 python3 /app/count.py --emit "$shards" "$lines" /out
echo "stage: $shards shards in $dir ($(du -sh "$dir" | cut -f1))" >&2
