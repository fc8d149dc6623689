#!/usr/bin/env python3
"""Gathers /in/<unit>/hits.tsv of all shards: /out/hits.tsv (every hit), /out/result.txt (how many
reads mapped, uniquely or not, and with how many mismatches) and /out/coverage.png (read coverage
along the reference in 600 bins, as bars; grey where no read landed)."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pngkit  # noqa: E402

READ_LEN = 64
summaries, hits = [], []
for d in glob.glob("/in/*/"):
    with open(os.path.join(d, "summary.json")) as f:
        summaries.append(json.load(f))
    with open(os.path.join(d, "hits.tsv")) as f:
        for line in f:
            read, strand, pos, mm = line.rstrip("\n").split("\t")
            hits.append((read, strand, int(pos), int(mm)))
if not summaries:
    sys.exit("no unit results under /in")


def read_key(name):
    shard, read = name[1:].split("r")
    return int(shard), int(read)


hits.sort(key=lambda h: (read_key(h[0]), h[1], h[2]))
with open("/out/hits.tsv", "w") as f:
    f.write("read\tstrand\tposition\tmismatches\n")
    for h in hits:
        f.write("\t".join(map(str, h)) + "\n")

reads = sum(s["reads"] for s in summaries)
per_read = {}
for h in hits:
    per_read.setdefault(h[0], []).append(h)
unique = sum(1 for v in per_read.values() if len(v) == 1)
by_mm = [sum(1 for h in hits if h[3] == m) for m in range(3)]
ref_len = summaries[0]["reference_length"]

bins = 600
coverage = [0] * bins
for _, _, pos, _ in hits:
    for b in range(pos * bins // ref_len, min(bins - 1, (pos + READ_LEN - 1) * bins // ref_len) + 1):
        coverage[b] += 1
top = max(coverage) or 1
height = 160
canvas = pngkit.Canvas(bins + 20, height + 30)
for b, c in enumerate(coverage):
    bar = round((height - 10) * c / top)
    if c == 0:
        canvas.rect(10 + b, 10 + height - 12, 1, 2, (190, 190, 190))
    else:
        canvas.rect(10 + b, 10 + height - bar, 1, bar, pngkit.colour(0.25 + 0.6 * c / top))
canvas.rect(10, 10 + height, bins, 1, (0, 0, 0))
canvas.text(10, 10 + height + 6, "0")
label = str(ref_len)
canvas.text(10 + bins - pngkit.text_width(label), 10 + height + 6, label)
canvas.save("/out/coverage.png")

text = (
    f"reference      {ref_len} bases ({summaries[0]['reference']})\n"
    f"shards         {len(summaries)}\n"
    f"reads          {reads} of {READ_LEN} bases\n"
    f"mapped         {len(per_read)} ({100 * len(per_read) / max(1, reads):.1f} %), {unique} at one place only\n"
    f"unmapped       {reads - len(per_read)}\n"
    f"hits           {len(hits)}: {by_mm[0]} exact, {by_mm[1]} with 1 mismatch, {by_mm[2]} with 2\n"
    f"coverage       {sum(1 for c in coverage if c)} of {bins} bins hold a read; deepest bin {top} reads\n"
    f"files          hits.tsv, coverage.png\n"
)
with open("/out/result.txt", "w") as f:
    f.write(text)
print(text, end="")
