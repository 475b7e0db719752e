#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs GStreamer's gst-validate 1.22 tools over our elements: the meson suite `validate`.

  run_validate.py [--work DIR] scenario MODE SCENARIO GIF...
      gst-validate-1.0 --set-scenario SCENARIO over each GIF played in MODE (see MODES); a GIF
      shorter than the scenario's min-media-duration is skipped, as gst-validate-launcher does.
  run_validate.py [--work DIR] media-check MODE EXPECTED_DIR GIF...
      gst-validate-media-check-1.0 -e EXPECTED_DIR/<GIF>.media_info over each GIF, the frames'
      checksums compared too; the expectation is first checked against ffprobe.
  run_validate.py [--work DIR] update-media-info EXPECTED_DIR GIF...
      (re)writes the expectations, after checking them against ffprobe.
  run_validate.py [--work DIR] encode
      videotestsrc ! gifenc ! gifmux ! filesink under gst-validate-1.0; the file is checked.
  run_validate.py [--work DIR] transcode GEP GIF
      gst-validate-transcoding-1.0 -o GEP (an encoding target: gifenc's frames in gifmux's file)
      of GIF to a new GIF; the file is checked.
  run_validate.py [--work DIR] flush-mux SCENARIO RGBA
      appsrc ! gifenc ! gifmux ! filesink, driven by SCENARIO (frames of RGBA, 40x30, pushed,
      flushed, pushed again); the file must be a valid GIF.

A run passes when the tool ends by itself with status 0, no critical issue was reported, and no
warning on our elements (gifdemux, gifdec, gifenc, gifmux), on the pipeline as a whole (a
position past the duration) or on the scenario, except the known quirks of GStreamer 1.22 in
QUIRKS (filtered by issue id, each only where it applies). Warnings on stock elements and
issue-level reports (the lowest level) are listed, not failed on: 1.22's own elements raise some
now and then (appsrc after a flush, inputselector in a playbin cycled 40 times); so are reports
whose cause can be the machine's load (TIMING_DEPENDENT). Reports are collected as
gst-validate-launcher does: the tools send each one, with its issue id, as JSON to a local socket
(GST_VALIDATE_SERVER). Every tool runs under a hang guard (KILL after HANG_GUARD_S; a crash makes
gst-validate spin for a debugger, which the runner sees and ends at once).

