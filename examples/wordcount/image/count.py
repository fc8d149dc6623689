#!/usr/bin/env python3
"""The map step of the word count: count the words of one text shard.

The shard is /in/shard.txt when the job stages one (a job input, as job.yaml does), otherwise it is
generated here, deterministically, from the shard index (see generate()); either way the unit writes
/out/counts.tsv ("word<TAB>count", sorted by word) and /out/summary.json.

Words: lower-cased runs of the letters a-z; everything else separates them.

Usage: count.py SHARD LINES                        (LINES: the size of a generated shard)
       count.py --emit SHARDS LINES DIRECTORY       (write the generated shards as files, to stage them)
"""
import json
import os
import re
import sys
from collections import Counter

MASK = (1 << 64) - 1


def generate(shard, lines, vocabulary):
    """A deterministic pseudo-text: a 64-bit LCG (Knuth's MMIX constants) seeded from the shard index.
    Each line has 5..14 words; word index a % (1 + b % (1 + c % V)) from three draws a, b, c (in
    that order) favours the start of the vocabulary roughly as word frequencies in real text do.
    Some words are capitalised; commas and full stops come between them. A test in C#
    rebuilds the same text from the same rules to check the counts."""
    state = (shard * 0x9E3779B97F4A7C15 + 12345) & MASK
    v = len(vocabulary)

    def nxt():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        return state >> 33

    out = []
    for _ in range(lines):
        words = []
        for k in range(5 + nxt() % 10):
            a = nxt()
            b = nxt()
            c = nxt()
            w = vocabulary[a % (1 + b % (1 + c % v))]
            if nxt() % 7 == 0:
                w = w.capitalize()
            words.append(w + ("," if nxt() % 11 == 0 else ""))
        out.append(" ".join(words) + ".")
    return "\n".join(out) + "\n"


def emit_all(shards, lines, directory):
    """Writes shard-0.txt .. shard-(SHARDS-1).txt to DIRECTORY: the texts to stage in storage (stage.sh)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "vocabulary.txt")) as f:
        vocabulary = f.read().split()
    for shard in range(shards):
        with open(os.path.join(directory, f"shard-{shard}.txt"), "w") as f:
            f.write(generate(shard, lines, vocabulary))


def main():
    if sys.argv[1] == "--emit":
        emit_all(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
        return
    shard, lines = int(sys.argv[1]), int(sys.argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    if os.path.exists("/in/shard.txt"):
        source = "/in/shard.txt"
        with open(source, encoding="utf-8", errors="replace") as f:
            text = f.read()
    else:
        source = "generated"
        with open(os.path.join(here, "vocabulary.txt")) as f:
            vocabulary = f.read().split()
        text = generate(shard, lines, vocabulary)
    counts = Counter(re.findall(r"[a-z]+", text.lower()))
    with open("/out/counts.tsv", "w") as f:
        for word in sorted(counts):
            f.write(f"{word}\t{counts[word]}\n")
    total = sum(counts.values())
    with open("/out/summary.json", "w") as f:
        json.dump({"shard": shard, "source": source, "bytes": len(text.encode()), "words": total, "distinct": len(counts)}, f)
        f.write("\n")
    print(f"shard {shard} ({source}): {len(text)} characters, {total} words, {len(counts)} distinct")


if __name__ == "__main__":
    main()
