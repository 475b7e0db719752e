/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifdec: canvases equal the frames the test file was made from, in every output format;
 * seeking, damaged frames (one warning, then a count), missing codec_data, renegotiation, and
 * running out of memory (a RESOURCE error, not an abort or a silent stall). */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "mktestutil.h"

#define ANIM "gif/anim-6f-loop1.gif"
#define ANIM_RGBA "gif/anim-6f-loop1.rgba"
#define W 40
#define H 30
#define ANIM_FRAMES 6

/* The smallest GIF: 1x1, one black pixel. */
static const guint8 tiny_gif[] = {'G', 'I', 'F', '8', '9', 'a', 0x01, 0x00,
    0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x2c,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
    0x01, 0x00, 0x3b};
#define TINY_HEADER 19

/* 2x1: a black and a white pixel. */
static const guint8 wide_gif[] = {'G', 'I', 'F', '8', '9', 'a', 0x02, 0x00,
    0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x2c,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
    0x0a, 0x00, 0x3b};

struct Decoded
{
  std::vector<std::vector<guint8>> frames; /* tightly packed */
  std::vector<GstClockTime> pts;
  GstMessage *error = nullptr;
  std::vector<std::string> warnings;
};

static void
on_new_sample (GstAppSink *sink, Decoded *d)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  GstVideoFrame frame;
  fail_unless (gst_video_frame_map (
      &frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
  std::vector<guint8> packed;
  size_t row = GST_VIDEO_INFO_COMP_PSTRIDE (&info, 0) * info.width;
  for (int y = 0; y < info.height; y++) {
    const guint8 *src = (const guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
                        y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
    packed.insert (packed.end (), src, src + row);
  }
  gst_video_frame_unmap (&frame);
  d->frames.push_back (packed);
  d->pts.push_back (GST_BUFFER_PTS (gst_sample_get_buffer (sample)));
  gst_sample_unref (sample);
}

static GstFlowReturn
new_sample_cb (GstAppSink *sink, gpointer data)
{
  on_new_sample (sink, (Decoded *)data);
  return GST_FLOW_OK;
}

/* filesrc ! gifdemux ! gifdec ! appsink caps=<format> */
static Decoded
decode_file (
    const std::string &path, const char *format, const char *dec_props = "")
{
  Decoded d;
  gchar *desc = g_strdup_printf (
      "filesrc location=\"%s\" ! gifdemux ! gifdec "
      "name=dec %s ! appsink name=sink sync=false emit-signals=true "
      "caps=video/x-raw,format=%s",
      path.c_str (), dec_props, format);
  GstElement *pipeline = gst_parse_launch (desc, nullptr);
  g_free (desc);
  fail_unless (pipeline != nullptr);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_signal_connect (sink, "new-sample", G_CALLBACK (new_sample_cb), &d);
  gst_object_unref (sink);
  d.error = mk_run_pipeline (pipeline, &d.warnings);
  gst_object_unref (pipeline);
  return d;
}

/* decode_file on `bytes`, written to a temporary file. */
static Decoded
decode_bytes (const std::vector<guint8> &bytes, const char *format,
    const char *dec_props = "")
{
  gchar *path =
      g_build_filename (g_get_tmp_dir (), "mk-gifdec-XXXXXX.gif", nullptr);
  gint fd = g_mkstemp (path);
  fail_unless (
      write (fd, bytes.data (), bytes.size ()) == (ssize_t)bytes.size ());
  close (fd);
  Decoded d = decode_file (path, format, dec_props);
  unlink (path);
  g_free (path);
  return d;
}

/* The expected canvas pixel (r, g, b, a) of frame f at (x, y). */
static const guint8 *
expected_px (const std::vector<guint8> &rgba, int f, int x, int y)
{
  return rgba.data () + ((size_t)f * W * H + (size_t)y * W + x) * 4;
}

GST_START_TEST (test_canvases_match_rgba)
{
  std::vector<guint8> rgba = mk_read_file (mk_test_file (ANIM_RGBA));
  Decoded d = decode_file (mk_test_file (ANIM), "RGBA");
  fail_unless (d.error == nullptr);
  fail_unless_equals_int ((int)d.frames.size (), ANIM_FRAMES);
  for (int f = 0; f < ANIM_FRAMES; f++) {
    fail_unless_equals_uint64 (d.pts[f], f * 70 * GST_MSECOND);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        const guint8 *e = expected_px (rgba, f, x, y);
        const guint8 *o = d.frames[f].data () + (y * W + x) * 4;
        fail_unless_equals_int (o[3], e[3]);
        if (e[3])
          fail_unless (memcmp (o, e, 3) == 0,
              "frame %d pixel %d,%d: %02x%02x%02x, expected %02x%02x%02x", f, x,
              y, o[0], o[1], o[2], e[0], e[1], e[2]);
      }
  }
}

GST_END_TEST;

/* Channel positions of r, g, b, a (a = -1: none) in each output format. */
struct FormatLayout
{
  const char *name;
  int bpp, r, g, b, a;
};

static const FormatLayout layouts[] = {
    {"RGBA", 4, 0, 1, 2, 3},
    {"BGRA", 4, 2, 1, 0, 3},
    {"ARGB", 4, 1, 2, 3, 0},
    {"ABGR", 4, 3, 2, 1, 0},
    {"RGBx", 4, 0, 1, 2, -1},
    {"BGRx", 4, 2, 1, 0, -1},
    {"RGB", 3, 0, 1, 2, -1},
    {"BGR", 3, 2, 1, 0, -1},
};

GST_START_TEST (test_every_format)
{
  std::vector<guint8> rgba = mk_read_file (mk_test_file (ANIM_RGBA));
  const guint8 bg[3] = {0x10, 0x20, 0x30};
  for (const FormatLayout &l : layouts) {
    Decoded d = decode_file (
        mk_test_file (ANIM), l.name, "background-color=0xff102030");
    fail_unless (d.error == nullptr, "%s failed", l.name);
    fail_unless_equals_int ((int)d.frames.size (), ANIM_FRAMES);
    for (int f = 0; f < ANIM_FRAMES; f++)
      for (int i = 0; i < W * H; i++) {
        const guint8 *e = rgba.data () + ((size_t)f * W * H + i) * 4;
        const guint8 *o = d.frames[f].data () + (size_t)i * l.bpp;
        if (l.a >= 0) {
          fail_unless_equals_int (o[l.a], e[3]);
          if (!e[3])
            continue;
        }
        const guint8 *want = (l.a < 0 && !e[3]) ? bg : e;
        fail_unless (
            o[l.r] == want[0] && o[l.g] == want[1] && o[l.b] == want[2],
            "%s frame %d pixel %d", l.name, f, i);
      }
  }
}

GST_END_TEST;

GST_START_TEST (test_screen_background)
{
  /* The file's background index is 0: red in its global palette. */
  Decoded d =
      decode_file (mk_test_file (ANIM), "RGB", "use-screen-background=true");
  std::vector<guint8> rgba = mk_read_file (mk_test_file (ANIM_RGBA));
  fail_unless (d.error == nullptr);
  fail_unless_equals_int ((int)d.frames.size (), ANIM_FRAMES);
  /* pixel (0,0) is transparent in every frame */
  fail_unless_equals_int (expected_px (rgba, 0, 0, 0)[3], 0);
  fail_unless_equals_int (d.frames[0][0], 0xff);
  fail_unless_equals_int (d.frames[0][1], 0x00);
  fail_unless_equals_int (d.frames[0][2], 0x00);
}

GST_END_TEST;

GST_START_TEST (test_damaged_frame_best_effort)
{
  std::vector<guint8> file = mk_read_file (mk_test_file (ANIM));
  /* Flip bytes near the end of the file: inside the last frame's LZW data. */
  for (size_t i = file.size () - 12; i < file.size () - 4; i++)
    file[i] ^= 0x5a;
  Decoded d = decode_bytes (file, "RGBA");
  /* Every frame comes out; the damage is reported, not fatal. */
  fail_unless (d.error == nullptr);
  fail_unless_equals_int ((int)d.frames.size (), ANIM_FRAMES);
}

GST_END_TEST;

/* `n` frames of 2x1 whose LZW data ends at once (clear, end): each is damaged ("LZW data ended
 * after 0 of 2 pixels"). */
static std::vector<guint8>
all_frames_damaged (int n)
{
  std::vector<guint8> file (wide_gif, wide_gif + TINY_HEADER);
  const guint8 frame[] = {0x21, 0xf9, 4, 0, 5, 0, 0, 0, 0x2c, 0, 0, 0, 0, 2, 0,
      1, 0, 0, 2, 1, 0x2c, 0};
  for (int i = 0; i < n; i++)
    file.insert (file.end (), frame, frame + sizeof (frame));
  file.push_back (0x3b);
  return file;
}

/* A file whose every frame is damaged: one warning for the first, one for the count at the
 * end (it was one warning per frame: 20,000 from a 460 KB file). */
GST_START_TEST (test_damaged_frames_summed_up)
{
  const int n = 200;
  std::vector<guint8> file = all_frames_damaged (n);
  Decoded d = decode_bytes (file, "RGBA");
  fail_unless (d.error == nullptr);
  fail_unless_equals_int ((int)d.frames.size (), n);
  fail_unless_equals_int ((int)d.warnings.size (), 2);
  fail_unless_equals_string (d.warnings[0].c_str (), "A GIF frame is damaged.");
  fail_unless_equals_string (
      d.warnings[1].c_str (), "200 GIF frames in all were damaged.");

  /* With max-errors, the error still comes when the count is passed (gifdec shows damaged
   * frames as far as they go, and a frame that goes out resets the count: 0 is the useful
   * setting here). */
  d = decode_bytes (file, "RGBA", "max-errors=0");
  fail_unless (d.error != nullptr);
  fail_unless_equals_int ((int)d.warnings.size (), 0);
  gst_message_unref (d.error);
}

GST_END_TEST;

/* The codec_data of a `w` x `h` screen with a 2-colour palette. */
static GstCaps *
caps_for_screen (int w, int h)
{
  guint8 header[TINY_HEADER];
  memcpy (header, tiny_gif, TINY_HEADER);
  header[6] = (guint8)(w & 0xff);
  header[7] = (guint8)(w >> 8);
  header[8] = (guint8)(h & 0xff);
  header[9] = (guint8)(h >> 8);
  GstBuffer *cd = gst_buffer_new_memdup (header, TINY_HEADER);
  GstCaps *caps = gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN,
      TRUE, "codec_data", GST_TYPE_BUFFER, cd, nullptr);
  gst_buffer_unref (cd);
  return caps;
}

