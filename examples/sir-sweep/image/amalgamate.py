#!/usr/bin/env python3
"""The SIR sweep's amalgamation: /in/<unit>/result.json → a table and a heat map.

Writes to /out:
  results.csv   one row per (beta, gamma): R0, final size, peak infected, peak day
  table.md      final size (% of the population ever infected) as a beta x gamma table
  heatmap.png   the same grid as colours (viridis, 0 = dark purple .. 1 = yellow); x: beta, y: gamma;
                a white dot marks R0 <= 1 (no epidemic expected)
  result.txt    a summary and the table
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pngkit  # noqa: E402

rows = []
for path in sorted(glob.glob("/in/*/result.json")):
    with open(path) as f:
        rows.append(json.load(f))
if not rows:
    sys.exit("no unit results under /in")

betas = sorted({r["beta"] for r in rows})
gammas = sorted({r["gamma"] for r in rows})
grid = {(r["beta"], r["gamma"]): r for r in rows}

with open("/out/results.csv", "w") as f:
    f.write("beta,gamma,r0,final_size,peak_infected,peak_day\n")
    for r in sorted(rows, key=lambda r: (r["beta"], r["gamma"])):
        f.write(f"{r['beta']!r},{r['gamma']!r},{r['r0']:.6f},{r['final_size']:.10f},{r['peak_infected']:.10f},{r['peak_day']}\n")

lines = ["Final size of the epidemic (% ever infected) by transmission rate beta (columns) and recovery rate gamma (rows)", ""]
lines.append("| gamma \\ beta | " + " | ".join(f"{b:g}" for b in betas) + " |")
lines.append("|---|" + "---|" * len(betas))
for g in gammas:
    cells = [f"{100 * grid[(b, g)]['final_size']:.1f}" if (b, g) in grid else "" for b in betas]
    lines.append(f"| {g:g} | " + " | ".join(cells) + " |")
table = "\n".join(lines) + "\n"
with open("/out/table.md", "w") as f:
    f.write(table)

# Heat map: gamma grows upwards, beta to the right.
cw, ch, left, top, bottom, bar = 40, 28, 56, 16, 44, 70
width = left + cw * len(betas) + bar
height = top + ch * len(gammas) + bottom
canvas = pngkit.Canvas(width, height)
for xi, b in enumerate(betas):
    for yi, g in enumerate(gammas):
        x0, y0 = left + xi * cw, top + (len(gammas) - 1 - yi) * ch
        r = grid.get((b, g))
        if r is None:
            canvas.rect(x0, y0, cw, ch, (200, 200, 200))
            continue
        canvas.rect(x0, y0, cw, ch, pngkit.colour(r["final_size"]))
        if r["r0"] <= 1.0:
            canvas.rect(x0 + cw // 2 - 2, y0 + ch // 2 - 2, 4, 4, (255, 255, 255))
for xi, b in enumerate(betas):
    label = f"{b:g}".lstrip("0") or "0"
    canvas.text(left + xi * cw + (cw - pngkit.text_width(label)) // 2, top + ch * len(gammas) + 6, label)
canvas.text(left + (cw * len(betas)) // 2 - 4, top + ch * len(gammas) + 26, "b")
for yi, g in enumerate(gammas):
    label = f"{g:g}".lstrip("0") or "0"
    canvas.text(left - 6 - pngkit.text_width(label), top + (len(gammas) - 1 - yi) * ch + (ch - 10) // 2, label)
canvas.text(6, top + (ch * len(gammas)) // 2 - 5, "g")
# Colour bar: 0 at the bottom, 1 at the top.
bx, span = left + cw * len(betas) + 16, ch * len(gammas)
for k in range(span):
    canvas.rect(bx, top + span - 1 - k, 14, 1, pngkit.colour(k / max(1, span - 1)))
canvas.text(bx + 18, top, "1")
canvas.text(bx + 18, top + span // 2 - 5, ".5")
canvas.text(bx + 18, top + span - 10, "0")
canvas.save("/out/heatmap.png")

largest = max(rows, key=lambda r: r["final_size"])
epidemics = sum(1 for r in rows if r["final_size"] > 0.01)
summary = (
    f"units          {len(rows)}\n"
    f"betas          {len(betas)} ({betas[0]:g} .. {betas[-1]:g})\n"
    f"gammas         {len(gammas)} ({gammas[0]:g} .. {gammas[-1]:g})\n"
    f"epidemics      {epidemics} of {len(rows)} parameter pairs infect more than 1 %\n"
    f"largest        final size {largest['final_size']:.4f} at beta={largest['beta']:g} gamma={largest['gamma']:g} (R0 {largest['r0']:.2f})\n\n"
)
with open("/out/result.txt", "w") as f:
    f.write(summary + table)
print(summary + table, end="")
