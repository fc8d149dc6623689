#!/usr/bin/env python3
"""Stitches /in/<unit>/tile.u16 into one picture, /out/mandelbrot.png, and writes /out/result.txt.

The picture is a matplotlib figure: the stitched rendering drawn pixel for pixel (figimage, never
resampled) inside axes labelled with the complex plane's coordinates, and a colour bar. Colours: a
point inside the set (count = MAXITER) is black; an escaping point with count k gets colour k % 32 of
viridis cut into 32 steps, a cyclic palette that shows the bands around the set; a missing tile would
show magenta. result.txt says where in the figure the rendering lies (the test reads it) and estimates
the set's area from the share of pixels inside (known: about 1.5066).
"""
import glob
import json
import os
import sys

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

BANDS = 32
DPI = 100

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

palette = ListedColormap(colormaps["viridis"](np.linspace(0, 1, BANDS)), name="viridis32")
rgb = (palette(np.clip(counts, 0, None) % BANDS)[:, :, :3] * 255).round().astype(np.uint8)
rgb[counts == maxiter] = (0, 0, 0)
rgb[counts < 0] = (255, 0, 255)

# Text grows with the picture so that it stays legible when the picture is shown smaller; the margins
# around the rendering (tick labels and axis titles, the title, the colour bar) grow with the text.
font = max(10.0, width / 80)
plt.rcParams["font.size"] = font
LEFT, RIGHT, BOTTOM, TOP = round(9 * font), round(17 * font), round(7 * font), round(5 * font)
fig_w, fig_h = LEFT + width + RIGHT, BOTTOM + height + TOP
fig = plt.figure(figsize=(fig_w / DPI, fig_h / DPI), dpi=DPI)
fig.figimage(rgb, xo=LEFT, yo=BOTTOM, origin="upper", zorder=0)
# Transparent axes exactly over the rendering: ticks and labels around it, nothing drawn inside.
ax = fig.add_axes((LEFT / fig_w, BOTTOM / fig_h, width / fig_w, height / fig_h), zorder=1)
ax.patch.set_visible(False)
ax.set_xlim(-2.2, 0.8)
ax.set_ylim(-1.125, 1.125)
ax.tick_params(direction="out")
ax.set_xlabel("Re c")
ax.set_ylabel("Im c")
ax.set_title(f"Mandelbrot set\n{width} x {height} pixels, {len(tiles)} tiles, at most {maxiter} iterations")
bar_ax = fig.add_axes(((LEFT + width + 3 * font) / fig_w, BOTTOM / fig_h, 1.6 * font / fig_w, height / fig_h))
scale = plt.cm.ScalarMappable(norm=BoundaryNorm(np.arange(BANDS + 1) - 0.5, BANDS), cmap=palette)
bar = fig.colorbar(scale, cax=bar_ax, ticks=[0, 8, 16, 24, 31])
bar.set_label("escape iterations mod 32 (black: inside the set)")
if missing:
    ax.legend(handles=[Patch(color="magenta", label=f"missing: {missing} pixels")], loc="lower left", fontsize=8)
fig.savefig("/out/mandelbrot.png", dpi=DPI)
# The canvas is the figure's size in whole pixels (rounded down); the rendering sits BOTTOM pixels above its bottom.
fig_w, fig_h = fig.canvas.get_width_height()
plt.close(fig)

inside = int(np.count_nonzero(counts == maxiter))
area = inside * (3.0 / width) * (2.25 / height)
text = (
    f"image          {width} x {height} pixels, re [-2.2, 0.8], im [-1.125, 1.125]\n"
    f"tiles          {len(tiles)}\n"
    f"max iterations {maxiter}\n"
    f"missing pixels {missing}\n"
    f"inside the set {inside} pixels\n"
    f"area estimate  {area:.4f} (pixel count; the set's area is about 1.5066)\n"
    f"picture        mandelbrot.png, {fig_w} x {fig_h}: the rendering pixel for pixel at column {LEFT}, row {fig_h - BOTTOM - height}\n"
)
with open("/out/result.txt", "w") as f:
    f.write(text)
print(text, end="")
