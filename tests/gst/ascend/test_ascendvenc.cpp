/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ascendvenc on the DVPP simulator (GST_ASCEND_MPI_LIB/ACL_LIB name libdvppsim.so): pipelines
 * decoded back with FFmpeg, every injected fault ending in an element error with nothing left
 * in the simulator, eight encoders at once, bitrate changes while playing, caps changes,
 * EOS with frames in flight, forced IDRs, timestamps, and a missing runtime. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <dlfcn.h>
#include <glib/gstdio.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "ascendtest.h"

static const char *g_argv0;

/* ---- pipelines decoded by FFmpeg ---- */

static const int kW = 320, kH = 240, kFrames = 30;

static double
psnr_y (const guint8 *a, const guint8 *b, size_t n)
{
  double se = 0;
  for (size_t i = 0; i < n; i++) {
    double d = (double)a[i] - b[i];
    se += d * d;
  }
  if (se == 0)
    return 99.0;
  return 10.0 * std::log10 (255.0 * 255.0 * n / se);
}

/* Encodes kFrames of videotestsrc with `encoder` into a file, decodes it with FFmpeg and
 * compares every frame's luma with the same frames rendered raw. */
static void
check_encode_decode (const char *encoder_tail, const char *container)
{
  gchar *dir = g_dir_make_tmp ("ascendvenc-XXXXXX", nullptr);
  std::string out = std::string (dir) + "/out." + container;
  std::string ref = std::string (dir) + "/ref.nv12";
  std::string dec = std::string (dir) + "/dec.nv12";
  std::string src = "videotestsrc num-buffers=" + std::to_string (kFrames) +
                    " ! video/x-raw,format=NV12,width=" + std::to_string (kW) +
                    ",height=" + std::to_string (kH) + ",framerate=30/1";

  GstElement *p = parse_pipeline (src + " ! filesink location=" + ref);
  fail_unless (mk_run_pipeline (p) == nullptr);
  gst_object_unref (p);

  p = parse_pipeline (
      src + " ! ascendvenc ! " + encoder_tail + " ! filesink location=" + out);
  GstMessage *err = mk_run_pipeline (p);
  if (err) {
    GError *e = nullptr;
    gchar *dbg = nullptr;
    gst_message_parse_error (err, &e, &dbg);
    fail ("encode failed: %s (%s)", e->message, dbg);
  }
  gst_object_unref (p);
  assert_sim_clean ();

  gchar *ffmpeg = g_find_program_in_path ("ffmpeg");
  if (!ffmpeg) {
    GST_WARNING ("no ffmpeg: the output is not decoded");
  } else {
    const gchar *argv[] = {ffmpeg, "-v", "error", "-y", "-i", out.c_str (),
        "-f", "rawvideo", "-pix_fmt", "nv12", dec.c_str (), nullptr};
    gint status = -1;
    gchar *errout = nullptr;
    fail_unless (g_spawn_sync (nullptr, (gchar **)argv, nullptr,
        G_SPAWN_STDOUT_TO_DEV_NULL, nullptr, nullptr, nullptr, &errout, &status,
        nullptr));
    fail_unless (g_spawn_check_wait_status (status, nullptr),
        "ffmpeg could not decode %s: %s", out.c_str (), errout);
    g_free (errout);
    std::vector<guint8> a = mk_read_file (ref), b = mk_read_file (dec);
    const size_t frame = kW * kH * 3 / 2;
    fail_unless_equals_uint64 (a.size (), (guint64)frame * kFrames);
    fail_unless_equals_uint64 (
        b.size (), a.size ()); /* every frame, right size */
    for (int i = 0; i < kFrames; i++) {
      double q = psnr_y (a.data () + i * frame, b.data () + i * frame, kW * kH);
      fail_unless (q > 30.0, "frame %d: luma PSNR %.1f dB", i, q);
    }
    g_free (ffmpeg);
  }
  for (const std::string &f : {out, ref, dec})
    g_remove (f.c_str ());
  g_rmdir (dir);
  g_free (dir);
}

GST_START_TEST (test_h264_pipeline)
{
  if (have_element ("h264parse") && have_element ("mp4mux"))
    check_encode_decode ("h264parse ! mp4mux", "mp4");
  else
    check_encode_decode ("video/x-h264,stream-format=byte-stream", "h264");
}
GST_END_TEST;

