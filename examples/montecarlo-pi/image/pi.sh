#!/bin/sh
# One work unit: throw SAMPLES random points into the unit square and count those inside the
# quarter circle. Usage: pi.sh UNIT SAMPLES SEED_BASE. Writes "hits samples" to /out/result.txt.
set -eu
unit=$1
samples=$2
seed=$(( ${3:-0} + unit ))
awk -v n="$samples" -v seed="$seed" 'BEGIN {
  srand(seed)
  hits = 0
  for (i = 0; i < n; i++) { x = rand(); y = rand(); if (x * x + y * y <= 1) hits++ }
  printf "%d %d\n", hits, n
}' > /out/result.txt
echo "unit $unit seed $seed: $(cat /out/result.txt)"
