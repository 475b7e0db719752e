#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Make a GIF in memory from frames an application draws (gif-from-app.cpp, in Python):

  appsrc (RGBA frames) ! gifenc ! gifmux ! appsink (the GIF's bytes)

Needs PyGObject and GStreamer's typelibs (Debian: python3-gi python3-gst-1.0
gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0).
Run: python3 gif-from-app.py out.gif   (the plugins must be on GST_PLUGIN_PATH, or installed)

The program checks what it made by decoding it again (appsrc ! gifdemux ! gifdec ! appsink)
and exits non-zero if anything is off, so the test suite runs it as a test.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
from gi.repository import Gst, GstApp  # noqa: E402,F401  (GstApp: appsrc's and appsink's API)

WIDTH, HEIGHT, FRAMES, FPS = 64, 48, 20, 10


def draw_frame(i):
    """Frame i: a red square moving over a blue background."""
    pixels = bytearray()
    for y in range(HEIGHT):
        for x in range(WIDTH):
            square = i * 2 <= x < i * 2 + 16 and 16 <= y < 32
            pixels += bytes((255, 20, 20, 255) if square else (20, 20, 200, 255))
    buf = Gst.Buffer.new_wrapped(bytes(pixels))
    buf.pts = Gst.util_uint64_scale(i, Gst.SECOND, FPS)
    buf.duration = Gst.util_uint64_scale(1, Gst.SECOND, FPS)
    return buf


def run(pipeline, buffers):
    """Pushes every buffer into appsrc "src" of `pipeline`, then EOS, and returns what appsink
    "sink" gives until EOS (a list of bytes). Raises RuntimeError on a pipeline error."""
    src, sink = pipeline.get_by_name("src"), pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    for b in buffers:
        src.emit("push-buffer", b)
    src.emit("end-of-stream")
    out = []
    while True:
        sample = sink.emit("pull-sample")  # None at EOS, or when the pipeline fails
        if sample is None:
            break
        buf = sample.get_buffer()
        out.append(buf.extract_dup(0, buf.get_size()))
    err = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if err:
        raise RuntimeError(err.parse_error()[0].message)
    return out


def main(argv):
    Gst.init(None)

    # 1. Encode: RGBA frames in, the GIF's bytes out.
    enc = Gst.parse_launch(
        "appsrc name=src format=time caps=video/x-raw,format=RGBA,width=%d,height=%d,"
        "framerate=%d/1 ! gifenc ! gifmux ! appsink name=sink sync=false"
        % (WIDTH, HEIGHT, FPS))
    frames = [draw_frame(i) for i in range(FRAMES)]
    gif = b"".join(run(enc, frames))
    print("made a GIF of %d bytes from %d frames" % (len(gif), FRAMES))
    if not gif.startswith(b"GIF89a") or not gif.endswith(b"\x3b"):
        print("that is not a complete GIF", file=sys.stderr)
        return 1
    if len(argv) > 1:
        with open(argv[1], "wb") as f:
            f.write(gif)

    # 2. Check: decode the bytes again and compare every frame with what was drawn.
    dec = Gst.parse_launch(
        "appsrc name=src caps=image/gif ! gifdemux ! gifdec ! video/x-raw,format=RGBA ! "
        "appsink name=sink sync=false")
    decoded = run(dec, [Gst.Buffer.new_wrapped(gif)])
    bad = 0
    if len(decoded) != FRAMES:
        print("decoded %d frames, drew %d" % (len(decoded), FRAMES), file=sys.stderr)
        bad += 1
    for i, (drawn, got) in enumerate(zip(frames, decoded)):
        # Three colours only: the GIF is lossless.
        if drawn.extract_dup(0, drawn.get_size()) != got:
            print("frame %d differs from what was drawn" % i, file=sys.stderr)
            bad += 1
    print("decoded it again: %s" % ("MISMATCH" if bad else "every frame as drawn"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
