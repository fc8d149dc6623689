#!/usr/bin/env python3
"""One work unit of the prime range search: sieve [LO, HI) with LO = UNIT * SIZE, HI = LO + SIZE.

A segmented sieve of Eratosthenes (numpy), base primes up to sqrt(HI + 2). Writes /out/result.json:
the range, how many primes it holds, the first and last of them (so that the amalgamation can
stitch gaps across ranges), twin-prime pairs (p, p + 2) with p in the range, the largest gap between
consecutive primes inside the range, and a SHA-256 of the primes as little-endian uint64 — the
fingerprint that replicas on different workers must agree on, byte for byte.

Usage: primes.py UNIT SIZE
"""
import hashlib
import json
import math
import sys

import numpy as np


def base_primes(limit):
    sieve = np.ones(limit + 1, dtype=bool)
    sieve[:2] = False
    for p in range(2, math.isqrt(limit) + 1):
        if sieve[p]:
            sieve[p * p::p] = False
    return np.flatnonzero(sieve)


def segment(lo, hi, primes):
    """Boolean array: is lo + i prime, for i in [0, hi - lo)."""
    is_prime = np.ones(hi - lo, dtype=bool)
    for p in primes:
        p = int(p)
        if p * p >= hi:
            break
        start = max(p * p, (lo + p - 1) // p * p)
        is_prime[start - lo::p] = False
    for small in range(lo, min(hi, 2)):
        is_prime[small - lo] = False
    return is_prime


unit, size = int(sys.argv[1]), int(sys.argv[2])
lo, hi = unit * size, (unit + 1) * size
flags = segment(lo, hi + 2, base_primes(math.isqrt(hi + 2) + 1))
found = np.flatnonzero(flags[:hi - lo]).astype(np.uint64) + np.uint64(lo)
twins = int(np.count_nonzero(flags[:hi - lo] & flags[2:hi - lo + 2]))
gaps = np.diff(found) if found.size > 1 else np.zeros(0, dtype=np.uint64)
k = int(np.argmax(gaps)) if gaps.size else -1
result = {
    "unit": unit, "lo": lo, "hi": hi,
    "count": int(found.size),
    "first": int(found[0]) if found.size else None,
    "last": int(found[-1]) if found.size else None,
    "twins": twins,
    "max_gap": int(gaps[k]) if k >= 0 else 0,
    "max_gap_after": int(found[k]) if k >= 0 else None,
    "sha256": hashlib.sha256(found.astype("<u8").tobytes()).hexdigest(),
}
with open("/out/result.json", "w") as f:
    json.dump(result, f, sort_keys=True)
    f.write("\n")
print(f"[{lo}, {hi}): {found.size} primes, {twins} twin pairs, largest gap {result['max_gap']}")
