/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What ascendvenc's stream says, read back by FFmpeg's ffprobe: the colorimetry, range, pixel
 * aspect ratio and frame rate of the caps (BT.601/709/2020 x full/limited x 25, 30000/1001, 60
 * fps, H.264 and H.265) in the raw stream and through h264parse/h265parse ! mp4mux, every frame
 * decoded; the level (property and downstream caps); the per-frame statistics meta and the
 * running totals against what the simulator made; and the new controls as the simulator's
 * channel got them. */
#include "ascendtest.h"

#include <glib/gstdio.h>

#include <cstdio>

struct Colour
{
  const char *name;
  GstVideoColorMatrix matrix;
  GstVideoTransferFunction transfer;
  GstVideoColorPrimaries primaries;
  /* what ffprobe says: color_space, color_transfer, color_primaries */
  const char *space, *ff_transfer, *ff_primaries;
};

static const Colour kColours[] = {
    {"bt601", GST_VIDEO_COLOR_MATRIX_BT601, GST_VIDEO_TRANSFER_BT601,
        GST_VIDEO_COLOR_PRIMARIES_SMPTE170M, "smpte170m", "smpte170m",
        "smpte170m"},
    {"bt709", GST_VIDEO_COLOR_MATRIX_BT709, GST_VIDEO_TRANSFER_BT709,
        GST_VIDEO_COLOR_PRIMARIES_BT709, "bt709", "bt709", "bt709"},
    {"bt2020", GST_VIDEO_COLOR_MATRIX_BT2020, GST_VIDEO_TRANSFER_BT2020_10,
        GST_VIDEO_COLOR_PRIMARIES_BT2020, "bt2020nc", "bt2020-10", "bt2020"},
};

struct Rate
{
  const char *caps; /* framerate and pixel-aspect-ratio */
  const char *ff_rate, *ff_sar;
};

static const Rate kRates[] = {
    {"framerate=25/1,pixel-aspect-ratio=1/1", "25/1", "1:1"},
    {"framerate=30000/1001,pixel-aspect-ratio=4/3", "30000/1001", "4:3"},
    {"framerate=60/1,pixel-aspect-ratio=16/11", "60/1", "16:11"},
};

static const int kStreamFrames = 4;

static void
check_probe (std::map<std::string, std::string> &probe, const std::string &what,
    const Colour &c, bool full, const Rate &r)
{
  const char *ctx = what.c_str ();
  fail_unless (probe["color_range"] == (full ? "pc" : "tv"), "%s: range %s",
      ctx, probe["color_range"].c_str ());
  fail_unless (probe["color_space"] == c.space, "%s: space %s", ctx,
      probe["color_space"].c_str ());
  fail_unless (probe["color_transfer"] == c.ff_transfer, "%s: transfer %s", ctx,
      probe["color_transfer"].c_str ());
  fail_unless (probe["color_primaries"] == c.ff_primaries, "%s: primaries %s",
      ctx, probe["color_primaries"].c_str ());
  fail_unless (probe["sample_aspect_ratio"] == r.ff_sar, "%s: sar %s", ctx,
      probe["sample_aspect_ratio"].c_str ());
  fail_unless (probe["r_frame_rate"] == r.ff_rate, "%s: rate %s", ctx,
      probe["r_frame_rate"].c_str ());
  fail_unless (probe["nb_read_frames"] == std::to_string (kStreamFrames),
      "%s: %s frames decoded", ctx, probe["nb_read_frames"].c_str ());
}

/* One case of the matrix: loop index -> codec, colour, range, rate. */
GST_START_TEST (test_vui_from_caps)
{
  int i = __i__;
  bool h265 = i / 18 == 1;
  const Colour &c = kColours[i / 6 % 3];
  bool full = i / 3 % 2 == 1;
  const Rate &r = kRates[i % 3];
  if (h265 && !sim_has_h265 ())
    return;
  if (!have_element (h265 ? "h265parse" : "h264parse") ||
      !have_element ("mp4mux"))
    return;

  GstVideoColorimetry colorimetry = {
      full ? GST_VIDEO_COLOR_RANGE_0_255 : GST_VIDEO_COLOR_RANGE_16_235,
      c.matrix, c.transfer, c.primaries};
  gchar *cstr = gst_video_colorimetry_to_string (&colorimetry);
  gchar *dir = g_dir_make_tmp ("ascendvenc-vui-XXXXXX", nullptr);
  std::string raw = std::string (dir) + "/out." + (h265 ? "h265" : "h264");
  std::string mp4 = std::string (dir) + "/out.mp4";
  const char *codec = h265 ? "h265" : "h264";
  GstElement *p = parse_pipeline (
      std::string ("videotestsrc num-buffers=") +
      std::to_string (kStreamFrames) +
      " ! video/x-raw,format=NV12,width=128,height=128,colorimetry=" + cstr +
      "," + r.caps + " ! ascendvenc gop-size=2 ! video/x-" + codec +
      " ! tee name=t t. ! queue ! filesink location=" + raw + " t. ! queue ! " +
      codec + "parse ! mp4mux ! filesink location=" + mp4);
  GstMessage *err = mk_run_pipeline (p);
  fail_unless (err == nullptr, "case %d (%s): the pipeline failed", i, cstr);
  gst_object_unref (p);

  std::string what = std::string (codec) + " " + cstr + " " + r.caps;
  const std::string entries =
      "color_range,color_space,color_transfer,"
      "color_primaries,sample_aspect_ratio,r_frame_rate,"
      "nb_read_frames";
  auto probe = ffprobe_stream (raw, entries, true);
  if (!probe.empty ()) {
    check_probe (probe, what + " (raw stream)", c, full, r);
    auto in_mp4 = ffprobe_stream (mp4, entries, true);
    check_probe (in_mp4, what + " (mp4)", c, full, r);
  }
  g_remove (raw.c_str ());
  g_remove (mp4.c_str ());
  g_rmdir (dir);
  g_free (dir);
  g_free (cstr);
  assert_sim_clean ();
}
GST_END_TEST;

