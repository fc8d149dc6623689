#!/usr/bin/env python3
"""Pools /in/<unit>/result.txt ("hits samples") into one estimate of pi and checks the streams.

result.txt: pi estimate and its standard error (binomial, pooled), units, samples, the spread of the
per-unit estimates, and the dispersion index of the per-unit hit counts (sample variance over the
binomial variance: about 1 for independent streams, near 0 if streams repeat each other), and how
many distinct stream fingerprints (first draws) the units reported.
"""
import glob
import json
import math
import os
import sys

units = []
for d in sorted(glob.glob("/in/*/")):
    with open(os.path.join(d, "result.txt")) as f:
        hits, n = map(int, f.read().split())
    first = None
    if os.path.exists(os.path.join(d, "stream.json")):
        with open(os.path.join(d, "stream.json")) as f:
            first = json.load(f)["first_draw"]
    units.append((hits, n, first))
if not units:
    sys.exit("no unit results under /in")

hits = sum(u[0] for u in units)
n = sum(u[1] for u in units)
p = hits / n
pi = 4 * p
se = 4 * math.sqrt(p * (1 - p) / n)
estimates = [4 * h / m for h, m, _ in units]
mean = sum(estimates) / len(estimates)
k = len(units)
spread_se = math.sqrt(sum((e - mean) ** 2 for e in estimates) / (k - 1) / k) if k > 1 else 0.0
# Dispersion of per-unit hits around their expectation under the pooled p (units may differ in size).
dispersion = (sum((h - m * p) ** 2 / (m * p * (1 - p)) for h, m, _ in units) / (k - 1)) if k > 1 else 1.0
distinct = len({u[2] for u in units if u[2] is not None})

text = (
    f"pi estimate    {pi:.6f}\n"
    f"standard error {se:.6f}\n"
    f"units          {k}\n"
    f"samples        {n}\n"
    f"per-unit spread standard error {spread_se:.6f}\n"
    f"dispersion index {dispersion:.3f} (about 1 when the units' streams are independent)\n"
    f"distinct streams {distinct} of {k}\n"
    f"error / standard error {(pi - math.pi) / se:+.2f}\n"
)
with open("/out/result.txt", "w") as f:
    f.write(text)
with open("/out/result.json", "w") as f:
    json.dump({"pi": pi, "standard_error": se, "units": k, "samples": n, "hits": hits,
               "dispersion_index": dispersion, "distinct_streams": distinct}, f)
    f.write("\n")
print(text, end="")
