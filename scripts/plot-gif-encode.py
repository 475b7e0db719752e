#!/usr/bin/env python3
"""Size/quality curves of scripts/bench-gif-encode: the plot, and the BD-rates.

Usage: plot-gif-encode.py <curve.tsv> <out.png> [subtitle]   one panel a clip, bytes (x) vs SSIM (y)
       plot-gif-encode.py --bd <curve.tsv>                   BD-rates and dominance, as bench= lines
The TSV has the columns clip, impl, param, value, bytes, ssim, psnr_db: gifenc's `quality` sweep
(impl mk), gifski's --quality sweep and FFmpeg's palettegen max_colors sweep.

BD-rate of gifenc against a peer: the mean difference of log(size) at equal SSIM over the SSIM
range both curves cover, each curve's log-size interpolated linearly in SSIM between its points
(points that another point of the same curve beats on both size and SSIM are left out first),
given as exp(mean) - 1; when a curve is left with one point, the difference at that point's SSIM: -20 % means gifenc needs 20 % fewer bytes for the same SSIM.
"dominates gifski q=N" says whether some gifenc point is no larger and has an SSIM no lower than
gifski's point N.
"""

import csv
import math
import sys


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def curve(rows, clip, impl):
    return [(int(r["bytes"]), float(r["ssim"]), r["value"]) for r in rows
            if r["clip"] == clip and r["impl"] == impl]


def front(points):
    """The points no other point beats on both size and SSIM, by size."""
    out = []
    for b, s, *_ in sorted(points, key=lambda p: (p[0], -p[1])):
        if not out or s > out[-1][1]:
            out.append((b, s))
    return out


def log_size_at(points, ssim):
    pts = sorted((s, math.log(b)) for b, s in points)
    for (s0, l0), (s1, l1) in zip(pts, pts[1:]):
        if s0 <= ssim <= s1:
            return l0 if s1 == s0 else l0 + (l1 - l0) * (ssim - s0) / (s1 - s0)
    return None


def bd_rate(ours, theirs, steps=200):
    a, b = front(ours), front(theirs)
    if len(a) < 2 and len(b) < 2:
        return None, None
    if len(a) < 2 or len(b) < 2:
        # One curve is a single point (every other point of it is beaten by that one): the
        # log-size difference at its SSIM, read off the other curve.
        one, other, sign = (b[0], a, 1) if len(b) < 2 else (a[0], b, -1)
        at = log_size_at(other, one[1])
        if at is None:
            return None, None
        return math.exp(sign * (at - math.log(one[0]))) - 1, (one[1], one[1])
    lo = max(min(s for _, s in a), min(s for _, s in b))
    hi = min(max(s for _, s in a), max(s for _, s in b))
    if hi <= lo:
        return None, None
    total = 0.0
    for i in range(steps + 1):
        s = lo + (hi - lo) * i / steps
        total += log_size_at(a, s) - log_size_at(b, s)
    return math.exp(total / (steps + 1)) - 1, (lo, hi)


def bd_lines(rows):
    clips = list(dict.fromkeys(r["clip"] for r in rows))
    means = {}
    for clip in clips:
        mk = curve(rows, clip, "mk")
        for peer in ("gifski", "ffmpeg"):
            theirs = curve(rows, clip, peer)
            if not theirs:
                continue
            bd, span = bd_rate(mk, theirs)
            if bd is None:
                print(f"bench=gif-encode-bd clip={clip} vs={peer} bd_rate=none note=no-overlap")
                continue
            means.setdefault(peer, []).append(bd)
            print(f"bench=gif-encode-bd clip={clip} vs={peer} bd_rate={100 * bd:+.1f}% "
                  f"ssim_range={span[0]:.4f}..{span[1]:.4f}")
        for b, s, v in curve(rows, clip, "gifski"):
            if v not in ("60", "75", "90"):
                continue
            best = [(mb, ms, mv) for mb, ms, mv in mk if mb <= b and ms >= s]
            how = f"yes(quality={max(best, key=lambda p: p[1])[2]})" if best else "no"
            print(f"bench=gif-encode-dominates clip={clip} gifski_quality={v} bytes={b} "
                  f"ssim={s:.5f} gifenc_no_larger_no_worse={how}")
    for peer, values in means.items():
        print(f"bench=gif-encode-bd clip=mean vs={peer} bd_rate={100 * sum(values) / len(values):+.1f}%"
              f" clips={len(values)}")


STYLES = {
    "mk": ("gifenc quality=", dict(color="tab:blue", marker="o")),
    "gifski": ("gifski 1.7.1 --quality", dict(color="tab:green", marker="s")),
    "ffmpeg": ("FFmpeg palettegen max_colors=", dict(color="tab:red", marker="^")),
}


def plot(rows, out, subtitle):
    import matplotlib

    matplotlib.use("Agg")  # no display on the build machines
    import matplotlib.pyplot as plt

    clips = list(dict.fromkeys(r["clip"] for r in rows))
    cols = min(3, len(clips))
    nrows = (len(clips) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(5.2 * cols, 4.2 * nrows), dpi=100, squeeze=False)
    for ax, clip in zip([a for row in axes for a in row], clips):
        for impl, (label, style) in STYLES.items():
            pts = sorted(curve(rows, clip, impl))
            if not pts:
                continue
            ax.plot([p[0] / 1e6 for p in pts], [p[1] for p in pts], label=label, linewidth=1.3,
                    markersize=4, **style)
            for x, y, v in pts:
                ax.annotate(v, (x / 1e6, y), textcoords="offset points", xytext=(4, -9),
                            fontsize=6, color=style["color"])
        ax.set_title(clip)
        ax.set_xlabel("file size (MB)")
        ax.set_ylabel("SSIM vs source")
        ax.grid(True, alpha=0.3)
        ax.legend(loc="lower right", fontsize=7)
    for ax in [a for row in axes for a in row][len(clips):]:
        ax.axis("off")
    fig.suptitle("GIF encode: size vs quality" + (f" ({subtitle})" if subtitle else ""))
    fig.tight_layout()
    fig.savefig(out)


def main(argv):
    if len(argv) == 3 and argv[1] == "--bd":
        bd_lines(read(argv[2]))
        return 0
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    plot(read(argv[1]), argv[2], argv[3] if len(argv) > 3 else "")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
