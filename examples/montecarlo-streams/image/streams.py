#!/usr/bin/env python3
"""One work unit of Monte-Carlo pi with independent random streams.

The unit's generator is PCG64 seeded from numpy's SeedSequence(ROOT_SEED, spawn_key=(UNIT,)) —
exactly the child that SeedSequence(ROOT_SEED).spawn(n)[UNIT] would give, without making the
other n - 1 children. SeedSequence hashes the root entropy and the spawn key into PCG64's
128-bit state and increment, so the streams of different units (and of different root seeds)
are distinct and statistically independent with overwhelming probability, whatever the number
of units. Compare srand(seed + unit): neighbouring seeds of a weak seeding function can give
correlated streams, a 32-bit seed has only 2^32 streams, and a second job with seed base
SEED + 1 re-runs all but one of the first job's streams.

Usage: streams.py UNIT SAMPLES ROOT_SEED → /out/result.txt ("hits samples") and /out/stream.json
"""
import json
import sys

import numpy as np

unit, samples, root = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
seq = np.random.SeedSequence(root, spawn_key=(unit,))
rng = np.random.Generator(np.random.PCG64(seq))
first = int(np.random.Generator(np.random.PCG64(seq)).integers(0, 2**63))  # the stream's fingerprint

hits, left, chunk = 0, samples, 1 << 20
while left > 0:
    n = min(chunk, left)
    xy = rng.random((2, n))
    hits += int(np.count_nonzero(xy[0] * xy[0] + xy[1] * xy[1] <= 1.0))
    left -= n

with open("/out/result.txt", "w") as f:
    f.write(f"{hits} {samples}\n")
with open("/out/stream.json", "w") as f:
    json.dump({"unit": unit, "root_seed": root, "spawn_key": [unit], "first_draw": first}, f)
    f.write("\n")
print(f"unit {unit} root {root}: {hits} {samples}")