/* The output caps carry the input's colorimetry, pixel aspect ratio and rate, and the level. */
GST_START_TEST (test_output_caps)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  g_object_set (h->element, "level", "3.1", nullptr);
  gst_harness_set_src_caps_str (h,
      "video/x-raw,format=NV12,width=320,height=240,framerate=30000/1001,"
      "colorimetry=bt709,pixel-aspect-ratio=4/3");
  gst_harness_push (h, make_frame (h, 320, 240, 0));
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (caps != nullptr);
  GstStructure *s = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (
      gst_structure_get_string (s, "colorimetry"), "bt709");
  fail_unless_equals_string (gst_structure_get_string (s, "level"), "3.1");
  gint n = 0, d = 0;
  fail_unless (gst_structure_get_fraction (s, "pixel-aspect-ratio", &n, &d));
  fail_unless (n == 4 && d == 3);
  fail_unless (gst_structure_get_fraction (s, "framerate", &n, &d));
  fail_unless (n == 30000 && d == 1001);
  gst_caps_unref (caps);
  gst_harness_teardown (h);
  assert_sim_clean ();
}
GST_END_TEST;

/* The level: the property's, checked against the size and frame rate; with level=auto, the
 * lowest level of those downstream allows that fits. */
GST_START_TEST (test_level)
{
  gchar *dir = g_dir_make_tmp ("ascendvenc-level-XXXXXX", nullptr);
  std::string out = std::string (dir) + "/out.h264";
  struct Case
  {
    const char *element, *downstream, *ffprobe;
  } cases[] = {
      {"ascendvenc level=4.1", "video/x-h264", "41"},
      {"ascendvenc", "video/x-h264,level=(string){1,2.1,3,4}", "21"},
      {"ascendvenc level=3", "video/x-h264,level=(string){2,3}", "30"},
  };
  for (const Case &c : cases) {
    GstElement *p = parse_pipeline (
        std::string (
            "videotestsrc num-buffers=2 ! "
            "video/x-raw,format=NV12,width=320,height=240,framerate=30/1"
            " ! ") +
        c.element + " ! " + c.downstream + " ! filesink location=" + out);
    fail_unless (mk_run_pipeline (p) == nullptr, "%s", c.element);
    gst_object_unref (p);
    auto probe = ffprobe_stream (out, "level");
    if (!probe.empty ())
      fail_unless (probe["level"] == c.ffprobe, "%s ! %s: level %s", c.element,
          c.downstream, probe["level"].c_str ());
  }
  /* too low for the size: an error that names the limit */
  expect_settings_error ("width=640,height=480,framerate=30/1", "level=1",
      "level 1 is too low for 640x480");
  g_remove (out.c_str ());
  g_rmdir (dir);
  g_free (dir);
  assert_sim_clean ();
}
GST_END_TEST;

/* Every output buffer carries its frame's statistics, the same the simulator made and reported;
 * the stats property adds them up. */