GST_START_TEST (test_h265_pipeline)
{
  if (!sim_has_h265 ()) {
    GST_INFO ("the simulator has no H.265 encoder: skipped");
    return;
  }
  if (have_element ("h265parse") && have_element ("mp4mux"))
    check_encode_decode ("video/x-h265 ! h265parse ! mp4mux", "mp4");
  else
    check_encode_decode ("video/x-h265,stream-format=byte-stream", "h265");
}
GST_END_TEST;

/* The profile in the caps is the profile of the stream, as FFmpeg reads it from the SPS, for
 * the real encoder and for the benchmarks' null encoder (which used to write a baseline SPS
 * whatever the caps said). */
GST_START_TEST (test_profile_matches_caps)
{
  struct Case
  {
    const char *caps;
    std::vector<std::string> ffprobe; /* what conforms to the caps' profile */
  } cases[] = {
      {"high", {"High"}},
      {"main", {"Main"}},
      {"baseline", {"Baseline", "Constrained Baseline"}},
  };
  gchar *dir = g_dir_make_tmp ("ascendvenc-XXXXXX", nullptr);
  std::string out = std::string (dir) + "/out.h264";
  for (bool null_encoder : {false, true}) {
    if (null_encoder)
      g_setenv ("DVPPSIM_NULL_ENCODER", "1", TRUE);
    for (const Case &c : cases) {
      GstElement *p = parse_pipeline (
          std::string ("videotestsrc num-buffers=3 ! "
                       "video/x-raw,format=NV12,width=320,height=240 ! "
                       "ascendvenc ! video/x-h264,profile=") +
          c.caps + " ! filesink location=" + out);
      fail_unless (mk_run_pipeline (p) == nullptr);
      gst_object_unref (p);
      auto probe = ffprobe_stream (out, "profile");
      if (probe.empty ())
        continue; /* no ffprobe */
      bool ok = false;
      for (const std::string &want : c.ffprobe)
        ok = ok || probe["profile"] == want;
      fail_unless (ok, "caps %s (null encoder %d), stream %s", c.caps,
          null_encoder, probe["profile"].c_str ());
    }
  }
  g_unsetenv ("DVPPSIM_NULL_ENCODER");
  g_remove (out.c_str ());
  g_rmdir (dir);
  g_free (dir);
  assert_sim_clean ();
}
GST_END_TEST;

/* ---- faults: an element error, in bounded time, nothing leaked ---- */

struct FaultCase
{
  const char *faults;
  GQuark domain;
  gint code;
};

static std::vector<FaultCase>
fault_cases (void)
{
  GQuark stream = GST_STREAM_ERROR, resource = GST_RESOURCE_ERROR;
  return {
      {"hi_mpi_venc_send_frame=fail@3", stream, GST_STREAM_ERROR_ENCODE},
      {"hi_mpi_venc_send_frame=empty@2", stream, GST_STREAM_ERROR_ENCODE},
      {"hi_mpi_venc_get_stream=empty@3", stream, GST_STREAM_ERROR_ENCODE},
      /* a swallowed frame never comes back: the drain at EOS times out */
      {"hi_mpi_venc_send_frame=timeout@4", stream, GST_STREAM_ERROR_ENCODE},
      {"hi_mpi_venc_get_stream=fail@2,hi_mpi_venc_get_stream=fail@3,"
       "hi_mpi_venc_get_stream=fail@4",
          stream, GST_STREAM_ERROR_ENCODE},
      /* one failed wait is retried; three in a row stop the encoder */
      {"hi_mpi_sys_wait_epoll=fail@2,hi_mpi_sys_wait_epoll=fail@3,"
       "hi_mpi_sys_wait_epoll=fail@4",
          stream, GST_STREAM_ERROR_ENCODE},
      {"hi_mpi_venc_create_chn=fail@1", resource, GST_RESOURCE_ERROR_FAILED},
      {"hi_mpi_dvpp_malloc=fail@1", resource, GST_RESOURCE_ERROR_NO_SPACE_LEFT},
      {"aclrtSetDevice=fail@1", resource, -1},
  };
}