/* 8192x4096 (the default max-canvas-pixels) with `frames` 1x1 frames, under an address-space
 * limit `headroom` above what the process maps; the harness keeps every output buffer. The
 * error gifdec posts, or nullptr. */
static GstMessage *
decode_under_limit (gsize headroom, bool *limited, int frames = 1)
{
  GstHarness *h = gst_harness_new ("gifdec");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  GstCaps *caps = caps_for_screen (8192, 4096);
  std::vector<GstBuffer *> in;
  for (int i = 0; i < frames; i++)
    in.push_back (gst_buffer_new_memdup (
        tiny_gif + TINY_HEADER, sizeof (tiny_gif) - TINY_HEADER - 1));
  GstFlowReturn ret = GST_FLOW_OK;
  {
    MkAddressSpaceLimit limit (headroom);
    *limited = limit.active ();
    gst_harness_set_src_caps (h, caps);
    for (GstBuffer *b : in)
      ret = ret == GST_FLOW_OK ? gst_harness_push (h, b)
                               : (gst_buffer_unref (b), ret);
  }
  GstMessage *error = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  /* Either it decoded (not with these limits), or it said why not. */
  fail_unless (error != nullptr || ret == GST_FLOW_OK);
  if (error)
    fail_if (ret == GST_FLOW_OK);
  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  return error;
}

