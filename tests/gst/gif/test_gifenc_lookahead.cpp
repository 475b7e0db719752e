/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifenc's `lookahead`: the LATENCY query answers (1 + lookahead) frames (the frame held for its
 * delay, and the look-ahead); EOS drains every frame; frames merged for being too short keep
 * their order and timing among the frames waiting in the look-ahead; a flush mid-window drops
 * the window (nothing lost after it, nothing leaked: the leaks tracer), and a stop does too; a
 * new input size drains the old stream first; a file made with look-ahead has every frame for
 * FFmpeg (an independent decoder). */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <glib/gstdio.h>
#include <gst/video/video.h>

#include <string>
#include <vector>

#include "mktestutil.h"

struct Out
{
  std::vector<GstClockTime> pts, durations;
  std::vector<bool> delta;
};

/* A w x h RGBA frame whose colours change with t (every frame is coded, none merged). */
static GstBuffer *
make_frame (int w, int h, int t, GstClockTime pts, GstClockTime duration)
{
  GstBuffer *buf = gst_buffer_new_allocate (nullptr, (gsize)w * h * 4, nullptr);
  GstMapInfo map;
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      guint8 *p = map.data + ((gsize)y * w + x) * 4;
      p[0] = (guint8)(x * 8 + t * 16);
      p[1] = (guint8)(y * 8);
      p[2] = (guint8)(t * 40);
      p[3] = 255;
    }
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = duration;
  return buf;
}

static GstHarness *
new_enc (int lookahead, const char *caps)
{
  GstHarness *h = gst_harness_new ("gifenc");
  g_object_set (h->element, "lookahead", lookahead, nullptr);
  gst_harness_set_src_caps_str (h, caps);
  return h;
}

static void
collect (GstHarness *h, Out *out)
{
  GstBuffer *b;
  while ((b = gst_harness_try_pull (h))) {
    out->pts.push_back (GST_BUFFER_PTS (b));
    out->durations.push_back (GST_BUFFER_DURATION (b));
    out->delta.push_back (
        GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DELTA_UNIT));
    gst_buffer_unref (b);
  }
}

/* Pushes frames t0..t1-1 at `fps` (timestamps from t = 0). */
static void
push_frames (GstHarness *h, int w, int hh, int t0, int t1, int fps)
{
  for (int t = t0; t < t1; t++) {
    GstClockTime pts = gst_util_uint64_scale (t, GST_SECOND, fps);
    GstClockTime end = gst_util_uint64_scale (t + 1, GST_SECOND, fps);
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (w, hh, t, pts, end - pts)),
        GST_FLOW_OK);
  }
}

GST_START_TEST (test_latency_query)
{
  for (int lookahead : {0, 1, 7}) {
    GstHarness *h = new_enc (
        lookahead, "video/x-raw,format=RGBA,width=16,height=8,framerate=25/1");
    /* The harness's upstream says 0: what the query reports is gifenc's. */
    GstClockTime want = (GstClockTime)(1 + lookahead) * GST_SECOND / 25;
    fail_unless_equals_uint64 (gst_harness_query_latency (h), want);
    gst_harness_teardown (h);
  }
  /* 30000/1001: the exact frame interval times (1 + lookahead), rounded down once. */
  GstHarness *h = new_enc (
      4, "video/x-raw,format=RGBA,width=16,height=8,framerate=30000/1001");
  fail_unless_equals_uint64 (gst_harness_query_latency (h),
      gst_util_uint64_scale (5 * GST_SECOND, 1001, 30000));
  gst_harness_teardown (h);
  /* A variable frame rate gives no time to report (documented). */
  h = new_enc (4, "video/x-raw,format=RGBA,width=16,height=8,framerate=0/1");
  fail_unless_equals_uint64 (gst_harness_query_latency (h), 0);
  gst_harness_teardown (h);
}
GST_END_TEST;