GST_START_TEST (test_frame_stats)
{
  const int frames = 10;
  GstHarness *h = gst_harness_new ("ascendvenc");
  g_object_set (h->element, "channel-id", 5, "gop-size", 5, nullptr);
  gst_harness_set_src_caps_str (h, kCaps);
  for (int i = 0; i < frames; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  std::vector<dvppsim_frame> made = sim_frames (5);
  fail_unless_equals_int ((int)made.size (), frames);
  guint64 bytes = 0, qp_sum = 0;
  for (int i = 0; i < frames; i++) {
    GstBuffer *buf = gst_harness_pull (h);
    GstCustomMeta *meta =
        gst_buffer_get_custom_meta (buf, "GstAscendVencFrameStatsMeta");
    fail_unless (meta != nullptr, "frame %d has no statistics", i);
    GstStructure *s = gst_custom_meta_get_structure (meta);
    guint size = 0;
    gint start_qp = -2, mean_qp = -2;
    fail_unless (gst_structure_get_uint (s, "size", &size));
    fail_unless (gst_structure_get_int (s, "start-qp", &start_qp));
    fail_unless (gst_structure_get_int (s, "mean-qp", &mean_qp));
    fail_unless_equals_int (size, (int)gst_buffer_get_size (buf));
    fail_unless_equals_string (
        gst_structure_get_string (s, "frame-type"), made[i].idr ? "idr" : "p");
    fail_unless_equals_int (made[i].idr, i % 5 == 0);
    fail_unless_equals_int (mean_qp, made[i].qp);
    fail_unless_equals_int (start_qp, made[i].qp);
    /* P frames are the encoder's bytes as they are; IDRs carry the rewritten VUI */
    if (!made[i].idr)
      fail_unless_equals_int (size, (int)made[i].bytes);
    bytes += size;
    qp_sum += (guint64)mean_qp;
    gst_buffer_unref (buf);
  }
  GstStructure *stats = nullptr;
  g_object_get (h->element, "stats", &stats, nullptr);
  guint64 out = 0, out_bytes = 0, keyframes = 0, failed = 1;
  gdouble mean_qp = 0;
  fail_unless (gst_structure_get_uint64 (stats, "frames-out", &out));
  fail_unless (gst_structure_get_uint64 (stats, "bytes-out", &out_bytes));
  fail_unless (gst_structure_get_uint64 (stats, "keyframes-out", &keyframes));
  fail_unless (gst_structure_get_uint64 (stats, "frames-failed", &failed));
  fail_unless (gst_structure_get_double (stats, "mean-qp", &mean_qp));
  gst_structure_free (stats);
  fail_unless_equals_uint64 (out, frames);
  fail_unless_equals_uint64 (out_bytes, bytes);
  fail_unless_equals_uint64 (keyframes, 2);
  fail_unless_equals_uint64 (failed, 0);
  fail_unless (std::abs (mean_qp - (double)qp_sum / frames) < 1e-9);
  gst_harness_teardown (h);
  assert_sim_clean ();
}
GST_END_TEST;

/* scene-mode, intra-refresh and gop-size=0 reach the channel; force-key-unit still makes IDRs
 * with gop-size=0, and only those. */
GST_START_TEST (test_controls)
{
  GstHarness *h = gst_harness_new ("ascendvenc");
  gst_util_set_object_arg (
      G_OBJECT (h->element), "scene-mode", "motion-medium-bitrate");
  gst_util_set_object_arg (G_OBJECT (h->element), "intra-refresh", "rows");
  g_object_set (h->element, "channel-id", 3, "intra-refresh-period", 5,
      "gop-size", 0, nullptr);
  gst_harness_set_src_caps_str (h, kCaps);
  for (int i = 0; i < 40; i++) {
    if (i == 21)
      fail_unless (gst_harness_push_event (
          h, gst_video_event_new_downstream_force_key_unit (GST_CLOCK_TIME_NONE,
                 GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, TRUE, 1)));
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
    if (i == 0) {
      dvppsim_channel chn = sim_channel (3);
      fail_unless_equals_int (chn.scene_mode, 2);
      fail_unless_equals_int (chn.intra_refresh, 1);
      fail_unless_equals_int (
          chn.refresh_num, 3); /* 15 macroblock rows in 5 frames */
      fail_unless_equals_int (chn.gop, 65536);
    }
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  for (int i = 0; i < 40; i++) {
    GstBuffer *buf = gst_harness_pull (h);
    bool key = !GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
    fail_unless (key == (i == 0 || i == 21), "frame %d key %d", i, key);
    gst_buffer_unref (buf);
  }
  gst_harness_teardown (h);
  assert_sim_clean ();
}
GST_END_TEST;

/* Values only the session can refuse (a level is a string; whether it fits depends on the
 * codec, size and rate): an error naming the property, at start. */
GST_START_TEST (test_control_values)
{
  struct Case
  {
    const char *property, *value, *names;
  } cases[] = {
      {"level", "4.3", "level 4.3 is not an H.264 level"},
      {"level", "1b", "level 1b is too low"},
  };
  for (const Case &c : cases)
    expect_settings_error ("width=320,height=240",
        std::string (c.property) + "=" + c.value, c.names);
}
GST_END_TEST;

static Suite *
ascendvenc_stream_suite (void)
{
  Suite *s = suite_create ("ascendvenc-stream");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_vui_from_caps, 0, 36);
  tcase_add_test (tc, test_output_caps);
  tcase_add_test (tc, test_level);
  tcase_add_test (tc, test_frame_stats);
  tcase_add_test (tc, test_controls);
  tcase_add_test (tc, test_control_values);
  return s;
}

GST_CHECK_MAIN (ascendvenc_stream);
