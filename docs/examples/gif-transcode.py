#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Turn a video file into an animated GIF with the `gif` encoding target and GstTranscoder
(gif-transcode.cpp, in Python):

  python3 gif-transcode.py INPUT OUTPUT.gif [default|small|best]

The target (gif.gep, installed with the plugins) has three profiles; each makes the GIF with
gifenc and gifmux and loads one of gifenc's presets (default: `web`, small: `web-small` at 15
frames per second at most, best: `faithful`). GstTranscoder decodes INPUT (a path or a URI) with
whatever decoders are installed and encodes it as the profile says.

Needs PyGObject and GStreamer's typelibs (Debian: python3-gi python3-gst-1.0
gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-plugins-bad-1.0, which has
GstTranscoder). The plugins must be installed, or found from the build tree through
GST_PLUGIN_PATH, GST_PRESET_PATH and GST_ENCODING_TARGET_PATH (see the README).
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstPbutils", "1.0")
gi.require_version("GstTranscoder", "1.0")
from gi.repository import GLib, Gst, GstPbutils, GstTranscoder  # noqa: E402


def to_uri(arg):
    """A path or a URI, as a URI."""
    return arg if Gst.uri_is_valid(arg) else Gst.filename_to_uri(arg)


def main(argv):
    Gst.init(None)
    if len(argv) not in (3, 4):
        print("usage: %s INPUT OUTPUT.gif [default|small|best]" % argv[0], file=sys.stderr)
        return 2
    profile_name = argv[3] if len(argv) == 4 else "default"

    # The target by name and category, as encodebin's profile=gif and GES's -o out.gif find it.
    try:
        target = GstPbutils.EncodingTarget.load("gif", GstPbutils.ENCODING_CATEGORY_FILE_EXTENSION)
    except GLib.Error as e:
        target, why = None, e.message
    else:
        why = "not found"
    if target is None:
        print("No `gif` encoding target (%s): install the plugins, or point "
              "GST_ENCODING_TARGET_PATH at gst/gif/encoding-profiles." % why, file=sys.stderr)
        return 1
    profile = target.get_profile(profile_name)
    if profile is None:
        print("The gif target has no profile %s; it has: %s" % (
            profile_name, " ".join(p.get_name() for p in target.get_profiles())), file=sys.stderr)
        return 2
    print("profile %s: %s" % (profile_name, profile.get_description()))

    transcoder = GstTranscoder.Transcoder.new_full(to_uri(argv[1]), to_uri(argv[2]), profile)
    try:
        transcoder.run()
    except GLib.Error as e:
        print("Could not make %s: %s" % (argv[2], e.message), file=sys.stderr)
        return 1
    print("wrote %s" % argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
