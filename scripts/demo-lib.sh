# shellcheck shell=bash disable=SC2154 # $out is set by the caller
# The demo's steps as shell functions, sourced by scripts/demo and by the demo-page test
# (tests/demo/demo-page.sh), so that both run the same pipelines.
# The caller sets GST_PLUGIN_PATH (or GST_PLUGIN_PATH_1_0) and GST_REGISTRY to find our plugins.
# Every step appends what it measured to $out/results.tsv, which scripts/demo-page turns into
# index.html; one tab-separated record a line, its kind first:
#   input  <file> <bytes> <width>x<height> <frames>
#   frame  <index> <png file> <pts in s> <duration in s>
#   gif    <file> <bytes> <SSIM vs the decoded input> <label> <how it was made>
#   mp4    <file> <bytes> <frames> <note>
#   plot   <file> <caption>

# The two gifenc settings the demo compares with FFmpeg (label, properties): a small file
# (64 colours, no dither: about 2/3 of the bytes on docs/demo/testsrc2.gif, SSIM 0.96) and the
# best quality, which is gifenc's defaults (256 colours, diffusion; SSIM 0.99999 there).
DEMO_GIFENC_PRESETS=(
  "small	colors=64 dither=none"
  "best	"
)

demo_launch() { gst-launch-1.0 -q "$@" </dev/null; }
demo_size() { stat -c %s "$1"; }
demo_record() { (IFS=$'\t'; echo "$*") >>"$out/results.tsv"; }

# demo_ssim <gif> <raw rgb24 source> <width>x<height>: FFmpeg's SSIM (All) of a GIF against the
# raw frames it was made from, frame by frame (both renumbered, so delays do not matter).
demo_ssim() {
  ffmpeg -hide_banner -nostats -i "$1" -f rawvideo -video_size "$3" -pix_fmt rgb24 -i "$2" \
    -lavfi "[0:v]settb=1/20,setpts=N,format=rgb24[a];[1:v]settb=1/20,setpts=N[b];[a][b]ssim" -f null - 2>&1 \
    | sed -n 's/.*SSIM.* All:\([0-9.]*\).*/\1/p' | tail -n 1
}

# demo_decode <input.gif>: copies the GIF to $out/input.gif, decodes it with gifdemux ! gifdec
# to $out/frames/frame-NNN.png (recording each frame's timestamp and duration) and to
# $out/source.rgb, the raw frames the re-encoded GIFs are measured against.
demo_decode() {
  local input=$1
  mkdir -p "$out/frames"
  cp "$input" "$out/input.gif"
  # -m prints multifilesink's message for each file it writes (-q would hide it).
  gst-launch-1.0 -m filesrc location="$out/input.gif" ! gifdemux ! gifdec ! videoconvert ! pngenc \
    ! multifilesink post-messages=true location="$out/frames/frame-%03d.png" </dev/null \
    | sed -n 's/.*GstMultiFileSink, filename=(string)[^,]*\/\(frame-[0-9]*\.png\), index=(int)\([0-9]*\), timestamp=(guint64)\([0-9]*\),.* duration=(guint64)\([0-9]*\),.*/\2 \1 \3 \4/p' \
    | while read -r index file pts duration; do
        demo_record frame "$index" "frames/$file" "$(awk "BEGIN { printf \"%.3f\", $pts / 1e9 }")" \
          "$(awk "BEGIN { printf \"%.3f\", $duration / 1e9 }")"
      done
  demo_launch filesrc location="$out/input.gif" ! gifdemux ! gifdec ! videoconvert \
    ! video/x-raw,format=RGB ! filesink location="$out/source.rgb"
  DEMO_SIZE=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 \
    "$out/input.gif")
  demo_record input input.gif "$(demo_size "$out/input.gif")" "$DEMO_SIZE" \
    "$(ls "$out/frames" | wc -l)"
}

# demo_reencode: after demo_decode, re-encodes the decoded frames with gifenc ! gifmux at each
# of DEMO_GIFENC_PRESETS, and the input GIF with FFmpeg's two-pass palettegen/paletteuse recipe;
# records each one's size and SSIM against $out/source.rgb.
demo_reencode() {
  local preset label props file
  for preset in "${DEMO_GIFENC_PRESETS[@]}"; do
    label=${preset%%$'\t'*}
    props=${preset#*$'\t'}
    file=gifenc-$label.gif
    # shellcheck disable=SC2086 # the properties are separate words
    demo_launch filesrc location="$out/input.gif" ! gifdemux ! gifdec ! videoconvert \
      ! gifenc $props ! gifmux ! filesink location="$out/$file"
    demo_record gif "$file" "$(demo_size "$out/$file")" \
      "$(demo_ssim "$out/$file" "$out/source.rgb" "$DEMO_SIZE")" "gifenc, $label" "gifenc ${props:-(defaults)}"
  done
  file=ffmpeg.gif
  ffmpeg -v error -y -i "$out/input.gif" -vf "split[a][b];[a]palettegen[p];[b][p]paletteuse" \
    "$out/$file"
  demo_record gif "$file" "$(demo_size "$out/$file")" \
    "$(demo_ssim "$out/$file" "$out/source.rgb" "$DEMO_SIZE")" "FFmpeg" \
    "ffmpeg -vf split[a][b];[a]palettegen[p];[b][p]paletteuse"
}

# demo_plots <docs dir>: copies the benchmark plots (<docs>/img/*.png) to $out/plots/, each
# captioned with the alt text the docs give it.
demo_plots() {
  local docs=$1 png name caption
  mkdir -p "$out/plots"
  for png in "$docs"/img/*.png; do
    [[ -f $png ]] || continue
    name=${png##*/}
    cp "$png" "$out/plots/$name"
    caption=$(sed -n "s/.*!\[\([^]]*\)\](img\/$name).*/\1/p" "$docs"/*.md | head -n 1)
    demo_record plot "plots/$name" "${caption:-$name}"
  done
}

# demo_ascendvenc <libdvppsim.so>: encodes 60 frames of videotestsrc with ascendvenc to
# $out/ascendvenc-simulated.mp4 on the DVPP simulator; says so and records nothing when the
# simulator (libopenh264-dev) or h264parse is missing.
demo_ascendvenc() {
  local sim=$1 mp4=$out/ascendvenc-simulated.mp4 frames
  if [[ ! -f $sim ]] || ! gst-inspect-1.0 h264parse >/dev/null 2>&1; then
    echo "   skipped: the simulator (libopenh264-dev) or h264parse (gstreamer1.0-plugins-bad) is missing"
    return 0
  fi
  GST_ASCEND_MPI_LIB=$sim GST_ASCEND_ACL_LIB=$sim demo_launch videotestsrc num-buffers=60 \
    ! video/x-raw,format=NV12,width=640,height=480 ! ascendvenc ! h264parse ! mp4mux \
    ! filesink location="$mp4"
  frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
    -of csv=p=0 "$mp4")
  demo_record mp4 "${mp4##*/}" "$(demo_size "$mp4")" "$frames" \
    "videotestsrc, 640x480 NV12 -> ascendvenc -> h264parse -> mp4mux, on libdvppsim"
  echo "   $mp4 ($(demo_size "$mp4") bytes, $frames frames), made by the SIMULATOR's openh264"
}
