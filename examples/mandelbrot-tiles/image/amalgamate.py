#!/usr/bin/env python3
"""Stitches /in/<unit>/tile.u16 into one picture, /out/mandelbrot.png, and writes /out/result.txt.

Colours: a point inside the set (count = MAXITER) is black; an escaping point with count k gets the
viridis colour at t = (k % 32) / 31, a cyclic palette that shows the bands around the set.
result.txt also estimates the set's area from the share of pixels inside (known: about 1.5066).
"""
import glob
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pngkit  # noqa: E402

tiles = []
for d in sorted(glob.glob("/in/*/")):
    with open(os.path.join(d, "tile.json")) as f:
        tiles.append((json.load(f), os.path.join(d, "tile.u16")))
if not tiles:
    sys.exit("no tiles under /in")
width, height, maxiter = tiles[0][0]["image_width"], tiles[0][0]["image_height"], tiles[0][0]["maxiter"]

counts = np.full((height, width), -1, dtype=np.int32)
for meta, path in tiles:
    block = np.fromfile(path, dtype="<u2").reshape(meta["height"], meta["width"])
    counts[meta["y0"]:meta["y0"] + meta["height"], meta["x0"]:meta["x0"] + meta["width"]] = block
missing = int(np.count_nonzero(counts < 0))

palette = np.array([pngkit.colour(i / 31) for i in range(32)], dtype=np.uint8)
rgb = palette[np.clip(counts, 0, None) % 32]
rgb[counts == maxiter] = (0, 0, 0)
rgb[counts < 0] = (255, 0, 255)  # a missing tile shows as magenta
pngkit.write_png("/out/mandelbrot.png", width, height, rgb.astype(np.uint8).tobytes())

inside = int(np.count_nonzero(counts == maxiter))
area = inside * (3.0 / width) * (2.25 / height)
text = (
    f"image          {width} x {height} pixels, re [-2.2, 0.8], im [-1.125, 1.125]\n"
    f"tiles          {len(tiles)}\n"
    f"max iterations {maxiter}\n"
    f"missing pixels {missing}\n"
    f"inside the set {inside} pixels\n"
    f"area estimate  {area:.4f} (pixel count; the set's area is about 1.5066)\n"
    f"picture        mandelbrot.png\n"
)
with open("/out/result.txt", "w") as f:
    f.write(text)
print(text, end="")
