#!/usr/bin/env python3
"""Gathers /in/<unit>/hits.tsv of all shards: /out/hits.tsv (every hit), /out/result.txt (how many
reads mapped, uniquely or not, and with how many mismatches) and /out/coverage.png (a matplotlib plot
of the read coverage along the reference in 600 bins, its mean, and where no read landed)."""
import glob
import json
import os
import sys

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import EngFormatter, MaxNLocator

READ_LEN = 64


def coverage_plot(coverage, ref_len, mapped, path):
    """Reads per bin along the reference (a hit counts in every bin its 64 bases touch)."""
    bins = len(coverage)
    edges = np.arange(bins + 1) * ref_len / bins
    depth = np.asarray(coverage, dtype=float)
    fig, ax = plt.subplots(figsize=(9, 3.6), dpi=100, layout="constrained")
    ax.stairs(depth, edges, fill=True, color="#3b8bc2", label="reads per bin")
    ax.axhline(depth.mean(), color="#d95f02", linestyle="--", linewidth=1.2, label=f"mean {depth.mean():.1f}")
    empty = np.flatnonzero(depth == 0)
    if empty.size:
        ax.plot((empty + 0.5) * ref_len / bins, np.zeros(empty.size), "|", color="red", markersize=10,
                clip_on=False, label=f"no read: {empty.size} bins")
    ax.set_xlim(0, ref_len)
    ax.set_ylim(0, max(1.0, depth.max()) * 1.3)  # headroom for the legend
    ax.xaxis.set_major_formatter(EngFormatter(unit="b"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"position in the reference ({bins} bins of {ref_len / bins:.4g} bases)")
    ax.set_ylabel("reads")
    ax.set_title(f"Read coverage: {mapped} reads of {READ_LEN} bases mapped to {ref_len} bases", fontsize=10)
    ax.legend(loc="upper right", ncols=3, fontsize=8, framealpha=0.9)
    fig.savefig(path)
    plt.close(fig)

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
top = max(coverage)
coverage_plot(coverage, ref_len, len(per_read), "/out/coverage.png")

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