GST_START_TEST (test_faults)
{
  FaultCase c = fault_cases ()[__i__];
  /* read when the simulator initialises, i.e. when the element starts */
  g_setenv ("DVPPSIM_FAULTS", c.faults, TRUE);
  GstElement *p = parse_pipeline (
      "videotestsrc num-buffers=40 ! "
      "video/x-raw,format=NV12,width=320,height=240,framerate=30/1 ! "
      "ascendvenc send-timeout=500 ! fakesink");
  /* No wall-clock bound: a hang is ended by the test's timeout, and a busy machine must not fail
   * it (20 s was asserted here; the default send-timeout, 10 s, was within it anyway). */
  GstMessage *msg = mk_run_pipeline (p);
  fail_unless (msg != nullptr, "%s: no error", c.faults);
  GError *err = nullptr;
  gchar *dbg = nullptr;
  gst_message_parse_error (msg, &err, &dbg);
  GST_INFO ("%s: %s (%s)", c.faults, err->message, dbg);
  fail_unless (GST_IS_VIDEO_ENCODER (GST_MESSAGE_SRC (msg)),
      "%s: the error came from %s", c.faults, GST_MESSAGE_SRC_NAME (msg));
  fail_unless (err->domain == c.domain, "%s: %s", c.faults,
      g_quark_to_string (err->domain));
  if (c.code >= 0)
    fail_unless_equals_int (err->code, c.code);
  g_error_free (err);
  g_free (dbg);
  gst_message_unref (msg);
  gst_object_unref (p);
  assert_sim_clean ();
  g_unsetenv ("DVPPSIM_FAULTS");
}
GST_END_TEST;

GST_START_TEST (test_bad_size)
{
  /* 310P takes 128..4096: 120 passes the caps (310B takes it) but not the chip */
  expect_settings_error ("width=120,height=120", "",
      "width 120 is out of range (allowed: even, 128 to 4096)");
}
GST_END_TEST;

/* A size no chip takes, which the old template refused outright (7x3): the error comes from
 * ascendvenc and names the limit, instead of upstream's bare "not-negotiated". */
GST_START_TEST (test_size_refused_names_limit)
{
  expect_settings_error ("width=7,height=3", "",
      "width 7 is out of range (allowed: even, 128 to 4096)");
}
GST_END_TEST;

/* ---- eight encoders ---- */

static GstPadProbeReturn
count_buffer (GstPad *, GstPadProbeInfo *, gpointer user_data)
{
  ((std::atomic<int> *)user_data)->fetch_add (1);
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_eight_encoders)
{
  const int n = 8, frames = 20;
  std::string desc =
      "videotestsrc num-buffers=" + std::to_string (frames) +
      " ! video/x-raw,format=NV12,width=320,height=240 ! tee name=t";
  for (int i = 0; i < n; i++)
    desc += " t. ! queue ! ascendvenc ! fakesink name=s" + std::to_string (i);
  GstElement *p = parse_pipeline (desc);
  std::atomic<int> counts[8];
  for (int i = 0; i < n; i++) {
    counts[i] = 0;
    GstElement *sink =
        gst_bin_get_by_name (GST_BIN (p), ("s" + std::to_string (i)).c_str ());
    GstPad *pad = gst_element_get_static_pad (sink, "sink");
    gst_pad_add_probe (
        pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, &counts[i], nullptr);
    gst_object_unref (pad);
    gst_object_unref (sink);
  }
  fail_unless (mk_run_pipeline (p) == nullptr);
  for (int i = 0; i < n; i++)
    fail_unless_equals_int (counts[i].load (), frames);
  gst_object_unref (p);
  assert_sim_clean ();
}
GST_END_TEST;

/* ---- harness tests ---- */

static bool
has_idr_nal (GstBuffer *buf)
{
  GstMapInfo map;
  bool idr = false;
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  for (gsize i = 0; i + 3 < map.size; i++)
    if (map.data[i] == 0 && map.data[i + 1] == 0 && map.data[i + 2] == 1 &&
        (map.data[i + 3] & 0x1f) == 5)
      idr = true;
  gst_buffer_unmap (buf, &map);
  return idr;
}

/* The DVPP pool offered upstream is bounded (twice input-buffers): its buffers come back only
 * once their streams are out, and with no bound it grew whenever outputs lagged. */
