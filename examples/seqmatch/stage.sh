#!/usr/bin/env bash
# Puts the read-matching reference into a cluster's store, where job.yaml's input
# store:examples/seqmatch/reference.fa finds it. The local store is <data>/results by default
# (Boid:Storage:Directory changes it): examples/seqmatch/stage.sh .boid/results
# The reference is made by the example's own image (match.py --emit-reference): 1,000,000 bases, FASTA.
set -euo pipefail
store=${1:?usage: examples/seqmatch/stage.sh STORE_DIR [LENGTH]}
length=${2:-1000000}
dir="$store/examples/seqmatch"
mkdir -p "$dir"
docker run --rm --network none -v "$(cd "$dir" && pwd):/out" --user "$(id -u):$(id -g)" \
  boid/seqmatch:2 python3 /app/match.py --emit-reference "$length" /out/reference.fa
echo "stage: reference of $length bases in $dir/reference.fa" >&2
