#!/usr/bin/env python3
"""The SIR sweep's amalgamation: /in/<unit>/result.json → a table and a heat map.

Writes to /out:
  results.csv   one row per (beta, gamma): R0, final size, peak infected, peak day
  table.md      final size (% of the population ever infected) as a beta x gamma table
  heatmap.png   the same grid as a heat map (matplotlib, viridis 0 .. 1 with a colour bar; x: beta,
                y: gamma; each cell labelled with its %); a dashed line marks R0 = 1
  result.txt    a summary and the table
"""
import glob
import json
import sys

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection


def heat_map(betas, gammas, grid, path):
    """The final size on the (beta, gamma) grid, one cell per unit, with the R0 = 1 threshold drawn.

    The axes are the grid's own values (one column per beta, one row per gamma), so a sweep with uneven
    steps still gets equal cells. A missing unit leaves its cell empty (white).
    """
    final = np.full((len(gammas), len(betas)), np.nan)
    for (b, g), r in grid.items():
        final[gammas.index(g), betas.index(b)] = r["final_size"]
    fig, ax = plt.subplots(figsize=(8, 5.2), dpi=100, layout="constrained")
    image = ax.imshow(final, origin="lower", cmap="viridis", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    if len(betas) * len(gammas) <= 400:
        for yi in range(len(gammas)):
            for xi in range(len(betas)):
                if not np.isnan(final[yi, xi]):
                    ax.text(xi, yi, f"{100 * final[yi, xi]:.0f}", ha="center", va="center", fontsize=7,
                            color="white" if final[yi, xi] < 0.6 else "black")
    # The threshold: every cell edge between a cell with R0 <= 1 and one with R0 > 1.
    below = np.array([[b / g <= 1.0 for b in betas] for g in gammas])
    edges = []
    for yi in range(len(gammas)):
        for xi in range(len(betas)):
            if xi + 1 < len(betas) and below[yi, xi] != below[yi, xi + 1]:
                edges.append([(xi + 0.5, yi - 0.5), (xi + 0.5, yi + 0.5)])
            if yi + 1 < len(gammas) and below[yi, xi] != below[yi + 1, xi]:
                edges.append([(xi - 0.5, yi + 0.5), (xi + 0.5, yi + 0.5)])
    if edges:
        ax.add_collection(LineCollection(edges, colors="white", linewidths=2, linestyles="--"))
    ax.set_xticks(range(len(betas)), [f"{b:g}" for b in betas])
    ax.set_yticks(range(len(gammas)), [f"{g:g}" for g in gammas])
    ax.set_xlabel("transmission rate β (per day)")
    ax.set_ylabel("recovery rate γ (per day)")
    ax.set_title(f"SIR model: final size of the epidemic (% ever infected), {len(grid)} units\n"
                 "dashed: the threshold R₀ = β/γ = 1; above and left of it no epidemic", fontsize=10)
    fig.colorbar(image, ax=ax, label="final size (share of the population ever infected)")
    fig.savefig(path)
    plt.close(fig)


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

heat_map(betas, gammas, grid, "/out/heatmap.png")

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
