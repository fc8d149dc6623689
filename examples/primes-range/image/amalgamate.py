#!/usr/bin/env python3
"""Combines /in/<unit>/result.json into the prime counts of the whole range [0, N).

Writes /out/result.txt (pi(N), twin primes, the largest gap, a check against the known values of
pi(10^k), a table of counts per range) and /out/result.json. Gaps that cross from one range to the
next are found from each range's last prime and the next range's first.
"""
import glob
import json
import sys

KNOWN_PI = {10**3: 168, 10**4: 1229, 10**5: 9592, 10**6: 78498, 10**7: 664579, 10**8: 5761455,
            10**9: 50847534, 10**10: 455052511}

units = []
for path in glob.glob("/in/*/result.json"):
    with open(path) as f:
        units.append(json.load(f))
if not units:
    sys.exit("no unit results under /in")
units.sort(key=lambda u: u["lo"])
contiguous = all(a["hi"] == b["lo"] for a, b in zip(units, units[1:])) and units[0]["lo"] == 0
lo, hi = units[0]["lo"], units[-1]["hi"]

count = sum(u["count"] for u in units)
twins = sum(u["twins"] for u in units)
best = max(((u["max_gap"], u["max_gap_after"]) for u in units if u["max_gap_after"] is not None), default=(0, None))
previous = None
for u in units:
    if u["first"] is not None:
        if previous is not None and u["first"] - previous > best[0]:
            best = (u["first"] - previous, previous)
        previous = u["last"]

lines = [
    f"range          [{lo}, {hi}){'' if contiguous else '  (NOT contiguous: ranges are missing)'}",
    f"units          {len(units)}",
    f"primes         {count}",
    f"twin pairs     {twins}  (p and p + 2 both prime, p in the range)",
    f"largest gap    {best[0]} after {best[1]}",
]
if contiguous and lo == 0 and hi in KNOWN_PI:
    verdict = "agrees" if KNOWN_PI[hi] == count else "DISAGREES"
    lines.append(f"known pi({hi}) = {KNOWN_PI[hi]}: {verdict}")
lines += ["", "range                          primes   twin pairs   largest gap", ]
for u in units:
    lines.append(f"[{u['lo']:>12}, {u['hi']:>12})  {u['count']:>8}   {u['twins']:>10}   {u['max_gap']:>11}")
text = "\n".join(lines) + "\n"
with open("/out/result.txt", "w") as f:
    f.write(text)
with open("/out/result.json", "w") as f:
    json.dump({"lo": lo, "hi": hi, "contiguous": contiguous, "units": len(units), "primes": count,
               "twins": twins, "max_gap": best[0], "max_gap_after": best[1]}, f)
    f.write("\n")
print(text, end="")
