#!/usr/bin/env python3
"""The reduce step of the word count: sum /in/<unit>/counts.tsv over all shards.

Writes /out/counts.tsv (every word, most frequent first, ties by word), /out/result.txt (totals and
the 25 most frequent words with their share and a text bar) and /out/result.json.
"""
import glob
import json
import sys
from collections import Counter

total = Counter()
shards = 0
text_bytes = 0
for path in sorted(glob.glob("/in/*/counts.tsv")):
    shards += 1
    with open(path) as f:
        for line in f:
            word, n = line.rstrip("\n").split("\t")
            total[word] += int(n)
    try:
        with open(path.replace("counts.tsv", "summary.json")) as f:
            text_bytes += json.load(f)["bytes"]
    except (OSError, KeyError, ValueError):
        pass
if shards == 0:
    sys.exit("no unit results under /in")

ranked = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
words = sum(total.values())
with open("/out/counts.tsv", "w") as f:
    for word, n in ranked:
        f.write(f"{word}\t{n}\n")
lines = [
    f"shards         {shards}",
    f"text           {text_bytes} bytes",
    f"words          {words}",
    f"distinct words {len(total)}",
    "",
    "rank  word           count      share",
]
top = ranked[0][1] if ranked else 1
for rank, (word, n) in enumerate(ranked[:25], 1):
    lines.append(f"{rank:>4}  {word:<12} {n:>9}  {100 * n / words:6.2f} %  " + "#" * max(1, round(30 * n / top)))
text = "\n".join(lines) + "\n"
with open("/out/result.txt", "w") as f:
    f.write(text)
with open("/out/result.json", "w") as f:
    json.dump({"shards": shards, "words": words, "distinct": len(total), "top": ranked[:25]}, f)
    f.write("\n")
print(text, end="")
