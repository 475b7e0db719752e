/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifenc's size targets, measured on what leaves the pipeline (gifmux's file for max-size, the
 * frames' buffers and timestamps for bitrate), never on the element's own counters:
 * - max-size at 25, 50 and 75 % of the default file, with the duration answered upstream, lands
 *   under the limit and within 10 % of it;
 * - without a duration: one warning, and the file still fits;
 * - bitrate holds every 10 s window of a 60 s clip within 10 % of the target;
 * - bad values and combinations: RESOURCE/SETTINGS errors naming the properties. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <cmath>
#include <string>
#include <vector>

#define W 96
#define H 72
#define FPS 20

/* A moving picture whose size depends on quality: a smooth gradient drifting, fine texture and a
 * square crossing it. */
static GstBuffer *
make_frame (const GstVideoInfo *info, int t)
{
  GstBuffer *buf = gst_buffer_new_allocate (nullptr, info->size, nullptr);
  GstVideoFrame f;
  fail_unless (gst_video_frame_map (&f, info, buf, GST_MAP_WRITE));
  guint8 *plane = (guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&f, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      guint8 *p = plane + (gsize)y * stride + x * 4;
      p[0] = (guint8)(x * 255 / (W - 1));
      p[1] = (guint8)(y * 255 / (H - 1) + (x * 7 + y * 13 + t) % 11);
      p[2] = (guint8)((x * 3 + y * 5 + t * 4) & 0xff);
      p[3] = 255;
      int sx = (t * 3) % (W - 8), sy = (t * 2) % (H - 8);
      if (x >= sx && x < sx + 6 && y >= sy && y < sy + 6) {
        p[0] = 255;
        p[1] = 0;
      }
    }
  gst_video_frame_unmap (&f);
  GstClockTime pts = gst_util_uint64_scale (t, GST_SECOND, FPS);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) =
      gst_util_uint64_scale (t + 1, GST_SECOND, FPS) - pts;
  return buf;
}

/* Answers upstream duration queries in time on the harness's source pad. */
static GstPadProbeReturn
answer_duration (GstPad *, GstPadProbeInfo *info, gpointer duration)
{
  GstQuery *q = GST_PAD_PROBE_INFO_QUERY (info);
  GstFormat format;
  if (GST_QUERY_TYPE (q) != GST_QUERY_DURATION)
    return GST_PAD_PROBE_OK;
  gst_query_parse_duration (q, &format, nullptr);
  if (format != GST_FORMAT_TIME)
    return GST_PAD_PROBE_OK;
  gst_query_set_duration (q, GST_FORMAT_TIME, *(gint64 *)duration);
  return GST_PAD_PROBE_HANDLED;
}

struct Run
{
  gsize bytes = 0;               /* everything pulled */
  std::vector<gsize> sizes;      /* each buffer */
  std::vector<GstClockTime> pts; /* each buffer's */
  std::vector<std::string> warnings, errors;
};

/* `n` frames through `launch` (gifenc ..., with or without gifmux), the duration answered
 * upstream when `with_duration`. */
