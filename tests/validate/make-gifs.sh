#!/usr/bin/env bash
# Makes the two small GIFs the gst-validate tests add to the repo's own (tests/files/gif/), with
# ImageMagick. They are checked in: a different ImageMagick may write other bytes, and the
# media-check expectations (tests/validate/media-info/) are of these exact files.
#   interlaced-transparent-12f.gif  48x32, 12 frames of 20 cs (2.4 s), every frame interlaced,
#                                   transparent, disposal 2 (background), local palettes, a
#                                   comment before every frame
#   comments-16f-8s.gif             32x24, 16 frames of 50 cs (8 s: long enough for the stock
#                                   scenarios fast_forward and pause_resume), transparent,
#                                   disposal 3 (previous), a different comment before every frame
# Usage: tests/validate/make-gifs.sh [output folder, default tests/files/gif]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/tests/files/gif}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

for i in $(seq 0 11); do
  x=$((i * 3))
  convert -size 48x32 xc:none -fill "hsl($((i * 30)),80%,50%)" -draw "rectangle $x,4 $((x + 14)),27" \
    -fill black -draw "line 0,$((i * 2 + 4)) 47,$((i * 2 + 4))" "$w/a$(printf %02d "$i").png"
done
convert -delay 20 -dispose Background -loop 0 "$w"/a*.png -interlace GIF \
  -set comment 'gst-mediakit validate: interlaced, transparent' "$out/interlaced-transparent-12f.gif"

for i in $(seq 0 15); do
  convert -size 32x24 xc:none -fill "hsl($((i * 22)),90%,45%)" \
    -draw "circle $((4 + i)),12 $((4 + i)),$((4 + i % 6))" "$w/b$(printf %02d "$i").png"
done
convert -delay 50 -dispose Previous -loop 0 "$w"/b*.png \
  -set comment 'frame %p of 16: gst-mediakit validate' "$out/comments-16f-8s.gif"
ls -l "$out/interlaced-transparent-12f.gif" "$out/comments-16f-8s.gif"
