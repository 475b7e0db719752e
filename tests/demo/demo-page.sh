#!/usr/bin/env bash
# demo-page: runs the demo's steps (scripts/demo-lib.sh, the functions scripts/demo runs) on
# docs/demo/testsrc2.gif into a small demo-out, builds its page with scripts/demo-page, then
# renders the page with headless Chromium and checks that every image on it loaded and that the
# screenshot is not blank.
# Usage: demo-page.sh <source root> <work dir> [libdvppsim.so]
# Exits 77 (skip) when chromium, ffmpeg, ImageMagick or gst-launch-1.0 is missing, or in a
# sanitizer build.
set -euo pipefail
top=$1
work=$2
sim=${3:-}

skip() { echo "demo-page: SKIP: $*"; exit 77; }
fail() { echo "demo-page: FAIL: $*" >&2; exit 1; }

# gst-launch-1.0 cannot load plugins built with a sanitizer (its runtime must be loaded first).
case ${MK_SANITIZE:-none} in none | '') ;; *) skip "the plugins are built with -Db_sanitize=$MK_SANITIZE, which gst-launch-1.0 cannot load" ;; esac

# Debian's chromium only: Ubuntu 22.04's chromium-browser is a stub that asks for the snap.
chromium=$(command -v chromium || true)
[[ -n $chromium ]] || skip "chromium is not installed (apt-get install chromium)"
"$chromium" --version >/dev/null 2>&1 || skip "$chromium --version fails: not a usable chromium"
for tool in ffmpeg ffprobe gst-launch-1.0 python3; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
# Not plain `convert`: a stand-in of that name may come first on PATH.
if [[ -x /usr/bin/convert ]]; then convert=/usr/bin/convert
elif command -v magick >/dev/null; then convert=magick
else skip "ImageMagick (/usr/bin/convert or magick) is not installed"; fi

rm -rf "$work"
mkdir -p "$work"
out=$work/demo-out
mkdir -p "$out"
# shellcheck source-path=SCRIPTDIR/../../scripts source=demo-lib.sh
source "$top/scripts/demo-lib.sh"

input=$top/docs/demo/testsrc2.gif
demo_decode "$input"
demo_reencode
demo_ascendvenc "$sim"
demo_plots "$top/docs"

# What the steps recorded agrees with the files they wrote.
count() { awk -F'\t' -v k="$1" '$1 == k { n++ } END { print n + 0 }' "$out/results.tsv"; }
frames=$(ls "$out/frames" | wc -l)
input_frames=$(awk -F'\t' '$1 == "input" { print $5 }' "$out/results.tsv")
(( frames > 1 )) || fail "decoded $frames frames of $input"
[[ $(count frame) == "$frames" && $input_frames == "$frames" ]] \
  || fail "$frames PNGs, but results.tsv has $(count frame) frame records and input says $input_frames"
(( $(count gif) == ${#DEMO_GIFENC_PRESETS[@]} + 1 )) || fail "expected $((${#DEMO_GIFENC_PRESETS[@]} + 1)) GIFs"
awk -F'\t' '$1 == "gif" && !($4 > 0 && $4 <= 1) { print "bad SSIM: " $0; bad = 1 } END { exit bad }' \
  "$out/results.tsv" || fail "a GIF has no SSIM in (0, 1]"
(( $(count plot) >= 1 )) || fail "no benchmark plot copied from $top/docs/img"
if [[ -n $sim && -f $sim ]] && gst-inspect-1.0 h264parse >/dev/null 2>&1; then
  (( $(count mp4) == 1 )) || fail "the simulator is there but ascendvenc made no MP4"
fi

"$top/scripts/demo-page" "$out"
[[ -s $out/index.html ]] || fail "no index.html"
# Relative links only: the page must work when the folder is moved.
if grep -Eo '(src|href)="[^"]*"' "$out/index.html" | grep -Ev '="[^/:]+(/[^/:]+)*"'; then
  fail "index.html links outside its folder (above)"
fi

# Headless Chromium; its own profile in the work dir, a watchdog against hangs only.
run_chromium() {
  timeout 180 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$work/chromium-profile" "$@" 2>>"$work/chromium.log"
}

# Every <img> loaded (naturalWidth > 0): a copy of the page with tests/demo/image-check.js.
# The same check on a page with a missing image proves that the check sees one.
check_images() {
  run_chromium --virtual-time-budget=10000 --dump-dom "file://$1" \
    | sed -n 's/.*<pre id="image-check">\([^<]*\)<\/pre>.*/\1/p'
}
cp "$top/tests/demo/image-check.js" "$out/"
sed 's#</body>#<script src="image-check.js"></script></body>#' "$out/index.html" >"$out/check.html"
printf '<!DOCTYPE html><html><body><img src="no-such.png"><img src="%s">%s</body></html>\n' \
  "frames/frame-000.png" '<script src="image-check.js"></script>' >"$out/broken.html"
broken=$(check_images "$out/broken.html")
[[ $broken == "images=2 broken=1 no-such.png" ]] \
  || fail "the image check did not see the missing image: '$broken' (see $work/chromium.log)"
images=$(grep -o '<img ' "$out/index.html" | wc -l)
result=$(check_images "$out/check.html")
echo "demo-page: $result (expected images=$images broken=0)"
[[ $result == "images=$images broken=0 " ]] || fail "not every image loaded: '$result'"

# A screenshot that is not blank: a white (or any single-colour) page has deviation 0.
shot=$work/screenshot.png
run_chromium --window-size=1200,2400 --screenshot="$shot" "file://$out/index.html" >/dev/null
[[ -s $shot ]] || fail "chromium wrote no screenshot (see $work/chromium.log)"
geometry=$("$convert" "$shot" -format '%wx%h' info:)
deviation=$("$convert" "$shot" -format '%[fx:standard_deviation]' info:)
echo "demo-page: screenshot $shot: $geometry, standard deviation $deviation"
[[ $geometry == 1200x2400 ]] || fail "screenshot is $geometry, not 1200x2400"
awk -v d="$deviation" 'BEGIN { exit !(d > 0.05) }' || fail "the screenshot is blank (deviation $deviation)"
echo "demo-page: OK"
