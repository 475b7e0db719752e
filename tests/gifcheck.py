# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks of a GIF file by tools independent of ours, shared by the tests' scripts:
FFmpeg's frame count (ffprobe), gifsicle --info (which warns about anything off in a GIF: a
missing trailer, bad LZW data, a frame past the screen...), FFmpeg's SSIM against raw frames."""
import re
import shutil
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def need(tool):
    if shutil.which(tool) is None:
        fail("%s is not installed (scripts/packages.txt; run scripts/setup)" % tool)


def ffprobe_frames(path):
    """The number of frames FFmpeg decodes from `path`, and its size (width, height)."""
    need("ffprobe")
    proc = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
         "stream=nb_read_frames,width,height", "-of", "csv=p=0", path],
        capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 or proc.stderr.strip():
        fail("ffprobe %s: %s" % (path, proc.stderr.strip() or "exit %d" % proc.returncode))
    width, height, frames = proc.stdout.strip().split(",")
    return int(frames), (int(width), int(height))


def gifsicle_images(path):
    """The number of images gifsicle --info finds in `path`; any warning fails."""
    need("gifsicle")
    proc = subprocess.run(["gifsicle", "--info", path], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0 or proc.stderr.strip():
        fail("gifsicle --info %s: %s" % (path, proc.stderr.strip() or "exit %d" % proc.returncode))
    m = re.match(r"\* \S+ (\d+) images?\b", proc.stdout)
    if not m:
        fail("gifsicle --info %s said %r" % (path, proc.stdout[:200]))
    return int(m.group(1))


def check_gif(path, frames, size=None, what=None):
    """`path` is a GIF that FFmpeg and gifsicle both read without complaint, with `frames`
    images (a number, or a (low, high) range) of `size` (width, height) if given."""
    what = what or path
    with open(path, "rb") as f:
        head = f.read(6)
    if head != b"GIF89a":
        fail("%s: not a GIF89a file (it starts %r)" % (what, head))
    got, got_size = ffprobe_frames(path)
    images = gifsicle_images(path)
    low, high = frames if isinstance(frames, tuple) else (frames, frames)
    if not low <= got <= high:
        fail("%s: FFmpeg reads %d frames, expected %s" % (what, got, frames))
    if images != got:
        fail("%s: gifsicle finds %d images, FFmpeg %d frames" % (what, images, got))
    if size and got_size != tuple(size):
        fail("%s: %dx%d, expected %dx%d" % ((what,) + got_size + tuple(size)))
    return got


def ssim(gif, raw, size, fps):
    """FFmpeg's SSIM (All) of `gif` against `raw` (rgb24 frames of `size` at `fps`), frame by
    frame: both are renumbered, so the GIF's delays do not matter."""
    need("ffmpeg")
    w, h = size
    proc = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", gif, "-f", "rawvideo",
         "-video_size", "%dx%d" % (w, h), "-pix_fmt", "rgb24", "-i", raw, "-lavfi",
         "[0:v]settb=1/%d,setpts=N,format=rgb24[a];[1:v]settb=1/%d,setpts=N[b];[a][b]ssim"
         % (fps, fps), "-f", "null", "-"],
        capture_output=True, text=True, timeout=300)
    m = re.findall(r"SSIM.* All:([0-9.]+)", proc.stderr)
    if proc.returncode != 0 or not m:
        fail("ffmpeg ssim of %s: %s" % (gif, proc.stderr[-500:]))
    return float(m[-1])