GST_START_TEST (test_proposed_pool_bounded)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  g_object_set (h->element, "input-buffers", 3, nullptr);
  gst_harness_set_src_caps_str (h, kCaps);
  GstCaps *caps = gst_caps_from_string (kCaps);
  GstQuery *q = gst_query_new_allocation (caps, TRUE);
  gst_caps_unref (caps);
  fail_unless (gst_pad_peer_query (h->srcpad, q));
  fail_unless (gst_query_get_n_allocation_pools (q) > 0);
  GstBufferPool *pool = nullptr;
  guint size = 0, min = 0, max = 0;
  gst_query_parse_nth_allocation_pool (q, 0, &pool, &size, &min, &max);
  fail_unless (pool != nullptr);
  fail_unless_equals_int (max, 6);
  GstStructure *config = gst_buffer_pool_get_config (pool);
  fail_unless (
      gst_buffer_pool_config_get_params (config, nullptr, nullptr, &min, &max));
  fail_unless_equals_int (max, 6);
  gst_structure_free (config);
  gst_object_unref (pool);
  gst_query_unref (q);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Frames in memory of their own (not from the proposed pool) are copied into DVPP frames. */
GST_START_TEST (test_foreign_memory_copied)
{
  const int frames = 5;
  GstHarness *h = gst_harness_new ("ascendvenc");
  gst_harness_set_src_caps_str (h, kCaps);
  for (int i = 0; i < frames; i++) {
    GstBuffer *buf =
        gst_buffer_new_allocate (nullptr, 320 * 240 * 3 / 2, nullptr);
    gst_buffer_memset (buf, 0, (guint8)(16 + i), 320 * 240 * 3 / 2);
    GST_BUFFER_PTS (buf) = i * kDur;
    GST_BUFFER_DURATION (buf) = kDur;
    fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), frames);
  GstStructure *stats = nullptr;
  guint64 zero_copy = 1, copied = 0;
  g_object_get (h->element, "stats", &stats, nullptr);
  fail_unless (
      gst_structure_get_uint64 (stats, "frames-zero-copy", &zero_copy));
  fail_unless (gst_structure_get_uint64 (stats, "frames-copied", &copied));
  gst_structure_free (stats);
  fail_unless_equals_uint64 (zero_copy, 0);
  fail_unless_equals_uint64 (copied, frames);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* EOS drains: every frame is out, in order, with its timestamp, when EOS returns. */
GST_START_TEST (test_eos_in_flight_and_pts)
{
  const int frames = 20;
  GstHarness *h = gst_harness_new ("ascendvenc");
  gst_harness_set_src_caps_str (h, kCaps);
  for (int i = 0; i < frames; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  /* no waiting: the drain in finish() has delivered everything already */
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), frames);
  for (int i = 0; i < frames; i++) {
    GstBuffer *buf = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), i * kDur);
    fail_unless (gst_buffer_get_size (buf) > 0);
    fail_unless_equals_int (
        !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT), i == 0);
    gst_buffer_unref (buf);
  }
  /* the last event out is the EOS, after every buffer */
  GstEvent *ev, *last = nullptr;
  while ((ev = gst_harness_try_pull_event (h))) {
    if (last)
      gst_event_unref (last);
    last = ev;
  }
  fail_unless (last && GST_EVENT_TYPE (last) == GST_EVENT_EOS);
  gst_event_unref (last);

  /* the frames came from the DVPP pool the element proposed: none was copied */
  guint64 zero_copy = 0, copied = 0;
  GstStructure *stats = nullptr;
  g_object_get (h->element, "stats", &stats, nullptr);
  fail_unless (stats != nullptr);
  fail_unless (
      gst_structure_get_uint64 (stats, "frames-zero-copy", &zero_copy));
  fail_unless (gst_structure_get_uint64 (stats, "frames-copied", &copied));
  gst_structure_free (stats);
  fail_unless_equals_uint64 (zero_copy, frames);
  fail_unless_equals_uint64 (copied, 0);

  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  GstStructure *s = gst_caps_get_structure (caps, 0);
  fail_unless (gst_structure_has_name (s, "video/x-h264"));
  fail_unless_equals_string (
      gst_structure_get_string (s, "stream-format"), "byte-stream");
  fail_unless_equals_string (gst_structure_get_string (s, "alignment"), "au");
  gst_caps_unref (caps);
  gst_harness_teardown (h);
  assert_sim_clean ();
}
GST_END_TEST;