/* Decodes under `headroom`: a RESOURCE/NO_SPACE_LEFT error whose text holds `text`. */
static void
check_out_of_memory (gsize headroom, const char *text, int frames = 1)
{
  bool limited = false;
  GstMessage *error = decode_under_limit (headroom, &limited, frames);
  if (!limited) {
    /* sanitizers: no limit, nothing to check */
    if (error)
      gst_message_unref (error);
    return;
  }
  fail_unless (error != nullptr, "no error posted");
  GError *err = nullptr;
  gchar *dbg = nullptr;
  gst_message_parse_error (error, &err, &dbg);
  fail_unless (err->domain == GST_RESOURCE_ERROR &&
                   err->code == GST_RESOURCE_ERROR_NO_SPACE_LEFT,
      "%s / %s", err->message, dbg);
  fail_unless (strstr (err->message, text) != nullptr, "%s", err->message);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (error);
}

/* The canvas (128 MiB) does not fit: a RESOURCE error naming it (it was an uncaught
 * std::bad_alloc: abort). */
GST_START_TEST (test_canvas_out_of_memory)
{
  check_out_of_memory (32 << 20, "8192x4096 canvas");
}

GST_END_TEST;

/* The canvas fits, the output pool's first buffer (another 128 MiB) does not: a RESOURCE
 * error (the pool's start failed unseen, every frame got FLUSHING, and the pipeline waited for
 * ever). */
GST_START_TEST (test_output_pool_out_of_memory)
{
  check_out_of_memory ((128 + 32) << 20, "output buffers");
}

GST_END_TEST;

/* The pool started, downstream keeps the first canvas, and there is no memory for a second:
 * a RESOURCE error (the pool's GST_FLOW_ERROR went upstream with no message of its own). */
GST_START_TEST (test_output_pool_cannot_grow)
{
  check_out_of_memory ((gsize)(128 + 128 + 32) << 20, "one more than", 2);
}

GST_END_TEST;

