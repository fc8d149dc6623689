#!/usr/bin/env python3
"""One work unit of read matching: find where each read of one shard lies in a reference genome.

Reference: /in/reference.txt (A, C, G, T only; line breaks and a FASTA '>' header line are ignored)
when the job stages one, otherwise generated here from a fixed seed (generate_reference()).
Reads: /in/reads.txt (one read per line) when staged, otherwise generated from the shard index
(generate_reads()): READ_LEN-base pieces of the reference, half of them reverse-complemented, with
0-3 substitutions, and one in ten a random sequence that should match nowhere.

A hit is every (strand, position) where the read (strand +) or its reverse complement (strand -)
differs from reference[position : position + READ_LEN] in at most MAX_MISMATCHES bases. Search:
the read is cut into four 16-base seeds; with at most 2 mismatches at least two seeds match exactly
(pigeonhole), so looking every seed up in a sorted index of the reference's 16-mers and verifying
each candidate finds every hit. Writes /out/hits.tsv (read, strand, position, mismatches; sorted)
and /out/summary.json.

Usage: match.py SHARD READS REF_LEN                   (REF_LEN: the size of a generated reference)
       match.py --emit-reference REF_LEN FILE          (write the generated reference as FASTA, to stage it)
"""
import json
import os
import sys

import numpy as np

MASK = (1 << 64) - 1
READ_LEN = 64
SEED = 16
MAX_MISMATCHES = 2
BASES = "ACGT"


class Lcg:
    """The examples' deterministic generator: a 64-bit LCG (Knuth's MMIX constants), 31-bit outputs."""

    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 12345) & MASK

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & MASK
        return self.state >> 33


def generate_reference(length):
    g = Lcg(1_000_003)
    return "".join(BASES[(g.next() >> 29) & 3] for _ in range(length))


def revcomp(s):
    return s[::-1].translate(str.maketrans("ACGT", "TGCA"))


def generate_reads(shard, count, reference):
    g = Lcg(2_000_000 + shard)
    reads = []
    for _ in range(count):
        if g.next() % 10 == 0:
            reads.append("".join(BASES[(g.next() >> 29) & 3] for _ in range(READ_LEN)))
            continue
        pos = g.next() % (len(reference) - READ_LEN + 1)
        minus = g.next() % 2 == 1
        read = list(reference[pos:pos + READ_LEN])
        for _ in range(g.next() % 4):
            at = g.next() % READ_LEN
            read[at] = BASES[(BASES.index(read[at]) + 1 + g.next() % 3) % 4]
        read = "".join(read)
        reads.append(revcomp(read) if minus else read)
    return reads


def encode(s):
    table = np.full(256, 255, dtype=np.uint8)
    for i, b in enumerate(BASES):
        table[ord(b)] = i
    return table[np.frombuffer(s.encode("ascii"), dtype=np.uint8)]


def kmer_codes(codes, k):
    """Code of every k-mer (2 bits per base) starting at 0 .. len - k."""
    n = len(codes) - k + 1
    out = np.zeros(max(n, 0), dtype=np.uint64)
    for j in range(k):
        out = (out << np.uint64(2)) | codes[j:j + n].astype(np.uint64)
    return out


def read_text(path):
    with open(path) as f:
        return "".join(line.strip().upper() for line in f if not line.startswith(">"))


def main():
    if sys.argv[1] == "--emit-reference":
        with open(sys.argv[3], "w") as f:
            f.write(">generated reference, %s bases\n" % sys.argv[2])
            ref = generate_reference(int(sys.argv[2]))
            f.write("\n".join(ref[i:i + 80] for i in range(0, len(ref), 80)) + "\n")
        return
    shard, count, ref_len = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    staged_ref = os.path.exists("/in/reference.txt")
    reference = read_text("/in/reference.txt") if staged_ref else generate_reference(ref_len)
    if os.path.exists("/in/reads.txt"):
        with open("/in/reads.txt") as f:
            reads = [line.strip().upper() for line in f if line.strip()]
    else:
        reads = generate_reads(shard, count, reference)

    ref = encode(reference)
    index_codes = kmer_codes(ref, SEED)
    order = np.argsort(index_codes, kind="stable")
    sorted_codes = index_codes[order]

    hits = []
    for r, read in enumerate(reads):
        found = set()
        for strand, seq in (("+", read), ("-", revcomp(read))):
            q = encode(seq)
            if len(q) != READ_LEN or (q == 255).any():
                continue
            seeds = kmer_codes(q, SEED)[0::SEED][:READ_LEN // SEED]
            lo = np.searchsorted(sorted_codes, seeds, side="left")
            hi = np.searchsorted(sorted_codes, seeds, side="right")
            for s in range(len(seeds)):
                for start in order[lo[s]:hi[s]]:
                    pos = int(start) - s * SEED
                    if pos < 0 or pos + READ_LEN > len(ref) or (strand, pos) in found:
                        continue
                    found.add((strand, pos))
                    mismatches = int(np.count_nonzero(ref[pos:pos + READ_LEN] != q))
                    if mismatches <= MAX_MISMATCHES:
                        hits.append((r, strand, pos, mismatches))
    hits.sort()
    with open("/out/hits.tsv", "w") as f:
        for r, strand, pos, mm in hits:
            f.write(f"s{shard}r{r}\t{strand}\t{pos}\t{mm}\n")
    mapped = len({h[0] for h in hits})
    summary = {"shard": shard, "reads": len(reads), "mapped": mapped, "hits": len(hits),
               "reference_length": len(reference), "reference": "staged" if staged_ref else "generated",
               "by_mismatches": [sum(1 for h in hits if h[3] == m) for m in range(MAX_MISMATCHES + 1)]}
    with open("/out/summary.json", "w") as f:
        json.dump(summary, f)
        f.write("\n")
    print(f"shard {shard}: {len(reads)} reads, {mapped} mapped, {len(hits)} hits")


if __name__ == "__main__":
    main()