GST_START_TEST (test_force_key_unit)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  g_object_set (h->element, "gop-size", 1000, nullptr);
  gst_harness_set_src_caps_str (h, kCaps);
  for (int i = 0; i < 10; i++) {
    if (i == 6)
      fail_unless (gst_harness_push_event (
          h, gst_video_event_new_downstream_force_key_unit (GST_CLOCK_TIME_NONE,
                 GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, TRUE, 1)));
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  for (int i = 0; i < 10; i++) {
    GstBuffer *buf = gst_harness_pull (h);
    bool key = !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
    fail_unless_equals_int (key, i == 0 || i == 6);
    fail_unless_equals_int (has_idr_nal (buf), i == 0 || i == 6);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), i * kDur);
    gst_buffer_unref (buf);
  }
  gst_harness_teardown (h);
}
GST_END_TEST;

GST_START_TEST (test_bitrate_while_playing)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  g_object_set (h->element, "channel-id", 7, "bitrate", 1500, nullptr);
  gst_harness_set_src_caps_str (h, kCaps);
  for (int i = 0; i < 3; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
  fail_unless_equals_int (sim_channel_bitrate (7), 1500);
  g_object_set (h->element, "bitrate", 500, nullptr);
  for (int i = 3; i < 6; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
  fail_unless_equals_int (sim_channel_bitrate (7), 500);
  guint bitrate = 0;
  g_object_get (h->element, "bitrate", &bitrate, nullptr);
  fail_unless_equals_int (bitrate, 500);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 6);
  gst_harness_teardown (h);
  assert_sim_clean ();
}
GST_END_TEST;

/* ---- changes while playing ---- */

/* Ends the stream and checks that every frame came out and nothing went wrong. */
static void
finish_live_test (GstHarness *h, GstBus *bus, int frames, size_t warnings)
{
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), frames);
  Posted posted = pop_posted (bus);
  fail_unless (
      posted.errors.empty (), "error: %s", posted.errors.at (0).c_str ());
  fail_unless_equals_int ((int)posted.warnings.size (), (int)warnings);
  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  assert_sim_clean ();
}

/* ascendvenc in vbr at 1000 kbit/s, peak 2000, on channel 7, caps set; `bus` gets its
 * messages. */
static GstHarness *
vbr_harness (GstBus **bus)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  *bus = harness_bus (h);
  gst_util_set_object_arg (G_OBJECT (h->element), "rc-mode", "vbr");
  g_object_set (h->element, "channel-id", 7, "bitrate", 1000, "max-bitrate",
      2000, nullptr);
  gst_harness_set_src_caps_str (h, kCaps);
  return h;
}

/* In cbr max-bitrate is not used: a bitrate above it while playing is applied, quietly (it
 * stopped the stream with "Invalid encoder settings"). */
GST_START_TEST (test_live_bitrate_above_max_in_cbr)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  GstBus *bus = harness_bus (h);
  g_object_set (h->element, "channel-id", 7, "bitrate", 1500, "max-bitrate",
      2000, nullptr);
  gst_harness_set_src_caps_str (h, kCaps);
  push_frames (h, 0, 3);
  g_object_set (h->element, "bitrate", 5000, nullptr);
  push_frames (h, 3, 3);
  fail_unless_equals_int (sim_channel_bitrate (7), 5000);
  finish_live_test (h, bus, 6, 0);
}
GST_END_TEST;

/* bitrate, a frame, then max-bitrate (vbr): the half-made change in between is refused with a
 * warning and the channel keeps its rates; once both are set they apply. No frame is lost
 * (this stopped the stream). */
GST_START_TEST (test_live_bitrate_then_max)
{
  GstBus *bus = nullptr;
  GstHarness *h = vbr_harness (&bus);
  push_frames (h, 0, 2);
  g_object_set (h->element, "bitrate", 3000, nullptr);
  push_frames (h, 2, 1);
  fail_unless_equals_int (
      sim_channel_bitrate (7), 2000); /* vbr runs at the peak */
  Posted posted = pop_posted (bus);
  fail_unless (posted.errors.empty ());
  std::vector<std::string> &warned = posted.warnings;
  fail_unless_equals_int ((int)warned.size (), 1);
  fail_unless (warned[0].find ("max-bitrate 2000") != std::string::npos, "%s",
      warned[0].c_str ());
  g_object_set (h->element, "max-bitrate", 4000, nullptr);
  push_frames (h, 3, 2);
  fail_unless_equals_int (sim_channel_bitrate (7), 4000);
  guint bitrate = 0;
  g_object_get (h->element, "bitrate", &bitrate, nullptr);
  fail_unless_equals_int (bitrate, 3000);
  finish_live_test (h, bus, 5, 0);
}
GST_END_TEST;