GST_START_TEST (test_no_codec_data)
{
  GstHarness *h = gst_harness_new ("gifdec");
  gst_harness_set_src_caps_str (h, "image/gif, parsed=(boolean)true");
  GstBuffer *buf = gst_buffer_new_memdup (
      tiny_gif + TINY_HEADER, sizeof (tiny_gif) - TINY_HEADER - 1);
  fail_unless (gst_harness_push (h, buf) != GST_FLOW_OK);
  gst_harness_teardown (h);
}

GST_END_TEST;

static GstCaps *
caps_with_header (const guint8 *header, size_t size)
{
  GstBuffer *cd = gst_buffer_new_memdup (header, size);
  GstCaps *caps = gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN,
      TRUE, "codec_data", GST_TYPE_BUFFER, cd, nullptr);
  gst_buffer_unref (cd);
  return caps;
}

GST_START_TEST (test_renegotiate_new_screen)
{
  GstHarness *h = gst_harness_new ("gifdec");
  gst_harness_set_caps_str (
      h, "image/gif, parsed=(boolean)true", "video/x-raw, format=RGBA");

  /* 1x1 first */
  gst_harness_set_src_caps (h, caps_with_header (tiny_gif, TINY_HEADER));
  GstBuffer *in = gst_buffer_new_memdup (
      tiny_gif + TINY_HEADER, sizeof (tiny_gif) - TINY_HEADER - 1);
  GST_BUFFER_PTS (in) = 0;
  GST_BUFFER_DURATION (in) = GST_SECOND;
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  GstMapInfo map;
  gst_buffer_map (out, &map, GST_MAP_READ);
  fail_unless (map.size >= 4);
  fail_unless_equals_int (map.data[3], 0xff); /* opaque black */
  fail_unless_equals_int (map.data[0] | map.data[1] | map.data[2], 0);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);

  /* then a 2x1 stream: the output caps follow the new screen */
  gst_harness_set_src_caps (h, caps_with_header (wide_gif, TINY_HEADER));
  in = gst_buffer_new_memdup (
      wide_gif + TINY_HEADER, sizeof (wide_gif) - TINY_HEADER - 1);
  GST_BUFFER_PTS (in) = GST_SECOND;
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  GstVideoInfo info;
  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  fail_unless_equals_int (info.width, 2);
  fail_unless_equals_int (info.height, 1);
  gst_buffer_map (out, &map, GST_MAP_READ);
  const guint8 want[8] = {0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff};
  fail_unless (memcmp (map.data, want, 8) == 0);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_seek_accurate)
{
  GstElement *pipeline = gst_parse_launch (
      "filesrc name=src ! gifdemux ! "
      "gifdec ! appsink name=sink sync=false caps=video/x-raw,format=RGBA",
      nullptr);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_object_set (src, "location", mk_test_file (ANIM).c_str (), nullptr);
  gst_object_unref (src);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  fail_unless_equals_int (
      gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
      (GstSeekFlags)(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
      250 * GST_MSECOND));
  gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND);
  GstSample *sample = gst_app_sink_pull_preroll (GST_APP_SINK (sink));
  fail_unless (sample != nullptr);
  /* frame 3 (210-280 ms) is showing at 250 ms; the decoder clips it to the
   * segment */
  GstBuffer *shown = gst_sample_get_buffer (sample);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (shown), 250 * GST_MSECOND);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (shown), 30 * GST_MSECOND);
  std::vector<guint8> rgba = mk_read_file (mk_test_file (ANIM_RGBA));
  GstMapInfo map;
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  for (int i = 0; i < W * H; i++) {
    const guint8 *e = rgba.data () + ((size_t)3 * W * H + i) * 4;
    fail_unless_equals_int (map.data[i * 4 + 3], e[3]);
    if (e[3])
      fail_unless (memcmp (map.data + i * 4, e, 3) == 0);
  }
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  gst_sample_unref (sample);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
gifdec_suite (void)
{
  Suite *s = suite_create ("gifdec");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_canvases_match_rgba);
  tcase_add_test (tc, test_every_format);
  tcase_add_test (tc, test_screen_background);
  tcase_add_test (tc, test_damaged_frame_best_effort);
  tcase_add_test (tc, test_damaged_frames_summed_up);
  tcase_add_test (tc, test_canvas_out_of_memory);
  tcase_add_test (tc, test_output_pool_out_of_memory);
  tcase_add_test (tc, test_output_pool_cannot_grow);
  tcase_add_test (tc, test_no_codec_data);
  tcase_add_test (tc, test_renegotiate_new_screen);
  tcase_add_test (tc, test_seek_accurate);
  return s;
}

GST_CHECK_MAIN (gifdec);
