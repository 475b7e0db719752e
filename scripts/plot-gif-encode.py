#!/usr/bin/env python3
"""Plots the GIF encode size/quality curve written by scripts/bench-gif-encode.

Usage: plot-gif-encode.py <curve.tsv> <out.png> [subtitle]
The TSV has the columns impl, param, value, bytes, ssim, psnr_db: gifenc's `colors` and `lossy`
sweeps and FFmpeg's palettegen `max_colors` points, drawn as bytes (x) against SSIM (y).
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")  # no display on the build machines
import matplotlib.pyplot as plt  # noqa: E402

SERIES = [  # (impl, param, label, style, label offset in points: lossy=0 and colors=256 coincide)
    ("mk", "colors", "gifenc colors= (lossy=0)", dict(color="tab:blue", marker="o"), (6, -12)),
    ("mk", "lossy", "gifenc lossy= (colors=256)", dict(color="tab:green", marker="s"), (-16, 6)),
    ("ffmpeg", "max_colors", "FFmpeg palettegen max_colors=", dict(color="tab:red", marker="^"),
     (6, -12)),
]


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    for impl, param, label, style, offset in SERIES:
        pts = sorted(
            (int(r["bytes"]), float(r["ssim"]), r["value"])
            for r in rows
            if r["impl"] == impl and r["param"] == param
        )
        if not pts:
            continue
        ax.plot([p[0] / 1e6 for p in pts], [p[1] for p in pts], label=label, linewidth=1.5, **style)
        for x, y, v in pts:
            ax.annotate(v, (x / 1e6, y), textcoords="offset points", xytext=offset,
                        fontsize=8, color=style["color"])
    title = "GIF encode: size vs quality"
    if len(argv) > 3:
        title += f" ({argv[3]})"
    ax.set_title(title)
    ax.set_xlabel("file size (MB)")
    ax.set_ylabel("SSIM vs source (RGB, all frames)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
