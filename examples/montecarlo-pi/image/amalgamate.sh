#!/bin/sh
# The amalgamation step: /in/<unit>/result.txt holds each accepted unit's "hits samples".
# Pools them into one estimate of pi with its standard error (binomial), and also reports the
# spread of the per-unit estimates as a check (their standard error should agree).
set -eu
# Busybox awk is built without libm here, so the square root is Newton's iteration.
cat /in/*/result.txt | awk '
  function root(x,   r, i) { if (x <= 0) return 0; r = x > 1 ? x : 1; for (i = 0; i < 200; i++) r = (r + x / r) / 2; return r }
  { hits += $1; n += $2; units++; est = 4 * $1 / $2; s += est; ss += est * est }
  END {
    if (n == 0) { print "no samples" > "/dev/stderr"; exit 1 }
    p = hits / n
    pi = 4 * p
    se = 4 * root(p * (1 - p) / n)
    mean = s / units
    spread_se = units > 1 ? root((ss - units * mean * mean) / (units - 1) / units) : 0
    printf "pi estimate    %.6f\nstandard error %.6f\nunits          %d\nsamples        %d\nper-unit spread standard error %.6f\n", pi, se, units, n, spread_se > "/out/result.txt"
    printf "{\"pi\": %.8f, \"standard_error\": %.8f, \"units\": %d, \"samples\": %d, \"hits\": %d}\n", pi, se, units, n, hits > "/out/result.json"
  }'
cat /out/result.txt
