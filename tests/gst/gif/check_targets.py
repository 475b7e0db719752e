#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The `gif` encoding target and gifenc's presets, used the way GStreamer users use them. Every
GIF made is checked by FFmpeg (frame count, size) and gifsicle --info (no warning):

- gst-inspect-1.0 gifenc lists the four presets, with their comments;
- encodebin profile=gif, gif/small, gif/best and gif/default/file-extension (gst-launch-1.0);
- the profile as a caps string, image/gif,parsed=false:image/gif,parsed=true;
- each preset named in a profile string (caps+preset), each giving a different file, and the
  same preset set on gifenc with gst-launch-1.0's `gifenc @preset=…` giving the same bytes;
- the profiles keep their promise on a clip of gradients (FFmpeg's mandelbrot): small < default
  < best in bytes, best closer to the source than default (FFmpeg's SSIM);
- ges-launch-1.0 -o out.gif picks the target by the file's extension.

Runs in the test environment (tests/meson.build): our plugins, GST_PRESET_PATH and
GST_ENCODING_TARGET_PATH at gst/gif's folders; XDG_DATA_HOME is a fresh folder, so no preset or
target of the user's is seen.
"""
import os
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from gifcheck import check_gif, fail, need, ssim  # noqa: E402

W, H, FPS, FRAMES = 96, 72, 30, 30
PRESETS = ["faithful", "screen-recording", "web", "web-small"]
GIF_CAPS = "image/gif,parsed=false:image/gif,parsed=true"


def run(cmd, expect_ok=True):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    if expect_ok and proc.returncode != 0:
        fail("%s exited with %d:\n%s%s" % (" ".join(cmd), proc.returncode, proc.stdout[-2000:],
                                            proc.stderr[-2000:]))
    return proc


def encode(tmp, clip, profile, name, encoder=None):
    """The clip through encodebin profile=`profile` (or the elements `encoder`, a list) into a
    file; returns its path and size."""
    out = os.path.join(tmp, name + ".gif")
    run(["gst-launch-1.0", "-q", "filesrc", "location=" + clip, "!", "rawvideoparse",
         "use-sink-caps=false", "format=rgb", "width=%d" % W, "height=%d" % H,
         "framerate=%d/1" % FPS, "!"] + (encoder or ["encodebin", "profile=" + profile]) +
        ["!", "filesink", "location=" + out])
    return out, os.path.getsize(out)


def check_inspect():
    out = run(["gst-inspect-1.0", "gifenc"]).stdout
    if "\nPresets:\n" not in out:
        fail("gst-inspect-1.0 gifenc lists no presets:\n" + out[-1500:])
    listed = out.split("\nPresets:\n", 1)[1].splitlines()
    for preset in PRESETS:
        line = [l for l in listed if l.strip().startswith('"%s":' % preset)]
        if not line or len(line[0].split(":", 1)[1].strip()) < 10:
            fail("gst-inspect-1.0 gifenc does not list preset %s with its comment:\n%s"
                 % (preset, "\n".join(listed)))
    print("ok: gst-inspect-1.0 gifenc lists %s" % ", ".join(PRESETS))


def check_profiles(tmp, clip):
    sizes = {}
    for profile, frames in [("gif", FRAMES), ("gif/default/file-extension", FRAMES),
                            ("gif/best", FRAMES),
                            # at most 15 fps: videorate gives 15 frames a second, and one more
                            # at the end of the stream
                            ("gif/small", (FRAMES // 2, FRAMES // 2 + 1))]:
        path, sizes[profile] = encode(tmp, clip, profile, profile.replace("/", "-"))
        n = check_gif(path, frames, (W, H), "encodebin profile=" + profile)
        print("ok: encodebin profile=%s: %d frames, %d bytes" % (profile, n, sizes[profile]))
    if not sizes["gif/small"] < sizes["gif"] < sizes["gif/best"]:
        fail("bytes: small %d, default %d, best %d: expected small < default < best"
             % (sizes["gif/small"], sizes["gif"], sizes["gif/best"]))
    default_ssim = ssim(os.path.join(tmp, "gif.gif"), clip, (W, H), FPS)
    best_ssim = ssim(os.path.join(tmp, "gif-best.gif"), clip, (W, H), FPS)
    if not best_ssim > default_ssim:
        fail("SSIM: best %.5f, default %.5f: best should be closer to the source"
             % (best_ssim, default_ssim))
    print("ok: small < default < best in bytes; SSIM best %.5f > default %.5f"
          % (best_ssim, default_ssim))


def check_caps_string(tmp, clip):
    """The profile as a caps string, as docs/gifenc.md writes it (parsed=false: the file)."""
    path, _ = encode(tmp, clip, GIF_CAPS, "caps")
    check_gif(path, FRAMES, (W, H), "encodebin profile=" + GIF_CAPS)
    print("ok: encodebin profile=%s" % GIF_CAPS)


def check_presets(tmp, clip):
    sizes = {}
    for preset in PRESETS:
        profile = "%s+%s" % (GIF_CAPS, preset)
        path, sizes[preset] = encode(tmp, clip, profile, "preset-" + preset)
        check_gif(path, FRAMES, (W, H), "preset " + preset)
        # gst-launch-1.0's own syntax for a preset, on gifenc ! gifmux written by hand
        direct, _ = encode(tmp, clip, None, "at-preset-" + preset,
                           ["gifenc", "@preset=" + preset, "!", "gifmux"])
        check_gif(direct, FRAMES, (W, H), "gifenc @preset=" + preset)
        if open(direct, "rb").read() != open(path, "rb").read():
            fail("gifenc @preset=%s and encodebin profile=...+%s made different files"
                 % (preset, preset))
        print("ok: preset %s: %d bytes, the same through gifenc @preset=%s"
              % (preset, sizes[preset], preset))
    if len(set(sizes.values())) != len(PRESETS):
        fail("two presets made files of the same size, so one was not applied: %s" % sizes)
    if not sizes["web-small"] < sizes["web"] < sizes["faithful"]:
        fail("bytes: %s: expected web-small < web < faithful" % sizes)


def check_ges(tmp):
    need("ges-launch-1.0")
    out = os.path.join(tmp, "ges.gif")
    # Two seconds at 10 fps: 20 frames.
    run(["ges-launch-1.0", "-o", out, "+track", "video",
         "restrictions=video/x-raw,width=%d,height=%d,framerate=10/1" % (W, H),
         "+test-clip", "smpte", "d=2.0"])
    n = check_gif(out, 20, (W, H), "ges-launch-1.0 -o out.gif")
    print("ok: ges-launch-1.0 -o out.gif: %d frames" % n)


def main():
    if os.environ.get("MK_SANITIZE", "none") not in ("", "none"):
        print("skipped: gst-launch-1.0 and ges-launch-1.0 cannot load plugins built with "
              "-Db_sanitize=%s" % os.environ["MK_SANITIZE"])
        sys.exit(77)
    need("ffmpeg")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = os.path.join(tmp, "xdg")
        # One second of FFmpeg's mandelbrot: gradients that change every frame.
        clip = os.path.join(tmp, "mandelbrot.rgb")
        run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
             "mandelbrot=size=%dx%d:rate=%d" % (W, H, FPS), "-frames:v", str(FRAMES), "-f",
             "rawvideo", "-pix_fmt", "rgb24", clip])
        check_inspect()
        check_profiles(tmp, clip)
        check_caps_string(tmp, clip)
        check_presets(tmp, clip)
        check_ges(tmp)


if __name__ == "__main__":
    main()