/* Properties set in one g_object_set, or between freeze and thaw of notifications with a frame
 * in between, are applied together: no warning, no error. */
GST_START_TEST (test_live_changes_together)
{
  GstBus *bus = nullptr;
  GstHarness *h = vbr_harness (&bus);
  push_frames (h, 0, 2);
  g_object_freeze_notify (G_OBJECT (h->element));
  g_object_set (h->element, "bitrate", 5000, nullptr);
  push_frames (h, 2, 1); /* encoded with the rates before the freeze */
  fail_unless_equals_int (sim_channel_bitrate (7), 2000);
  g_object_set (h->element, "max-bitrate", 6000, nullptr);
  g_object_thaw_notify (G_OBJECT (h->element));
  push_frames (h, 3, 1);
  fail_unless_equals_int (sim_channel_bitrate (7), 6000);
  g_object_set (h->element, "bitrate", 7000, "max-bitrate", 8000, nullptr);
  push_frames (h, 4, 1);
  fail_unless_equals_int (sim_channel_bitrate (7), 8000);
  finish_live_test (h, bus, 5, 0);
}
GST_END_TEST;

/* The runtime refusing the new rate: a warning, the channel keeps encoding at the old one. */
GST_START_TEST (test_live_change_refused_by_runtime)
{
  g_setenv ("DVPPSIM_FAULTS", "hi_mpi_venc_set_chn_attr=fail@1", TRUE);
  GstHarness *h = gst_harness_new ("ascendvenc");
  GstBus *bus = harness_bus (h);
  g_object_set (h->element, "channel-id", 7, "bitrate", 1500, nullptr);
  gst_harness_set_src_caps_str (h, kCaps);
  push_frames (h, 0, 2);
  g_object_set (h->element, "bitrate", 500, nullptr);
  push_frames (h, 2, 2);
  fail_unless_equals_int (sim_channel_bitrate (7), 1500);
  finish_live_test (h, bus, 4, 1);
  g_unsetenv ("DVPPSIM_FAULTS");
}
GST_END_TEST;

/* A new size mid-stream: the old frames come out, then the new ones, with new caps. The
 * proposed pool has the DVPP stride (330 -> 336). */
GST_START_TEST (test_caps_change)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  gst_harness_set_src_caps_str (h, kCaps);
  for (int i = 0; i < 5; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
  gst_harness_set_src_caps_str (
      h, "video/x-raw,format=NV12,width=330,height=200,framerate=30/1");
  /* as a real source does after its caps change: ask for a pool again */
  gst_pad_mark_reconfigure (h->srcpad);
  GstBuffer *probe = make_frame (h, 330, 200, 0);
  GstVideoMeta *meta = gst_buffer_get_video_meta (probe);
  fail_unless (meta != nullptr);
  fail_unless_equals_int (meta->stride[0], 336);
  fail_unless_equals_int (meta->stride[1], 336);
  fail_unless_equals_uint64 (meta->offset[1], 336 * 200);
  gst_buffer_unref (probe);
  for (int i = 5; i < 10; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 330, 200, i)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 10);
  for (int i = 0; i < 10; i++) {
    GstBuffer *buf = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), i * kDur);
    /* a new session starts with an IDR */
    fail_unless_equals_int (has_idr_nal (buf), i == 0 || i == 5);
    gst_buffer_unref (buf);
  }
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  gint width = 0;
  gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &width);
  fail_unless_equals_int (width, 330);
  gst_caps_unref (caps);
  gst_harness_teardown (h);
  assert_sim_clean ();
}
GST_END_TEST;

/* A flush (seek) drops what is in flight and encoding goes on. */
GST_START_TEST (test_flush)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  gst_harness_set_src_caps_str (h, kCaps);
  for (int i = 0; i < 5; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  guint before = gst_harness_buffers_received (h);
  for (int i = 0; i < 5; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_received (h), before + 5);
  gst_harness_teardown (h);
  assert_sim_clean ();
}
GST_END_TEST;

/* ---- no runtime: run in a child process, before anything loads the simulator ---- */

