#!/usr/bin/env python3
"""One tile of the Mandelbrot set: escape-time iteration counts for its pixels.

The picture spans re in [-2.2, 0.8] and im in [-1.125, 1.125] (top row = largest im) at WIDTH x HEIGHT
pixels, cut into COLS x ROWS tiles; tile T is column T % COLS, row T // COLS. Pixel (px, py) is the
point c = (-2.2 + (px + 0.5) * 3.0 / WIDTH, 1.125 - (py + 0.5) * 2.25 / HEIGHT). Its count is the first
k < MAXITER with x*x + y*y > 4 after k steps of (x, y) <- (x*x - y*y + cx, 2*x*y + cy) from 0, or
MAXITER if it never escapes. Each operation is one IEEE double operation, so every machine (and a
test in C#) gets the same counts.

Usage: tile.py TILE WIDTH HEIGHT COLS ROWS MAXITER → /out/tile.u16 (little-endian counts, row-major)
and /out/tile.json (where the tile goes).
"""
import json
import sys

import numpy as np

tile, width, height, cols, rows, maxiter = map(int, sys.argv[1:7])
col, row = tile % cols, tile // cols
x0, x1 = col * width // cols, (col + 1) * width // cols
y0, y1 = row * height // rows, (row + 1) * height // rows
px = np.arange(x0, x1, dtype=np.float64)
py = np.arange(y0, y1, dtype=np.float64)
cx_row = -2.2 + (px + 0.5) * (3.0 / width)
cy_col = 1.125 - (py + 0.5) * (2.25 / height)
cx = np.tile(cx_row, len(py))
cy = np.repeat(cy_col, len(px))

counts = np.full(cx.shape, maxiter, dtype=np.uint16)
x = np.zeros_like(cx)
y = np.zeros_like(cy)
alive = np.arange(cx.size)
for k in range(maxiter):
    xx = x * x
    yy = y * y
    out = xx + yy > 4.0
    if out.any():
        counts[alive[out]] = k
        keep = ~out
        alive, x, y, xx, yy = alive[keep], x[keep], y[keep], xx[keep], yy[keep]
        if alive.size == 0:
            break
    ccx, ccy = cx[alive], cy[alive]
    y = 2.0 * x * y + ccy
    x = xx - yy + ccx

counts.astype("<u2").tofile("/out/tile.u16")
with open("/out/tile.json", "w") as f:
    json.dump({"tile": tile, "x0": x0, "y0": y0, "width": x1 - x0, "height": y1 - y0,
               "image_width": width, "image_height": height, "maxiter": maxiter,
               "inside": int(np.count_nonzero(counts == maxiter))}, f)
    f.write("\n")
print(f"tile {tile} at ({x0},{y0}) {x1 - x0}x{y1 - y0}: {int(np.count_nonzero(counts == maxiter))} pixels inside")