GST_START_TEST (test_eos_drains_every_frame)
{
  const int n = 10, lookahead = 4;
  GstHarness *h = new_enc (
      lookahead, "video/x-raw,format=RGBA,width=16,height=8,framerate=10/1");
  push_frames (h, 16, 8, 0, n, 10);
  Out before;
  collect (h, &before);
  /* One frame waits for its delay, `lookahead` more wait in the encoder. */
  fail_unless_equals_int ((int)before.pts.size (), n - 1 - lookahead);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  Out all = before;
  collect (h, &all);
  fail_unless_equals_int ((int)all.pts.size (), n);
  for (int i = 0; i < n; i++)
    fail_unless_equals_uint64 (
        all.pts[i], gst_util_uint64_scale (i, GST_SECOND, 10));
  fail_if (all.delta[0]);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* 1 cs frames (100 fps): every other one is merged into the next. With look-ahead the same
 * frames come out, in the same order, with the same timing, as without. */
GST_START_TEST (test_merged_frames_keep_order)
{
  Out runs[2];
  for (int i = 0; i < 2; i++) {
    GstHarness *h = new_enc (i == 0 ? 0 : 5,
        "video/x-raw,format=RGBA,width=8,height=8,framerate=100/1");
    push_frames (h, 8, 8, 0, 21, 100);
    fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
    collect (h, &runs[i]);
    gst_harness_teardown (h);
  }
  fail_unless_equals_int ((int)runs[0].pts.size (), 11);
  fail_unless_equals_int ((int)runs[1].pts.size (), (int)runs[0].pts.size ());
  for (size_t i = 0; i < runs[0].pts.size (); i++) {
    fail_unless_equals_uint64 (runs[1].pts[i], runs[0].pts[i]);
    fail_unless_equals_uint64 (runs[1].durations[i], runs[0].durations[i]);
  }
}
GST_END_TEST;

GST_START_TEST (test_flush_mid_window)
{
  const int lookahead = 4;
  GstHarness *h = new_enc (
      lookahead, "video/x-raw,format=RGBA,width=16,height=8,framerate=10/1");
  push_frames (h, 16, 8, 0, 7, 10);
  Out before;
  collect (h, &before);
  fail_unless_equals_int ((int)before.pts.size (), 7 - 1 - lookahead);
  /* A flushing seek: the frames in the window are dropped. */
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  Out after;
  collect (h, &after);
  fail_unless_equals_int ((int)after.pts.size (), 0);
  /* Everything pushed after the flush comes out, from a key frame. */
  push_frames (h, 16, 8, 20, 26, 10);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  collect (h, &after);
  fail_unless_equals_int ((int)after.pts.size (), 6);
  fail_unless_equals_uint64 (after.pts[0], 2 * GST_SECOND);
  fail_if (after.delta[0], "the first frame after a flush is not a key frame");
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Stopped with frames in the window (no EOS): they are freed (the leaks tracer checks). */
GST_START_TEST (test_stop_mid_window)
{
  GstHarness *h =
      new_enc (6, "video/x-raw,format=RGBA,width=16,height=8,framerate=10/1");
  push_frames (h, 16, 8, 0, 5, 10);
  Out out;
  collect (h, &out);
  fail_unless_equals_int ((int)out.pts.size (), 0);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* A new size mid-stream: the old stream's frames all come out before the new caps. */
GST_START_TEST (test_size_change_drains)
{
  GstHarness *h =
      new_enc (3, "video/x-raw,format=RGBA,width=16,height=8,framerate=10/1");
  push_frames (h, 16, 8, 0, 5, 10);
  gst_harness_set_src_caps_str (
      h, "video/x-raw,format=RGBA,width=8,height=4,framerate=10/1");
  Out old_stream;
  collect (h, &old_stream);
  fail_unless_equals_int ((int)old_stream.pts.size (), 5);
  push_frames (h, 8, 4, 5, 8, 10);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  Out new_stream;
  collect (h, &new_stream);
  fail_unless_equals_int ((int)new_stream.pts.size (), 3);
  fail_if (new_stream.delta[0]);
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  gint width = 0;
  gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &width);
  fail_unless_equals_int (width, 8);
  gst_caps_unref (caps);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* videotestsrc ! gifenc lookahead=5 ! gifmux ! filesink: FFmpeg reads every frame back. */
GST_START_TEST (test_file_read_by_ffmpeg)
{
  const int n = 12;
  std::string path = mk_write_temp_file ({});
  gchar *desc = g_strdup_printf (
      "videotestsrc num-buffers=%d pattern=smpte horizontal-speed=3 ! "
      "video/x-raw,format=RGBx,width=64,height=48,framerate=10/1 ! "
      "gifenc lookahead=5 ! gifmux ! filesink location=%s",
      n, path.c_str ());
  GstElement *pipeline = gst_parse_launch (desc, nullptr);
  g_free (desc);
  fail_unless (pipeline != nullptr);
  GstMessage *error = mk_run_pipeline (pipeline);
  fail_unless (error == nullptr, "the pipeline failed");
  gst_object_unref (pipeline);
  /* -1: ffprobe is missing (it is in scripts/packages.txt) */
  fail_unless_equals_int (mk_ffprobe_frames (path), n);
  g_unlink (path.c_str ());
}
GST_END_TEST;

static Suite *
gifenc_lookahead_suite (void)
{
  Suite *s = suite_create ("gifenc-lookahead");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_latency_query);
  tcase_add_test (tc, test_eos_drains_every_frame);
  tcase_add_test (tc, test_merged_frames_keep_order);
  tcase_add_test (tc, test_flush_mid_window);
  tcase_add_test (tc, test_stop_mid_window);
  tcase_add_test (tc, test_size_change_drains);
  tcase_add_test (tc, test_file_read_by_ffmpeg);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (gifenc_lookahead);