static int
run_no_runtime_child (void)
{
  gchar *reg = g_build_filename (
      g_get_tmp_dir (), "ascendvenc-noruntime.XXXXXX", nullptr);
  gint fd = g_mkstemp (reg);
  close (fd);
  g_setenv ("GST_REGISTRY_1_0", reg, TRUE);
  /* only our plugins (the first entry): a fresh registry scans in-process, and some system
   * plugins leak under LeakSanitizer when loaded */
  gchar **dirs = g_strsplit (g_getenv ("GST_PLUGIN_PATH_1_0"), ":", 2);
  g_setenv ("GST_PLUGIN_PATH_1_0", dirs[0], TRUE);
  g_strfreev (dirs);
  g_setenv ("GST_ASCEND_MPI_LIB", "/nonexistent/libacl_dvpp_mpi.so", TRUE);
  g_setenv ("GST_ASCEND_ACL_LIB", "/nonexistent/libascendcl.so", TRUE);
  gst_init (nullptr, nullptr);
  int rc = 0;
  GstElementFactory *f = gst_element_factory_find ("ascendvenc");
  if (!f)
    return 10; /* must be registered all the same */
  if (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (f)) != GST_RANK_NONE)
    rc = 11;
  GstElement *enc = gst_element_factory_create (f, nullptr);
  gst_object_unref (f);
  if (!enc)
    return 12;
  GstElement *p = gst_pipeline_new (nullptr);
  gst_bin_add (GST_BIN (p), enc);
  /* starting (READY -> PAUSED) fails */
  if (gst_element_set_state (p, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE)
    rc = 16;
  GstBus *bus = gst_element_get_bus (p);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (!msg) {
    rc = 13;
  } else {
    GError *err = nullptr;
    gchar *dbg = nullptr;
    gst_message_parse_error (msg, &err, &dbg);
    if (!g_error_matches (err, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT))
      rc = 14;
    else if (!strstr (err->message, "GST_ASCEND_MPI_LIB") ||
             !strstr (dbg, "/nonexistent/libacl_dvpp_mpi.so"))
      rc = 15;
    g_error_free (err);
    g_free (dbg);
    gst_message_unref (msg);
  }
  gst_element_set_state (p, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (p);
  g_remove (reg);
  g_free (reg);
  gst_deinit ();
  return rc;
}

GST_START_TEST (test_no_runtime)
{
  const gchar *argv[] = {g_argv0, "--no-runtime-child", nullptr};
  gint status = -1;
  gchar *errout = nullptr;
  fail_unless (g_spawn_sync (nullptr, (gchar **)argv, nullptr,
      G_SPAWN_STDOUT_TO_DEV_NULL, nullptr, nullptr, nullptr, &errout, &status,
      nullptr));
  GError *err = nullptr;
  fail_unless (g_spawn_check_wait_status (status, &err),
      "child: %s (exit codes: 11 rank, 13 no error, 14 wrong error, 15 "
      "message, 16 started); stderr: %s",
      err ? err->message : "?", errout);
  g_free (errout);
}
GST_END_TEST;

static Suite *
ascendvenc_suite (void)
{
  Suite *s = suite_create ("ascendvenc");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_h264_pipeline);
  tcase_add_test (tc, test_h265_pipeline);
  tcase_add_test (tc, test_profile_matches_caps);
  tcase_add_loop_test (tc, test_faults, 0, (int)fault_cases ().size ());
  tcase_add_test (tc, test_bad_size);
  tcase_add_test (tc, test_size_refused_names_limit);
  tcase_add_test (tc, test_eight_encoders);
  tcase_add_test (tc, test_eos_in_flight_and_pts);
  tcase_add_test (tc, test_foreign_memory_copied);
  tcase_add_test (tc, test_force_key_unit);
  tcase_add_test (tc, test_bitrate_while_playing);
  tcase_add_test (tc, test_live_bitrate_above_max_in_cbr);
  tcase_add_test (tc, test_live_bitrate_then_max);
  tcase_add_test (tc, test_live_changes_together);
  tcase_add_test (tc, test_live_change_refused_by_runtime);
  tcase_add_test (tc, test_caps_change);
  tcase_add_test (tc, test_flush);
  tcase_add_test (tc, test_proposed_pool_bounded);
  tcase_add_test (tc, test_no_runtime);
  return s;
}

int
main (int argc, char **argv)
{
  g_argv0 = argv[0];
  if (argc > 1 && strcmp (argv[1], "--no-runtime-child") == 0)
    return run_no_runtime_child ();
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (ascendvenc_suite (), "ascendvenc", __FILE__);
}
