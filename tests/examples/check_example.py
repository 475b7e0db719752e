#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs an embedding example of docs/examples and checks what it made.

  check_example.py gif-frames GIF REFERENCE.rgba [--uri] [--python] -- COMMAND...
      COMMAND GIF FRAMES.rgba (GIF as a file:// URI with --uri) must print one line per frame, "frame I pts NS duration NS size
      WxH": as many frames as GIF has images, timestamps and durations from GIF's delays, the
      screen's size, and FRAMES.rgba equal to REFERENCE.rgba (the canvases, RGBA).
  check_example.py gif-from-app [--python] -- COMMAND...
      COMMAND OUT.gif must exit 0 and write a complete GIF of 20 images of 64x48, 10 cs each
      (what gif-from-app draws: 20 frames at 10 fps).

With --python, COMMAND starts with a Python script that needs PyGObject and GStreamer's
typelibs: it is run by the first of /usr/bin/python3, this interpreter and python3 on PATH that
can import them, and the check is skipped (exit 77) when none can.
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
GI_PROBE = ("import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstApp', '1.0'); "
            "gi.require_version('GstVideo', '1.0'); from gi.repository import Gst, GstApp, GstVideo")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def python_with_gi():
    sanitize = os.environ.get("MK_SANITIZE", "none")
    if sanitize not in ("", "none"):
        print("skipped: the plugins are built with -Db_sanitize=%s, which a Python interpreter "
              "cannot load (the sanitizer runtime must be the first library loaded)" % sanitize,
              file=sys.stderr)
        sys.exit(SKIP)
    seen = []
    for exe in ("/usr/bin/python3", sys.executable, shutil.which("python3")):
        if not exe or exe in seen or not os.path.exists(exe):
            continue
        seen.append(exe)
        if subprocess.run([exe, "-c", GI_PROBE], capture_output=True).returncode == 0:
            return exe
    print("skipped: no Python here can import PyGObject with the Gst, GstApp and GstVideo "
          "typelibs (tried %s); install python3-gi, python3-gst-1.0, gir1.2-gstreamer-1.0 and "
          "gir1.2-gst-plugins-base-1.0" % ", ".join(seen), file=sys.stderr)
    sys.exit(SKIP)


def gif_info(data):
    """Walks a GIF's blocks: (width, height, [delay in cs of each image])."""
    if len(data) < 13 or data[:6] != b"GIF89a":
        fail("not a GIF89a file (%d bytes)" % len(data))
    width, height = data[6] | data[7] << 8, data[8] | data[9] << 8
    pos = 13
    if data[10] & 0x80:
        pos += 3 << ((data[10] & 7) + 1)
    delays, delay = [], None

    def skip_sub_blocks(pos):
        while True:
            if pos >= len(data):
                fail("truncated GIF")
            n = data[pos]
            pos += 1
            if n == 0:
                return pos
            pos += n

    while True:
        if pos >= len(data):
            fail("GIF without a trailer")
        block = data[pos]
        pos += 1
        if block == 0x3B:
            return width, height, delays
        if block == 0x21:
            if data[pos] == 0xF9:
                delay = data[pos + 3] | data[pos + 4] << 8
            pos = skip_sub_blocks(pos + 1)
        elif block == 0x2C:
            packed = data[pos + 8]
            pos += 9
            if packed & 0x80:
                pos += 3 << ((packed & 7) + 1)
            pos = skip_sub_blocks(pos + 1)  # after the LZW minimum code size
            delays.append(delay)
            delay = None
        else:
            fail("unknown GIF block 0x%02x at %d" % (block, pos - 1))


def run(command, *args):
    proc = subprocess.run(command + list(args), capture_output=True, text=True, timeout=300)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        fail("%s exited with %d" % (" ".join(command), proc.returncode))
    return proc.stdout


def check_gif_frames(gif, reference, command, tmp, as_uri):
    width, height, delays = gif_info(open(gif, "rb").read())
    ref = open(reference, "rb").read()
    frame_bytes = width * height * 4
    if len(ref) != len(delays) * frame_bytes:
        fail("the reference holds %d bytes, not %d frames of %dx%d" %
             (len(ref), len(delays), width, height))
    out = os.path.join(tmp, "frames.rgba")
    lines = run(command, pathlib.Path(gif).absolute().as_uri() if as_uri else gif,
                out).splitlines()
    print("\n".join(lines))
    if len(lines) != len(delays):
        fail("%d frames printed, the GIF has %d images" % (len(lines), len(delays)))
    pts = 0
    for i, (line, delay) in enumerate(zip(lines, delays)):
        # Delays of 0 and 1 cs play as 10 cs (gifdemux's default min-delay and default-delay).
        cs = 10 if delay is None or delay < 2 else delay
        want = "frame %d pts %d duration %d size %dx%d" % (i, pts, cs * 10_000_000, width, height)
        if line != want:
            fail("line %d is %r, expected %r" % (i, line, want))
        pts += cs * 10_000_000
    got = open(out, "rb").read()
    if got != ref:
        bad = [i for i in range(len(delays))
               if got[i * frame_bytes:(i + 1) * frame_bytes] != ref[i * frame_bytes:(i + 1) * frame_bytes]]
        fail("pixels differ from %s (%d bytes written, %d expected; frames %s)" %
             (reference, len(got), len(ref), bad))
    print("ok: %d frames, timestamps, durations and pixels as expected" % len(delays))


def check_gif_from_app(command, tmp):
    out = os.path.join(tmp, "out.gif")
    print(run(command, out), end="")
    width, height, delays = gif_info(open(out, "rb").read())
    if (width, height) != (64, 48):
        fail("screen %dx%d, expected 64x48" % (width, height))
    if delays != [10] * 20:
        fail("delays %s, expected 20 of 10 cs" % delays)
    print("ok: a GIF of 20 images of 64x48, 10 cs each")


def main(argv):
    if "--" not in argv:
        fail("usage: see the top of this file")
    sep = argv.index("--")
    opts, command = argv[1:sep], argv[sep + 1:]
    if "--python" in opts:
        opts.remove("--python")
        command = [python_with_gi()] + command
    as_uri = "--uri" in opts
    if as_uri:
        opts.remove("--uri")
    with tempfile.TemporaryDirectory() as tmp:
        if opts[:1] == ["gif-frames"] and len(opts) == 3:
            check_gif_frames(opts[1], opts[2], command, tmp, as_uri)
        elif opts == ["gif-from-app"]:
            check_gif_from_app(command, tmp)
        else:
            fail("usage: see the top of this file")


if __name__ == "__main__":
    main(sys.argv)
