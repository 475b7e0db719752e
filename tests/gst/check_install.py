#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""`meson install` puts the plugins, gifenc's presets and the gif encoding target where GStreamer
reads them:

  check_install.py BUILD_DIR SOURCE_DIR

1. For a /usr prefix (a scratch `meson setup --prefix=/usr` of SOURCE_DIR, introspected, not
   built), the install paths are the folders GStreamer itself says it reads: its plugin folder
   (where its core elements are), and the system presets and encoding-target folders it logs
   (GST_DEBUG=preset, encoding-target). So installing is enough: no environment variable.
2. BUILD_DIR installed with --destdir into a temporary folder holds both files as in the source
   tree, and works from there: GStreamer's per-user data folder (XDG_DATA_HOME) has the layout of
   its system one, so with XDG_DATA_HOME at the installed share/ and GST_PLUGIN_PATH at the
   installed plugins, and neither GST_PRESET_PATH nor GST_ENCODING_TARGET_PATH,
   gst-inspect-1.0 lists the presets and encodebin profile=gif/small makes a GIF (checked by
   FFmpeg and gifsicle).
"""
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from gifcheck import check_gif, fail  # noqa: E402

FILES = {"GstGifEnc.prs": "presets", "gif.gep": "encoding-profiles/file-extension"}


def run(cmd, env=None, ok=True):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env,
                          stdin=subprocess.DEVNULL)
    if ok and proc.returncode != 0:
        fail("%s exited with %d:\n%s%s" % (" ".join(cmd), proc.returncode, proc.stdout[-3000:],
                                            proc.stderr[-3000:]))
    return proc


def installed(build):
    """Our files' install paths: {file name: path} for the two data files and the plugin, and
    every installed shared library under "*.so"."""
    paths = json.loads(run(["meson", "introspect", build, "--installed"]).stdout).values()
    want = list(FILES) + ["libgstgifkit.so"]
    found = {os.path.basename(p): p for p in paths if os.path.basename(p) in want}
    if sorted(found) != sorted(want):
        fail("meson introspect --installed of %s lists %s, expected %s" % (build, found, want))
    found["*.so"] = [p for p in paths if p.endswith(".so")]
    return found


def gstreamer_dirs(tmp):
    """The folders GStreamer reads without being told: (plugins, presets, encoding targets)."""
    env = dict(os.environ, GST_DEBUG_NO_COLOR="1", XDG_DATA_HOME=os.path.join(tmp, "nohome"))
    env.pop("GST_ENCODING_TARGET_PATH", None)
    env.pop("GST_PRESET_PATH", None)
    out = run(["gst-inspect-1.0", "coreelements"], env=env).stdout
    m = re.search(r"Filename\s+(\S+)", out)
    if not m:
        fail("gst-inspect-1.0 coreelements shows no file name:\n" + out)
    plugins = os.path.dirname(m.group(1))
    log = run(["gst-inspect-1.0", "gifenc"], env=dict(env, GST_DEBUG="preset:4")).stderr
    m = re.search(r"system_preset_dir: '([^']+)'", log)
    if not m:
        fail("GST_DEBUG=preset:4 gst-inspect-1.0 gifenc did not log the system preset folder:\n"
             + log[-2000:])
    presets = m.group(1)
    log = run(["gst-launch-1.0", "fakesrc", "num-buffers=0", "!", "encodebin",
               "profile=mk-no-such-target/default/file-extension", "!", "fakesink"],
              env=dict(env, GST_DEBUG="encoding-target:5"), ok=False).stderr
    tried = [p for p in re.findall(r"path:(\S+)", log)
             if p.endswith("/file-extension/mk-no-such-target.gep")
             and not p.startswith(env["XDG_DATA_HOME"])]
    if len(tried) != 1:
        fail("GST_DEBUG=encoding-target:5 did not show one system target folder (%s):\n%s"
             % (tried, log[-2000:]))
    targets = os.path.dirname(os.path.dirname(tried[0]))
    return plugins, presets, targets


def check_usr_prefix(source, tmp):
    scratch = os.path.join(tmp, "usr-build")
    run(["meson", "setup", scratch, source, "--prefix=/usr", "-Dtests=disabled",
         "-Dascend=disabled", "-Ddvppsim=disabled", "-Dbenchmarks=disabled"])
    paths = installed(scratch)
    plugins, presets, targets = gstreamer_dirs(tmp)
    for name, where in [("libgstgifkit.so", plugins), ("GstGifEnc.prs", presets),
                        ("gif.gep", os.path.join(targets, "file-extension"))]:
        if os.path.dirname(paths[name]) != where:
            fail("with --prefix=/usr, %s installs to %s; GStreamer reads %s" %
                 (name, paths[name], where))
        print("ok: --prefix=/usr installs %s where GStreamer reads it (%s)" % (name, where))


def check_destdir(build, source, tmp):
    dest = os.path.join(tmp, "dest")
    run(["meson", "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", dest])
    paths = installed(build)
    for name, sub in FILES.items():
        path = pathlib.Path(dest + paths[name])
        src = pathlib.Path(source, "gst", "gif", sub, name)
        if not path.is_file() or path.read_bytes() != src.read_bytes():
            fail("%s is not installed as %s" % (src, path))
        if not str(path.parent).endswith("/gstreamer-1.0/" + sub):
            fail("%s is installed outside a gstreamer-1.0/%s folder" % (path, sub))
    share = str(pathlib.Path(dest + paths["GstGifEnc.prs"]).parents[2])
    # The installed plugins and the system's; nothing from the build or source tree. The
    # plugins find the project's private libraries through a RUNPATH naming the real prefix, not
    # the destdir: the dynamic linker is told where they are instead.
    plugins = os.path.dirname(dest + paths["libgstgifkit.so"])
    libs = sorted({os.path.dirname(dest + p) for p in paths["*.so"]} - {plugins})
    env = dict(os.environ, XDG_DATA_HOME=share, GST_PLUGIN_PATH_1_0=plugins,
               LD_LIBRARY_PATH=":".join(libs),
               GST_REGISTRY_1_0=os.path.join(tmp, "installed.registry"))
    for var in ("GST_PLUGIN_SYSTEM_PATH_1_0", "GST_PRESET_PATH", "GST_ENCODING_TARGET_PATH"):
        env.pop(var, None)
    out = run(["gst-inspect-1.0", "gifenc"], env=env).stdout
    if dest not in out or '"web-small"' not in out:
        fail("the installed gifenc (from %s) does not list its presets:\n%s" % (dest, out[-2000:]))
    gif = os.path.join(tmp, "installed.gif")
    run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=10", "!",
         "video/x-raw,width=64,height=48,framerate=10/1", "!", "encodebin", "profile=gif/small",
         "!", "filesink", "location=" + gif], env=env)
    check_gif(gif, 10, (64, 48), "encodebin profile=gif/small from the installed tree")
    print("ok: installed with --destdir, the plugin, its presets and the gif target work from there")


def main(argv):
    if len(argv) != 3:
        fail("usage: check_install.py BUILD_DIR SOURCE_DIR")
    if os.environ.get("MK_SANITIZE", "none") not in ("", "none"):
        print("skipped: gst-inspect-1.0 and gst-launch-1.0 cannot load plugins built with "
              "-Db_sanitize=%s" % os.environ["MK_SANITIZE"])
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        check_usr_prefix(argv[2], tmp)
        check_destdir(argv[1], argv[2], tmp)


if __name__ == "__main__":
    main(sys.argv)