static Run
run (const std::string &launch, int n, bool with_duration)
{
  GstHarness *h = gst_harness_new_parse (launch.c_str ());
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gint64 duration = (gint64)gst_util_uint64_scale (n, GST_SECOND, FPS);
  if (with_duration)
    gst_pad_add_probe (h->srcpad, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM,
        answer_duration, &duration, nullptr);
  gst_harness_set_src_caps_str (h,
      "video/x-raw,format=RGBA,width=" G_STRINGIFY (W) ",height=" G_STRINGIFY (
          H) ",framerate=" G_STRINGIFY (FPS) "/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, W, H);
  Run r;
  for (int t = 0; t < n; t++)
    if (gst_harness_push (h, make_frame (&info, t)) != GST_FLOW_OK)
      break;
  gst_harness_push_event (h, gst_event_new_eos ());
  while (GstBuffer *b = gst_harness_try_pull (h)) {
    r.bytes += gst_buffer_get_size (b);
    r.sizes.push_back (gst_buffer_get_size (b));
    r.pts.push_back (GST_BUFFER_PTS (b));
    gst_buffer_unref (b);
  }
  while (GstMessage *msg = gst_bus_pop_filtered (
             bus, (GstMessageType)(GST_MESSAGE_WARNING | GST_MESSAGE_ERROR))) {
    GError *err = nullptr;
    gchar *debug = nullptr;
    bool error = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR;
    if (error)
      gst_message_parse_error (msg, &err, &debug);
    else
      gst_message_parse_warning (msg, &err, &debug);
    /* gifenc's own messages: gifmux, downstream, has its say about an empty stream. */
    gchar *src = gst_object_get_name (GST_MESSAGE_SRC (msg));
    if (g_str_has_prefix (src, "gifenc")) {
      if (error)
        fail_unless (g_error_matches (
                         err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS),
            "error %s", err->message);
      (error ? r.errors : r.warnings).push_back (err->message);
    }
    g_free (src);
    g_error_free (err);
    g_free (debug);
    gst_message_unref (msg);
  }
  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  return r;
}

GST_START_TEST (test_max_size_lands)
{
  const int n = 40;
  Run full = run ("gifenc threads=1 ! gifmux", n, true);
  fail_unless (full.errors.empty () && full.warnings.empty ());
  for (int pct : {25, 50, 75}) {
    gsize limit = full.bytes * pct / 100;
    Run r = run (
        "gifenc threads=1 max-size=" + std::to_string (limit) + " ! gifmux", n,
        true);
    fail_unless (r.errors.empty () && r.warnings.empty (), "%d %%: %s", pct,
        r.errors.empty () ? r.warnings[0].c_str () : r.errors[0].c_str ());
    fail_unless (r.bytes <= limit && r.bytes * 10 >= limit * 9,
        "%d %% of %zu: a %zu-byte file for max-size %zu", pct, full.bytes,
        r.bytes, limit);
  }
}
GST_END_TEST;

GST_START_TEST (test_max_size_without_duration)
{
  const int n = 40;
  Run full = run ("gifenc threads=1 ! gifmux", n, true);
  gsize limit = full.bytes / 2;
  Run r =
      run ("gifenc threads=1 max-size=" + std::to_string (limit) + " ! gifmux",
          n, false);
  fail_unless (
      r.errors.empty (), "%s", r.errors.empty () ? "" : r.errors[0].c_str ());
  fail_unless_equals_int ((int)r.warnings.size (), 1);
  fail_unless (r.warnings[0].find ("max-size") != std::string::npos, "%s",
      r.warnings[0].c_str ());
  fail_unless (r.bytes <= limit, "%zu bytes for max-size %zu", r.bytes, limit);
}
GST_END_TEST;

GST_START_TEST (test_bitrate_windows)
{
  /* 60 s at 20 fps; the target is half of what the clip costs by default. */
  const int n = 60 * FPS;
  Run full = run ("gifenc threads=1", 10 * FPS, false);
  double full_kbps = (double)full.bytes * 8 / 1000 / 10;
  int target = (int)(full_kbps / 2);
  Run r = run ("gifenc threads=1 bitrate=" + std::to_string (target), n, false);
  fail_unless (r.errors.empty () && r.warnings.empty ());
  for (int s = 0; s + 10 <= 60; s++) {
    double bytes = 0;
    for (size_t i = 0; i < r.sizes.size (); i++)
      if (r.pts[i] >= (GstClockTime)s * GST_SECOND &&
          r.pts[i] < (GstClockTime)(s + 10) * GST_SECOND)
        bytes += (double)r.sizes[i];
    double kbps = bytes * 8 / 1000 / 10;
    fail_unless (std::fabs (kbps / target - 1) <= 0.10,
        "window %d-%d s: %.1f kbit/s for a target of %d", s, s + 10, kbps,
        target);
  }
}
GST_END_TEST;

GST_START_TEST (test_bad_values)
{
  /* Below the least size, and both targets at once: errors that name the properties. */
  Run tiny = run ("gifenc max-size=1000 ! gifmux", 4, true);
  /* (said once, though the harness offers the caps again with every frame) */
  fail_unless_equals_int ((int)tiny.errors.size (), 1);
  fail_unless (tiny.errors[0].find ("max-size 1000") != std::string::npos, "%s",
      tiny.errors[0].c_str ());
  Run both = run ("gifenc max-size=100000 bitrate=100 ! gifmux", 4, true);
  fail_unless (!both.errors.empty ());
  fail_unless (both.errors[0].find ("max-size") != std::string::npos &&
                   both.errors[0].find ("bitrate") != std::string::npos,
      "%s", both.errors[0].c_str ());
  /* Look-ahead with rate control: refused, naming both. */
  for (const char *launch : {"gifenc max-size=100000 lookahead=2 ! gifmux",
           "gifenc bitrate=100 lookahead=2 ! gifmux"}) {
    Run la = run (launch, 4, true);
    fail_unless (!la.errors.empty (), "%s: no error", launch);
    fail_unless (la.errors[0].find ("lookahead") != std::string::npos &&
                     (la.errors[0].find ("max-size") != std::string::npos ||
                         la.errors[0].find ("bitrate") != std::string::npos),
        "%s: %s", launch, la.errors[0].c_str ());
  }
  /* A size the first frame alone exceeds (its 256-colour palette alone is 768 bytes: with
   * colors given, quality does not cut the palette down to fit). */
  Run small = run ("gifenc max-size=1100 colors=256 ! gifmux", 4, true);
  fail_unless_equals_int ((int)small.errors.size (), 1);
  fail_unless (small.errors[0].find ("max-size 1100") != std::string::npos,
      "%s", small.errors[0].c_str ());
  /* Out of the property's range: GLib refuses it, the default stays. */
  GstElement *enc = gst_element_factory_make ("gifenc", nullptr);
  gint bitrate = -5;
  g_object_get (enc, "bitrate", &bitrate, nullptr);
  fail_unless_equals_int (bitrate, 0);
  gst_object_unref (enc);
}
GST_END_TEST;

static Suite *
gifenc_rate_suite (void)
{
  Suite *s = suite_create ("gifenc-rate");
  TCase *tc = tcase_create ("rate");
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_max_size_lands);
  tcase_add_test (tc, test_max_size_without_duration);
  tcase_add_test (tc, test_bitrate_windows);
  tcase_add_test (tc, test_bad_values);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (gifenc_rate);