The gst-validate build comes from scripts/validate-build (exit 77, skipped, without
../shared/tools/gst-validate). Outputs and logs go to --work (default: a temporary folder).
"""
import argparse
import hashlib
import json
import os
import pathlib
import re
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

SKIP = 77
TOP = pathlib.Path(__file__).resolve().parents[2]
VALIDATE_BUILD = TOP / "scripts" / "validate-build"
OWN_SCENARIOS = pathlib.Path(__file__).resolve().parent / "scenarios"
# A hang guard, not a time limit: the longest run (pause_resume on an 8 s GIF) takes 10-17 s.
HANG_GUARD_S = 120
# Our elements by the names they get: encodebin (transcoding) names its muxer, gifmux, "muxer".
OUR_ELEMENTS = re.compile(r"^((gifdemux|gifdec|gifenc|gifmux)\d*|muxer)(:|$)")
# Reports that depend on how busy the machine is: listed, never failed on. An action due at a
# playback time is run when the scenario's main-loop source next sees the position past it; if
# EOS comes first, 1.22 warns "Got EOS before action playback time". fast_forward's last actions
# have milliseconds between their playback time and EOS (32x on the last 0.3 s), so a loaded
# machine misses them: 2 runs in 10 of fast_forward in pull mode at a load of 36.
TIMING_DEPENDENT = {"scenario::action-ended-early"}
# Reports on the pipeline as a whole (its position beyond its duration, an error on its bus).
WHOLE_PIPELINE = re.compile(r"^(pipeline\d*|playbin\d*|uritranscodebin)$")

# How each mode plays a file. playbin* go through uridecodebin/decodebin2 and typefinding; pull
# and push are the gst-launch pipelines of the README.
MODES = {
    "playbin": lambda f: ["playbin", "uri=" + f.as_uri(), "video-sink=fakevideosink"],
    "playbin-push": lambda f: ["playbin", "uri=pushfile://" + str(f), "video-sink=fakevideosink"],
    "pull": lambda f: ["filesrc", "location=" + str(f), "!", "gifdemux", "!", "gifdec", "!",
                       "videoconvert", "!", "fakevideosink"],
    "push": lambda f: ["filesrc", "location=" + str(f), "!", "queue", "!", "gifdemux", "!",
                       "gifdec", "!", "videoconvert", "!", "fakevideosink"],
}
DECODEBIN_MODES = ("playbin", "playbin-push", "media-check")


class Quirk:
    """A known report of GStreamer 1.22 itself, not of our elements: filtered where it applies."""

    def __init__(self, issue_id, why, where, detected_on=None, details=None, after=None):
        self.issue_id, self.why, self.where = issue_id, why, where
        self.detected_on = re.compile(detected_on) if detected_on else None
        self.details = re.compile(details, re.S) if details else None
        self.after = after  # only once this other quirk matched in the same run

    def matches(self, report, ctx, matched):
        return (report.get("issue-id") == self.issue_id and self.where(ctx)
                and (not self.detected_on or self.detected_on.search(report.get("detected-on", "")))
                and (not self.details or self.details.search(report.get("details") or ""))
                and (not self.after or self.after in matched))


QUIRKS = [
    Quirk("event::caps-duplicate",
          "decodebin2 (in playbin, uridecodebin, media-check) sends the caps of a pad "
          "it links once more: 1.22 reports it on stock elements as well (qtdemux, avdec_h264, "
          "matroskademux, pngparse)",
          where=lambda ctx: ctx["mode"] in DECODEBIN_MODES),
    Quirk("buffer::before-segment",
          "parsebin (in decodebin3, which transcoding uses) blocks a demuxer's source pad that "
          "needs no parser, and its blocking probe handles the sticky events: validate's monitor "
          "never sees the segment. 1.22's wavparse and avidemux get the same in parsebin",
          where=lambda ctx: ctx["mode"] == "transcode", detected_on=r"^gifdemux\d+:src$"),
    Quirk("event::eos-without-segment",
          "the same as buffer::before-segment, at EOS",
          where=lambda ctx: ctx["mode"] == "transcode", detected_on=r"^gifdemux\d+:src$"),
    Quirk("runtime::error-on-bus",
          "gst_parse_launch links a sometimes pad once: after NULL, gifdemux's new source pad "
          "stays unlinked in a gst-launch pipeline (change_state_intensive cycles it); in push "
          "mode the queue before gifdemux posts the not-linked error",
          where=lambda ctx: ctx["mode"] in ("pull", "push")
          and ctx.get("scenario") == "change_state_intensive",
          detected_on=r"^pipeline\d+$", details=r"(GstGifDemux:gifdemux|GstQueue:queue)\d+:\s*streaming stopped, reason not-linked"),
    Quirk("scenario::not-ended",
          "follows the not-linked error above: the run ends with the scenario's cycles left",
          where=lambda ctx: ctx.get("scenario") == "change_state_intensive",
          after="runtime::error-on-bus"),
]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def validate_env():
    """The environment for the tools: this test's (plugins, registry) plus gst-validate's."""
    proc = subprocess.run([str(VALIDATE_BUILD)], stdout=subprocess.PIPE, text=True)
    if proc.returncode == SKIP:
        sys.exit(SKIP)
    if proc.returncode != 0:
        fail("scripts/validate-build failed")
    prefix = pathlib.Path(proc.stdout.strip().splitlines()[-1])
    env = dict(os.environ)
    for line in (prefix / "mk-env").read_text().splitlines():
        key, _, value = line.partition("=")
        if key in ("PATH", "LD_LIBRARY_PATH", "GST_VALIDATE_SCENARIOS_PATH"):
            value = ":".join(v for v in (value, env.get(key)) if v)
        env[key] = value
    env["GST_VALIDATE_SCENARIOS_PATH"] = str(OWN_SCENARIOS) + ":" + env["GST_VALIDATE_SCENARIOS_PATH"]
    for tool in ("ffprobe", "ffmpeg", "identify"):
        if not shutil.which(tool):
            fail("%s is needed to check the tools' results (scripts/packages.txt)" % tool)
    return env


class Reports:
    """gst-validate-launcher's side of GST_VALIDATE_SERVER: length-prefixed JSON messages, read
    while the tool runs (a full socket would block it) and to the end once it is gone."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.server, selectors.EVENT_READ)
        self.buffers, self.messages = {}, []

    def pump(self, timeout):
        """Accepts and reads what is there, waiting up to timeout seconds for something."""
        for key, _ in self.sel.select(timeout):
            if key.fileobj is self.server:
                conn, _ = self.server.accept()
                self.buffers[conn] = b""
                self.sel.register(conn, selectors.EVENT_READ)
                continue
            conn = key.fileobj
            data = conn.recv(65536)
            if not data:
                self.sel.unregister(conn)
                conn.close()
                del self.buffers[conn]
                continue
            buf = self.buffers[conn] + data
            while len(buf) >= 4:
                (n,) = struct.unpack(">I", buf[:4])
                if len(buf) < 4 + n:
                    break
                self.messages.append(json.loads(buf[4:4 + n].decode("utf-8", "replace")))
                buf = buf[4 + n:]
            self.buffers[conn] = buf

    def finish(self):
        """Once the tool is gone: every connection it made is pending or open, and ends in EOF."""
        while True:
            pending = any(k.fileobj is self.server for k, _ in self.sel.select(0))
            if not pending and not self.buffers:
                break
            self.pump(None)
        msgs, self.messages = self.messages, []
        return msgs


