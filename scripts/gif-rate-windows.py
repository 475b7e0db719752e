#!/usr/bin/env python3
"""Bitrate of a GIF over windows of display time, read from the file alone (an independent walk of
the GIF blocks, not gifenc's numbers): each frame's bytes (graphic control extension to the end of
its image data) at the time it starts showing; the header, palette and loop extension count at 0.

Usage: gif-rate-windows.py FILE.gif TARGET_KBPS [WINDOW_S] [STEP_S]
Prints one `bench=` line per window (every STEP_S seconds, default 1, of WINDOW_S, default 10,
whole windows only) and a summary with the worst deviation from TARGET_KBPS; exits 1 when a
window is more than 10 % off."""
import sys


def frames(data):
    """(start_cs, bytes) of every frame, and the bytes before the first one."""
    pos = 13
    flags = data[10]
    if flags & 0x80:
        pos += 3 * (2 << (flags & 7))
    header = None
    out, t, delay, rec = [], 0, 0, None

    def skip_blocks(p):
        while data[p]:
            p += data[p] + 1
        return p + 1

    while pos < len(data):
        b = data[pos]
        if b == 0x3B:
            break
        if b == 0x21:
            if data[pos + 1] == 0xF9:
                if header is None:
                    header = pos
                rec = pos
                delay = data[pos + 4] | data[pos + 5] << 8
            pos = skip_blocks(pos + 2)
        elif b == 0x2C:
            start = rec if rec is not None else pos
            if header is None:
                header = pos
            f = data[pos + 9]
            pos += 10
            if f & 0x80:
                pos += 3 * (2 << (f & 7))
            pos = skip_blocks(pos + 1)
            out.append((t, pos - start))
            t += delay
            rec, delay = None, 0
        else:
            raise SystemExit("unexpected block 0x%02x at %d" % (b, pos))
    return out, header or 0, t


def main():
    path, target = sys.argv[1], float(sys.argv[2])
    window = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    step = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    data = open(path, "rb").read()
    fr, header, total_cs = frames(data)
    worst, ok, n = 0.0, True, 0
    w0 = 0.0
    while w0 + window <= total_cs / 100.0 + 1e-9:
        b = sum(s for (t, s) in fr if w0 * 100 <= t < (w0 + window) * 100)
        if w0 == 0:
            b += header
        kbps = b * 8 / 1000.0 / window
        dev = kbps / target - 1
        worst = max(worst, abs(dev))
        ok = ok and abs(dev) <= 0.10
        print("bench=gif-bitrate-window start_s=%g kbps=%.1f target=%g dev=%+.1f%%"
              % (w0, kbps, target, 100 * dev))
        w0 += step
        n += 1
    avg = len(data) * 8 / 1000.0 / (total_cs / 100.0) if total_cs else 0
    print("bench=gif-bitrate file_bytes=%d shown_s=%.2f frames=%d mean_kbps=%.1f windows=%d "
          "worst_dev=%.1f%% verdict=%s" % (len(data), total_cs / 100.0, len(fr), avg, n,
                                            100 * worst, "pass" if ok and n else "miss"))
    return 0 if ok and n else 1


if __name__ == "__main__":
    sys.exit(main())
