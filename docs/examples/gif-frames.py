#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Read the frames of an animated GIF into an application (gif-frames.cpp, in Python):

  uridecodebin (picks gifdemux ! gifdec) ! videoconvert ! video/x-raw,format=RGBA ! appsink

Needs PyGObject and GStreamer's typelibs (Debian: python3-gi python3-gst-1.0
gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0).
Run: python3 gif-frames.py a.gif [frames.rgba]   (a path or a URI; the plugins must be on
     GST_PLUGIN_PATH, or installed)

Prints one line per frame: its index, timestamp and duration in nanoseconds (from the GIF's
delays), and its size. With a second argument, writes the frames' pixels there one after the
other (RGBA, rows without padding), which is how the test suite checks them.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
gi.require_version("GstVideo", "1.0")
from gi.repository import Gst, GstApp, GstVideo  # noqa: E402,F401  (GstApp: appsink's API)


def main(argv):
    Gst.init(None)
    if len(argv) < 2:
        print("usage: %s FILE-OR-URI [FRAMES.rgba]" % argv[0], file=sys.stderr)
        return 2

    # uridecodebin wants a URI; accept a plain path too.
    uri = argv[1] if Gst.uri_is_valid(argv[1]) else Gst.filename_to_uri(argv[1])
    pipeline = Gst.parse_launch(
        'uridecodebin uri="%s" ! videoconvert ! video/x-raw,format=RGBA ! '
        "appsink name=sink sync=false" % uri)  # raises GLib.Error when it cannot be built
    out = open(argv[2], "wb") if len(argv) > 2 else None
    frames = 0

    def on_new_sample(sink):
        # Called on the streaming thread for every decoded frame.
        nonlocal frames
        sample = sink.pull_sample()
        buffer = sample.get_buffer()
        # The caps say the size and the row stride.
        info = GstVideo.VideoInfo.new_from_caps(sample.get_caps())
        print("frame %d pts %d duration %d size %dx%d"
              % (frames, buffer.pts, buffer.duration, info.width, info.height), flush=True)
        if out:
            ok, mapped = buffer.map(Gst.MapFlags.READ)
            if not ok:
                return Gst.FlowReturn.ERROR
            stride, row = info.stride[0], info.width * 4
            for y in range(info.height):
                out.write(mapped.data[info.offset[0] + y * stride:][:row])
            buffer.unmap(mapped)
        frames += 1
        return Gst.FlowReturn.OK

    sink = pipeline.get_by_name("sink")
    sink.set_property("emit-signals", True)
    sink.connect("new-sample", on_new_sample)

    # Run until the end of the file, or an error (a missing file, a damaged GIF...).
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    status = 0
    if msg.type == Gst.MessageType.ERROR:
        error, debug = msg.parse_error()
        print("error from %s: %s\n(%s)" % (msg.src.get_name(), error.message, debug),
              file=sys.stderr)
        status = 1
    pipeline.set_state(Gst.State.NULL)

    if out:
        out.close()
    print("%d frames" % frames, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
