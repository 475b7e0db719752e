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
  check_example.py gif-transcode [--python] -- COMMAND...
      COMMAND IN OUT.gif [PROFILE] turns a video file (one second of FFmpeg's testsrc2, 30 fps,
      MJPEG in AVI, made here) into a GIF with the gif encoding target: 30 frames with the
      default profile, 15 or 16 with `small` (15 fps at most), checked by FFmpeg (frame count,
      size) and gifsicle --info (no warning); an unknown profile is refused (exit 2).

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

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from gifcheck import check_gif, fail, need  # noqa: E402

SKIP = 77
# The typelibs each example imports.
TYPELIBS = {"gif-frames": ["Gst", "GstApp", "GstVideo"], "gif-from-app": ["Gst", "GstApp"],
            "gif-transcode": ["Gst", "GstPbutils", "GstTranscoder"]}


def python_with_gi(typelibs):
    sanitize = os.environ.get("MK_SANITIZE", "none")
    if sanitize not in ("", "none"):
        print("skipped: the plugins are built with -Db_sanitize=%s, which a Python interpreter "
              "cannot load (the sanitizer runtime must be the first library loaded)" % sanitize,
              file=sys.stderr)
        sys.exit(SKIP)
    probe = "import gi; " + "".join("gi.require_version('%s', '1.0'); " % t for t in typelibs)
    probe += "from gi.repository import " + ", ".join(typelibs)
    seen = []
    for exe in ("/usr/bin/python3", sys.executable, shutil.which("python3")):
        if not exe or exe in seen or not os.path.exists(exe):
            continue
        seen.append(exe)
        if subprocess.run([exe, "-c", probe], capture_output=True).returncode == 0:
            return exe
    print("skipped: no Python here can import PyGObject with the %s typelibs (tried %s); "
          "install python3-gi, python3-gst-1.0, gir1.2-gstreamer-1.0, "
          "gir1.2-gst-plugins-base-1.0 and gir1.2-gst-plugins-bad-1.0"
          % (", ".join(typelibs), ", ".join(seen)), file=sys.stderr)
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


def run(command, *args, status=0):
    proc = subprocess.run(command + list(args), capture_output=True, text=True, timeout=300)
    sys.stderr.write(proc.stderr)
    if proc.returncode != status:
        fail("%s exited with %d, not %d" % (" ".join(command + list(args)), proc.returncode,
                                            status))
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


def check_gif_transcode(command, tmp):
    need("ffmpeg")
    video = os.path.join(tmp, "in.avi")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=96x72:rate=30", "-frames:v", "30", "-c:v", "mjpeg", video],
                   check=True, timeout=300)
    for profile, frames, extra in [("default", 30, []), ("small", (15, 16), ["small"])]:
        out = os.path.join(tmp, profile + ".gif")
        print(run(command, video, out, *extra), end="")
        # videorate gives 15 frames a second for `small`, and may add one at the end.
        n = check_gif(out, frames, (96, 72), "profile " + profile)
        print("ok: profile %s: %d frames of 96x72" % (profile, n))
    run(command, video, os.path.join(tmp, "none.gif"), "no-such-profile", status=2)
    print("ok: an unknown profile is refused")


def main(argv):
    if "--" not in argv:
        fail("usage: see the top of this file")
    sep = argv.index("--")
    opts, command = argv[1:sep], argv[sep + 1:]
    if "--python" in opts:
        opts.remove("--python")
        command = [python_with_gi(TYPELIBS.get(opts[0] if opts else "", ["Gst"]))] + command
    as_uri = "--uri" in opts
    if as_uri:
        opts.remove("--uri")
    with tempfile.TemporaryDirectory() as tmp:
        if opts[:1] == ["gif-frames"] and len(opts) == 3:
            check_gif_frames(opts[1], opts[2], command, tmp, as_uri)
        elif opts == ["gif-from-app"]:
            check_gif_from_app(command, tmp)
        elif opts == ["gif-transcode"]:
            check_gif_transcode(command, tmp)
        else:
            fail("usage: see the top of this file")


if __name__ == "__main__":
    main(sys.argv)