class Runner:
    def __init__(self, work):
        self.env = validate_env()
        self.work = work
        self.reports = Reports()
        self.failed = []

    def tool(self, name, args, ctx, cwd=None):
        """Runs a gst-validate tool; returns (status, reports, log path, seconds). Status None: hung."""
        log = self.work / (re.sub(r"[^A-Za-z0-9_.-]+", "_", ctx["label"]) + ".log")
        env = dict(self.env, GST_VALIDATE_SERVER="tcp://127.0.0.1:%d" % self.reports.port,
                   GST_VALIDATE_UUID=ctx["label"])
        start = time.monotonic()
        with open(log, "w") as out:
            proc = subprocess.Popen([name] + args, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env, cwd=cwd or self.work,
                                    start_new_session=True)
            status, seen = None, 0
            with open(log, "rb") as tail:
                while time.monotonic() - start < HANG_GUARD_S:
                    self.reports.pump(0.2)
                    status = proc.poll()
                    if status is not None:
                        break
                    tail.seek(max(0, seen - 64))  # the marker may straddle two reads
                    new = tail.read()
                    seen = tail.tell()
                    if b"<Caught SIGNAL" in new:
                        status = "crash"
                        break
            if status is None or status == "crash":
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        reports = [m for m in self.reports.finish() if m.get("type") == "report"]
        return status, reports, log, time.monotonic() - start

    def judge(self, status, reports, ctx):
        """Sorts one run's reports; returns (reasons it failed, filtered quirks, other reports)."""
        bad, filtered, listed, matched = [], [], [], set()
        for r in reports:
            quirk = next((q for q in QUIRKS if q.matches(r, ctx, matched)), None)
            where = r.get("detected-on", "")
            if quirk:
                matched.add(quirk.issue_id)
                filtered.append(r)
            elif r.get("issue-id") in TIMING_DEPENDENT:
                listed.append(r)
            elif r.get("level") == "critical" or (
                    r.get("level") == "warning"
                    and (OUR_ELEMENTS.search(where) or WHOLE_PIPELINE.search(where)
                         or where == ctx.get("scenario"))):
                bad.append(r)
            elif r.get("level") in ("warning", "issue"):
                listed.append(r)
        reasons = []
        if status is None:
            reasons.append("hung: killed after %d s (a hang guard; the run takes seconds)" % HANG_GUARD_S)
        elif status == "crash":
            reasons.append("crashed (gst-validate caught a signal)")
        elif status != 0 and not (status == 18 and not any(r["level"] == "critical" for r in bad)
                                  and any(r["level"] == "critical" for r in filtered)):
            reasons.append("exit status %d" % status)
        for r in bad:
            reasons.append("%s %s on %s: %s" % (r["level"], r.get("issue-id"), r.get("detected-on"),
                                                 (r.get("details") or r.get("summary", "")).strip()[:600]))
        return reasons, filtered, listed

    @staticmethod
    def summarise(reports, what):
        """One line per issue id: how many reports, on which objects (first few)."""
        by_id = {}
        for r in reports:
            by_id.setdefault((r.get("level"), r.get("issue-id")), []).append(r.get("detected-on"))
        for (level, issue), where in sorted(by_id.items()):
            names = sorted(set(where))
            print("       %s %s %s x%d on %s" % (what, level, issue, len(where),
                                                 ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")))

    def run(self, name, args, ctx, check=None, cwd=None):
        status, reports, log, secs = self.tool(name, args, ctx, cwd)
        reasons, filtered, listed = self.judge(status, reports, ctx)
        if check and status not in (None, "crash"):
            reasons += check()
        verdict = "ok  " if not reasons else "FAIL"
        print("%s %s (%.1f s)" % (verdict, ctx["label"], secs), flush=True)
        self.summarise(filtered, "filtered quirk:")
        self.summarise(listed, "not failing:")
        if reasons:
            for reason in reasons:
                print("     - " + reason)
            lines = [l for l in log.read_text(errors="replace").splitlines()
                     if not l.startswith("<position") and not re.match(r"^\s+(\S+ \(/|\?\? \(|_)", l)]
            print("     log %s, last lines:\n       " % log + "\n       ".join(lines[-15:]))
            self.failed.append(ctx["label"])
        return status

    def finish(self):
        if self.failed:
            fail("%d run(s) failed: %s" % (len(self.failed), ", ".join(self.failed)))
        print("all runs passed")


# --- independent checks (FFmpeg, ImageMagick), never our own code -------------------------------

def ffprobe_gif(path):
    """FFmpeg's view of a GIF: size, duration, and each frame's pts and duration in ns."""
    proc = subprocess.run(["ffprobe", "-v", "error", "-of", "json", "-show_streams",
                           "-show_format", "-show_packets", str(path)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return None, proc.stderr.strip()
    info = json.loads(proc.stdout)
    s = info["streams"][0]
    num, den = (int(x) for x in s["time_base"].split("/"))
    ns = lambda t: int(t) * 1000000000 * num // den
    frames = [(ns(p["pts"]), ns(p["duration"])) for p in info.get("packets", [])]
    return {"width": s["width"], "height": s["height"], "frames": frames,
            "duration": float(info["format"].get("duration", 0))}, proc.stderr.strip()


def check_gif_file(path, width, height, min_frames, max_frames=None):
    """The file is a whole, valid GIF for FFmpeg and ImageMagick: reasons if not."""
    if not path.exists():
        return ["%s was not written" % path.name]
    data = path.read_bytes()
    reasons = []
    if data[:6] not in (b"GIF87a", b"GIF89a") or data[-1:] != b";":
        reasons.append("%s: not a GIF from its first to its last byte (starts %r, ends %r, %d bytes)"
                       % (path.name, data[:6], data[-1:], len(data)))
    info, err = ffprobe_gif(path)
    if info is None:
        return reasons + ["ffprobe cannot read %s: %s" % (path.name, err)]
    dec = subprocess.run(["ffmpeg", "-v", "error", "-xerror", "-i", str(path), "-f", "null", "-"],
                         capture_output=True, text=True)
    if dec.returncode != 0 or dec.stderr.strip():
        reasons.append("FFmpeg cannot decode %s: %s" % (path.name, dec.stderr.strip()[:300]))
    im = subprocess.run(["identify", str(path)], capture_output=True, text=True)
    if im.returncode != 0 or im.stderr.strip():
        reasons.append("ImageMagick cannot read %s: %s" % (path.name, im.stderr.strip()[:300]))
    if (info["width"], info["height"]) != (width, height):
        reasons.append("%s is %dx%d, not %dx%d" % (path.name, info["width"], info["height"], width, height))
    n = len(info["frames"])
    if n < min_frames or (max_frames is not None and n > max_frames):
        reasons.append("%s has %d frames, not %d..%s" % (path.name, n, min_frames, max_frames or "any"))
    if im.returncode == 0 and len(im.stdout.splitlines()) != n:
        reasons.append("%s: ImageMagick sees %d frames, FFmpeg %d" % (path.name, len(im.stdout.splitlines()), n))
    return reasons


# --- media-check expectations --------------------------------------------------------------------

def canonical_uri(gif):
    """The URI written in a checked-in expectation: the same in every clone."""
    return "file:///gst-mediakit/" + str(gif.resolve().relative_to(TOP))


def media_frames(path):
    """(stream caps, [(pts, dts, duration, checksum)]) of a media-check file."""
    root = ET.parse(path).getroot()
    streams = root.findall("./streams/stream")
    if len(streams) != 1:
        raise ValueError("%s: %d streams, a GIF has 1" % (path, len(streams)))
    frames = [(int(f.get("pts")), int(f.get("dts")), int(f.get("duration")), f.get("checksum"))
              for f in streams[0].findall("frame")]
    return streams[0].get("caps"), frames, root


def check_expectation_with_ffprobe(expected, gif):
    """The frames an expectation records are FFmpeg's frames: its times are not our code's word."""
    info, err = ffprobe_gif(gif)
    if info is None:
        return ["ffprobe cannot read %s: %s" % (gif, err)]
    _, frames, root = media_frames(expected)
    ours = [(pts, dur) for pts, _, dur, _ in frames]
    reasons = []
    if ours != info["frames"]:
        reasons.append("%s: frames (pts, duration) %s, FFmpeg's %s" % (expected.name, ours, info["frames"]))
    if int(root.get("duration")) != sum(d for _, d in info["frames"]):
        reasons.append("%s: duration %s ns, FFmpeg's frames add up to %d"
                       % (expected.name, root.get("duration"), sum(d for _, d in info["frames"])))
    return reasons


def expectation_path(expected_dir, gif):
    return expected_dir / (gif.name + ".media_info")


def cmd_media_check(runner, mode, expected_dir, gifs):
    for gif in gifs:
        expected = expectation_path(expected_dir, gif)
        if not expected.exists():
            fail("no expectation %s: make it with `ninja -C build update-validate-media-info`" % expected)
        actual = runner.work / (gif.name + "." + mode + ".media_info")
        uri = gif.as_uri() if mode == "playbin" else "pushfile://" + str(gif)
        ctx = {"mode": "media-check", "label": "media-check %s %s" % (mode, gif.name)}

        def check(expected=expected, actual=actual, gif=gif):
            reasons = check_expectation_with_ffprobe(expected, gif)
            if not actual.exists():
                return reasons + ["media-check wrote no %s" % actual.name]
            _, want, _ = media_frames(expected)
            _, got, _ = media_frames(actual)
            # media-check 1.22 compares times and counts but not the frames' checksums.
            if [f[3] for f in want] != [f[3] for f in got]:
                reasons.append("frame checksums differ from %s" % expected.name)
            return reasons

        runner.run("gst-validate-media-check-1.0", ["-e", str(expected), "-o", str(actual), uri],
                   ctx, check)


def cmd_update_media_info(runner, expected_dir, gifs):
    expected_dir.mkdir(parents=True, exist_ok=True)
    for gif in gifs:
        out = runner.work / (gif.name + ".media_info")
        ctx = {"mode": "media-check", "label": "update-media-info " + gif.name}
        if runner.run("gst-validate-media-check-1.0", ["-f", "-o", str(out), gif.as_uri()], ctx) != 0:
            continue
        # Location-independent: the URI and the stream id media-check derives from it (the sha256
        # of the URI, which media-check accepts for any path of the same file).
        text = out.read_text()
        uri, canon = gif.as_uri(), canonical_uri(gif)
        sha = lambda u: hashlib.sha256(u.encode()).hexdigest()
        text = text.replace('uri="%s"' % uri, 'uri="%s"' % canon).replace(sha(uri), sha(canon))
        out.write_text(text)
        reasons = check_expectation_with_ffprobe(out, gif)
        if reasons:
            runner.failed.append(ctx["label"])
            print("     - " + "\n     - ".join(reasons))
            continue
        shutil.copyfile(out, expectation_path(expected_dir, gif))
        print("     wrote %s" % expectation_path(expected_dir, gif))


# --- scenarios -----------------------------------------------------------------------------------

def scenario_min_duration(env, name):
    """The scenario's min-media-duration (gst-validate-launcher skips shorter media)."""
    for d in env["GST_VALIDATE_SCENARIOS_PATH"].split(":"):
        path = pathlib.Path(d) / (name + ".scenario")
        if path.exists():
            m = re.search(r"min[-_]media[-_]duration\s*=\s*([0-9.]+)", path.read_text())
            return float(m.group(1)) if m else 0.0
    fail("no scenario %s in %s" % (name, env["GST_VALIDATE_SCENARIOS_PATH"]))


def cmd_scenario(runner, mode, scenario, gifs):
    min_duration = scenario_min_duration(runner.env, scenario)
    for gif in gifs:
        label = "%s %s %s" % (mode, scenario, gif.name)
        info, err = ffprobe_gif(gif)
        if info is None:
            fail("ffprobe cannot read %s: %s" % (gif, err))
        if info["duration"] < min_duration:
            print("skip %s: %.2f s, shorter than the scenario's min-media-duration %.1f s"
                  % (label, info["duration"], min_duration))
            continue
        ctx = {"mode": mode, "scenario": scenario, "label": label}
        status = runner.run("gst-validate-1.0", ["--set-scenario", scenario] + MODES[mode](gif), ctx)
        if status is None:
            print("     the other files are not run: one hang is enough to fail, and each costs %d s"
                  % HANG_GUARD_S)
            break


def cmd_encode(runner):
    out = runner.work / "encode.gif"
    out.unlink(missing_ok=True)
    args = ["videotestsrc", "num-buffers=30", "pattern=ball", "!",
            "video/x-raw,width=64,height=48,framerate=10/1", "!", "gifenc", "!", "gifmux", "!",
            "filesink", "location=" + str(out)]
    runner.run("gst-validate-1.0", args, {"mode": "encode", "label": "encode videotestsrc"},
               lambda: check_gif_file(out, 64, 48, 30, 30))


def cmd_transcode(runner, gep, gif):
    out = runner.work / ("transcoded-" + gif.name)
    out.unlink(missing_ok=True)
    info, err = ffprobe_gif(gif)
    if info is None:
        fail("ffprobe cannot read %s: %s" % (gif, err))
    n = len(info["frames"])
    runner.run("gst-validate-transcoding-1.0", ["-o", str(gep), gif.as_uri(), out.as_uri()],
               {"mode": "transcode", "label": "transcode " + gif.name},
               lambda: check_gif_file(out, info["width"], info["height"], n, n))


def cmd_flush_mux(runner, scenario, rgba):
    out = runner.work / "flush-mux.gif"
    out.unlink(missing_ok=True)
    # The scenario pushes frames of input.rgba from the folder it runs in.
    link = runner.work / "input.rgba"
    link.unlink(missing_ok=True)
    link.symlink_to(rgba.resolve())
    args = ["appsrc", "name=src", "format=time",
            "caps=video/x-raw,format=RGBA,width=40,height=30,framerate=10/1", "!", "gifenc", "!",
            "gifmux", "!", "filesink", "location=" + str(out)]
    # After the flush: either gifmux starts a new file (the 3 frames pushed after the flush) or
    # it did not let the flush reach filesink (all 7 frames). Anything else is a broken file.
    runner.run("gst-validate-1.0", ["--set-scenario", scenario] + args,
               {"mode": "flush-mux", "label": "flush-mux " + scenario},
               lambda: check_gif_file(out, 40, 30, 3, 7))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=pathlib.Path)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("scenario")
    p.add_argument("mode", choices=sorted(MODES))
    p.add_argument("scenario")
    p.add_argument("gifs", nargs="+", type=pathlib.Path)
    p = sub.add_parser("media-check")
    p.add_argument("mode", choices=["playbin", "playbin-push"])
    p.add_argument("expected", type=pathlib.Path)
    p.add_argument("gifs", nargs="+", type=pathlib.Path)
    p = sub.add_parser("update-media-info")
    p.add_argument("expected", type=pathlib.Path)
    p.add_argument("gifs", nargs="+", type=pathlib.Path)
    sub.add_parser("encode")
    p = sub.add_parser("transcode")
    p.add_argument("gep", type=pathlib.Path)
    p.add_argument("gif", type=pathlib.Path)
    p = sub.add_parser("flush-mux")
    p.add_argument("scenario")
    p.add_argument("rgba", type=pathlib.Path)
    a = ap.parse_args()

    work = a.work or pathlib.Path(tempfile.mkdtemp(prefix="mk-validate-"))
    work.mkdir(parents=True, exist_ok=True)
    runner = Runner(work.resolve())
    gifs = [g.resolve() for g in getattr(a, "gifs", [])]
    if a.cmd == "scenario":
        cmd_scenario(runner, a.mode, a.scenario, gifs)
    elif a.cmd == "media-check":
        cmd_media_check(runner, a.mode, a.expected.resolve(), gifs)
    elif a.cmd == "update-media-info":
        cmd_update_media_info(runner, a.expected.resolve(), gifs)
    elif a.cmd == "encode":
        cmd_encode(runner)
    elif a.cmd == "transcode":
        cmd_transcode(runner, a.gep.resolve(), a.gif.resolve())
    elif a.cmd == "flush-mux":
        cmd_flush_mux(runner, a.scenario, a.rgba.resolve())
    runner.finish()


if __name__ == "__main__":
    main()
