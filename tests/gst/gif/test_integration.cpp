/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Auto-plugging: encodebin makes a GIF with gifenc + gifmux from an encoding profile (built in C
 * and from its string form); playbin, decodebin and decodebin3 play a GIF with gifdemux + gifdec
 * over gst-libav's avdemux_gif / avdec_gif; GstDiscoverer reports the duration, size and frame
 * rate gifdemux announces. (uridecodebin is covered by test_plugins.cpp.) */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>
#include <gst/pbutils/pbutils.h>

#include "mktestutil.h"

#include <string>
#include <vector>

#define ANIM "gif/anim-6f-loop1.gif"

/* ---------------------------------------------------------------- helpers */

static bool
has_factory (const std::string &names, const char *name)
{
  return names.find (std::string (" ") + name + " ") != std::string::npos;
}

/* Walks a GIF file's blocks without decoding: returns the delay (cs) of every image, or fails
 * the test when the bytes are not a complete GIF. */
static std::vector<int>
gif_delays (const std::vector<guint8> &d)
{
  std::vector<int> delays;
  fail_unless (d.size () >= 13 && memcmp (d.data (), "GIF89a", 6) == 0,
      "not a GIF89a file (%zu bytes)", d.size ());
  size_t pos = 13;
  if (d[10] & 0x80)
    pos += (size_t)3 << ((d[10] & 7) + 1);
  int delay = -1;
  auto skip_sub_blocks = [&d, &pos] () {
    for (;;) {
      fail_unless (pos < d.size (), "truncated sub-blocks");
      size_t n = d[pos++];
      if (n == 0)
        return;
      pos += n;
    }
  };
  for (;;) {
    fail_unless (pos < d.size (), "no trailer");
    guint8 block = d[pos++];
    if (block == 0x3B)
      return delays;
    if (block == 0x21) {
      fail_unless (pos + 1 < d.size ());
      guint8 label = d[pos++];
      if (label == 0xF9) {
        fail_unless (pos + 5 < d.size () && d[pos] == 4, "bad GCE");
        delay = d[pos + 2] | (d[pos + 3] << 8);
      }
      skip_sub_blocks ();
      continue;
    }
    fail_unless_equals_int (block, 0x2C);
    fail_unless (pos + 10 <= d.size ());
    guint8 packed = d[pos + 8];
    pos += 9;
    if (packed & 0x80)
      pos += (size_t)3 << ((packed & 7) + 1);
    pos++; /* LZW minimum code size */
    skip_sub_blocks ();
    delays.push_back (delay);
    delay = -1;
  }
}

static GstFlowReturn
append_bytes (GstAppSink *sink, gpointer user_data)
{
  std::vector<guint8> *out = (std::vector<guint8> *)user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstMapInfo map;
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  out->insert (out->end (), map.data, map.data + map.size);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* videotestsrc (10 frames of 64x48 at 10 fps) ! encodebin profile=<profile> ! appsink: runs to
 * EOS, returns the bytes made and the factories encodebin plugged. */
static std::vector<guint8>
encode_with_profile (GstEncodingProfile *profile, std::string *factories)
{
  GstElement *pipeline = gst_pipeline_new (nullptr);
  GstElement *src = gst_parse_bin_from_description (
      "videotestsrc num-buffers=10 pattern=ball ! "
      "capsfilter caps=video/x-raw,width=64,height=48,framerate=10/1",
      TRUE, nullptr);
  GstElement *enc = gst_element_factory_make ("encodebin", nullptr);
  GstElement *sink = gst_element_factory_make ("appsink", nullptr);
  fail_unless (src && enc && sink);
  g_object_set (enc, "profile", profile, nullptr);
  std::vector<guint8> bytes;
  GstAppSinkCallbacks cb = {};
  cb.new_sample = append_bytes;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &cb, &bytes, nullptr);
  g_object_set (sink, "sync", FALSE, nullptr);
  gst_bin_add_many (GST_BIN (pipeline), src, enc, sink, nullptr);
  /* encodebin has its pads once it has a profile. */
  fail_unless (gst_element_link (src, enc), "encodebin refused raw video");
  fail_unless (gst_element_link (enc, sink));
  GstMessage *error = mk_run_pipeline (pipeline);
  if (error) {
    GError *err = nullptr;
    gchar *dbg = nullptr;
    gst_message_parse_error (error, &err, &dbg);
    fail ("encodebin pipeline failed: %s (%s)", err->message, dbg);
  }
  *factories = mk_factories_in (enc);
  gst_object_unref (pipeline);
  return bytes;
}

static void
check_encoded (const std::vector<guint8> &bytes, const std::string &factories)
{
  fail_unless (has_factory (factories, "gifenc"), "encodebin plugged:%s",
      factories.c_str ());
  fail_unless (has_factory (factories, "gifmux"), "encodebin plugged:%s",
      factories.c_str ());
  std::vector<int> delays = gif_delays (bytes);
  fail_unless_equals_int (delays.size (), 10);
  for (int d : delays)
    fail_unless_equals_int (d, 10); /* 10 fps */
}

/* ---------------------------------------------------------------- encodebin */

/* A container profile for image/gif holding a video profile image/gif, parsed=true: encodebin
 * picks gifmux as the muxer (Codec/Muxer, src image/gif) and gifenc as the encoder
 * (Codec/Encoder/Video, src image/gif, parsed=true). */
GST_START_TEST (test_encodebin_profile)
{
  GstCaps *container_caps = gst_caps_from_string ("image/gif");
  GstCaps *video_caps =
      gst_caps_from_string ("image/gif, parsed=(boolean)true");
  GstEncodingContainerProfile *profile = gst_encoding_container_profile_new (
      "gif", "Animated GIF", container_caps, nullptr);
  fail_unless (gst_encoding_container_profile_add_profile (profile,
      GST_ENCODING_PROFILE (
          gst_encoding_video_profile_new (video_caps, nullptr, nullptr, 0))));
  gst_caps_unref (container_caps);
  gst_caps_unref (video_caps);

  std::string factories;
  std::vector<guint8> bytes =
      encode_with_profile (GST_ENCODING_PROFILE (profile), &factories);
  check_encoded (bytes, factories);
  gst_encoding_profile_unref (profile);
}

GST_END_TEST;

/* The string form, as gst-launch-1.0 passes it (`encodebin profile="..."`). In 1.22 each caps in
 * the string becomes a container or a stream profile after the first encoder or muxer (by rank)
 * that can output it; plain "image/gif" matches gifenc's output too, so the container's caps
 * must say parsed=false (a whole file, as the typefinder says). */
GST_START_TEST (test_encodebin_profile_string)
{
  GValue v = G_VALUE_INIT;
  g_value_init (&v, GST_TYPE_ENCODING_PROFILE);
  fail_unless (gst_value_deserialize (
      &v, "image/gif,parsed=false:image/gif,parsed=true"));
  GstEncodingProfile *profile = GST_ENCODING_PROFILE (g_value_dup_object (&v));
  g_value_unset (&v);
  fail_unless (GST_IS_ENCODING_CONTAINER_PROFILE (profile));
  const GList *streams = gst_encoding_container_profile_get_profiles (
      GST_ENCODING_CONTAINER_PROFILE (profile));
  fail_unless_equals_int (g_list_length ((GList *)streams), 1);
  fail_unless (GST_IS_ENCODING_VIDEO_PROFILE (streams->data));

  std::string factories;
  std::vector<guint8> bytes = encode_with_profile (profile, &factories);
  check_encoded (bytes, factories);
  gst_encoding_profile_unref (profile);
}

GST_END_TEST;

/* ---------------------------------------------------------------- decoding bins */

/* Prerolls `desc` (which names the test GIF as @FILE@ or @URI@) and returns the factories of
 * every element in it. */
static std::string
preroll_and_list (const char *desc_template)
{
  std::string path = mk_test_file (ANIM);
  gchar *uri = gst_filename_to_uri (path.c_str (), nullptr);
  std::string desc = desc_template;
  size_t at;
  if ((at = desc.find ("@FILE@")) != std::string::npos)
    desc.replace (at, 6, path);
  if ((at = desc.find ("@URI@")) != std::string::npos)
    desc.replace (at, 5, uri);
  g_free (uri);
  GError *err = nullptr;
  GstElement *pipeline = gst_parse_launch (desc.c_str (), &err);
  fail_unless (
      pipeline != nullptr, "%s: %s", desc.c_str (), err ? err->message : "?");
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (
      gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
      GST_STATE_CHANGE_SUCCESS);
  std::string names = mk_factories_in (pipeline);
  gint64 duration = -1;
  fail_unless (
      gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration));
  fail_unless_equals_int64 (duration, 6 * 70 * GST_MSECOND);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return names;
}

static void
check_picks_gifkit (const char *desc)
{
  GstElementFactory *av = gst_element_factory_find ("avdemux_gif");
  if (!av)
    GST_WARNING ("gst-libav's avdemux_gif is not installed: checking only that "
                 "gifdemux and gifdec are picked, not that they win over it");
  else
    gst_object_unref (av);
  std::string names = preroll_and_list (desc);
  fail_unless (has_factory (names, "gifdemux"), "%s:%s", desc, names.c_str ());
  fail_unless (has_factory (names, "gifdec"), "%s:%s", desc, names.c_str ());
  fail_if (has_factory (names, "avdemux_gif"), "%s:%s", desc, names.c_str ());
  fail_if (has_factory (names, "avdec_gif"), "%s:%s", desc, names.c_str ());
}

GST_START_TEST (test_playbin_picks_gifkit)
{
  check_picks_gifkit ("playbin uri=@URI@ video-sink=\"fakesink sync=false\" "
                      "audio-sink=fakesink");
}

GST_END_TEST;

GST_START_TEST (test_decodebin_picks_gifkit)
{
  check_picks_gifkit (
      "filesrc location=\"@FILE@\" ! decodebin ! fakesink sync=false");
}

GST_END_TEST;

GST_START_TEST (test_decodebin3_picks_gifkit)
{
  check_picks_gifkit (
      "filesrc location=\"@FILE@\" ! decodebin3 ! fakesink sync=false");
}

GST_END_TEST;

static void
count_frame (GstElement *, GstBuffer *, GstPad *, gpointer frames)
{
  (*(int *)frames)++;
}

static void
note_element (GstBin *, GstBin *, GstElement *element, gpointer names)
{
  GstElementFactory *f = gst_element_get_factory (element);
  if (f)
    *(std::string *)names +=
        std::string (" ") + GST_OBJECT_NAME (f) + " "; /* as factories_in */
}

/* decodebin in push mode from a seekable source: typefind holds a file this small (963 bytes)
 * until EOS and pushes it whole from its EOS handler, then the EOS. Every frame comes out, then
 * EOS, with no error or warning (a demuxer that seeked upstream here would see typefind's pad
 * turn EOS after the flush and lose the file). */
GST_START_TEST (test_decodebin_push_mode)
{
  std::string path = mk_test_file (ANIM);
  std::string desc = "filesrc location=\"" + path +
                     "\" ! queue ! decodebin ! fakesink name=sink sync=false "
                     "signal-handoffs=true";
  GstElement *pipeline = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (pipeline != nullptr);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  int frames = 0;
  g_signal_connect (sink, "handoff", G_CALLBACK (count_frame), &frames);
  gst_object_unref (sink);
  std::string names; /* decodebin's elements are gone once it stops */
  g_signal_connect (
      pipeline, "deep-element-added", G_CALLBACK (note_element), &names);
  std::vector<std::string> warnings;
  GstMessage *err = mk_run_pipeline (pipeline, &warnings);
  if (err) {
    GError *e = nullptr;
    gst_message_parse_error (err, &e, nullptr);
    fail ("error: %s", e->message);
  }
  fail_unless (warnings.empty (), "warning: %s", warnings[0].c_str ());
  fail_unless_equals_int (frames, 6);
  fail_unless (has_factory (names, "gifdemux"), "%s", names.c_str ());
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* ---------------------------------------------------------------- discoverer */

struct Discovered
{
  GstClockTime duration;
  guint width, height, fps_n, fps_d;
};

static Discovered
discover (const std::string &path)
{
  GError *err = nullptr;
  GstDiscoverer *disc = gst_discoverer_new (60 * GST_SECOND, &err);
  fail_unless (disc != nullptr, "%s", err ? err->message : "?");
  gchar *uri = gst_filename_to_uri (path.c_str (), nullptr);
  GstDiscovererInfo *info = gst_discoverer_discover_uri (disc, uri, &err);
  fail_unless (info != nullptr, "%s: %s", uri, err ? err->message : "?");
  fail_unless_equals_int (
      gst_discoverer_info_get_result (info), GST_DISCOVERER_OK);
  Discovered d;
  d.duration = gst_discoverer_info_get_duration (info);
  GList *videos = gst_discoverer_info_get_video_streams (info);
  fail_unless_equals_int (g_list_length (videos), 1);
  GstDiscovererVideoInfo *v = GST_DISCOVERER_VIDEO_INFO (videos->data);
  d.width = gst_discoverer_video_info_get_width (v);
  d.height = gst_discoverer_video_info_get_height (v);
  d.fps_n = gst_discoverer_video_info_get_framerate_num (v);
  d.fps_d = gst_discoverer_video_info_get_framerate_denom (v);
  gst_discoverer_stream_info_list_free (videos);
  gst_discoverer_info_unref (info);
  g_free (uri);
  gst_object_unref (disc);
  return d;
}

GST_START_TEST (test_discoverer)
{
  /* 6 frames of 7 cs each: 100/7 fps. */
  Discovered a = discover (mk_test_file (ANIM));
  fail_unless_equals_uint64 (a.duration, 420 * GST_MSECOND);
  fail_unless_equals_int (a.width, 40);
  fail_unless_equals_int (a.height, 30);
  fail_unless_equals_int (a.fps_n, 100);
  fail_unless_equals_int (a.fps_d, 7);

  /* docs/demo/testsrc2.gif: 30 frames that gifenc made from 15 fps, delays 6, 7, 7, ... cs. */
  std::string demo = mk_test_file ("../../docs/demo/testsrc2.gif");
  std::vector<int> delays = gif_delays (mk_read_file (demo));
  fail_unless_equals_int (delays.size (), 30);
  fail_unless (delays[0] == 6 && delays[1] == 7 && delays[2] == 7);
  Discovered b = discover (demo);
  fail_unless_equals_uint64 (b.duration, 2 * GST_SECOND);
  fail_unless_equals_int (b.width, 200);
  fail_unless_equals_int (b.height, 150);
  fail_unless_equals_int (b.fps_n, 15);
  fail_unless_equals_int (b.fps_d, 1);
}

GST_END_TEST;

/* ---------------------------------------------------------------- frame rate in push mode */

/* The frame rate on gifdemux's src pad after prerolling `desc` (a pipeline with a gifdemux
 * named d). */
static void
demux_framerate (const std::string &desc, int *n, int *d)
{
  GstElement *pipeline = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (pipeline != nullptr);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PAUSED) !=
               GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (
      gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
      GST_STATE_CHANGE_SUCCESS);
  GstElement *demux = gst_bin_get_by_name (GST_BIN (pipeline), "d");
  GstPad *src = gst_element_get_static_pad (demux, "src");
  fail_unless (src != nullptr);
  GstCaps *caps = gst_pad_get_current_caps (src);
  fail_unless (gst_structure_get_fraction (
      gst_caps_get_structure (caps, 0), "framerate", n, d));
  gst_caps_unref (caps);
  gst_object_unref (src);
  gst_object_unref (demux);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

/* Push mode knows every delay only from a source that can seek in bytes (its read-ahead);
 * from one that cannot, the rate is 0/1 (not known when the caps are sent). */
GST_START_TEST (test_push_mode_framerate)
{
  std::string path = mk_test_file ("../../docs/demo/testsrc2.gif");
  int n = -1, d = -1;
  demux_framerate ("filesrc location=\"" + path +
                       "\" ! queue ! gifdemux name=d ! fakesink sync=false",
      &n, &d);
  fail_unless_equals_int (n, 15);
  fail_unless_equals_int (d, 1);

  /* The same bytes through a source that cannot seek. */
  std::vector<guint8> bytes = mk_read_file (path);
  GstElement *pipeline = gst_parse_launch (
      "appsrc name=src caps=image/gif ! gifdemux name=d ! fakesink "
      "sync=false",
      nullptr);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  gst_app_src_push_buffer (
      GST_APP_SRC (src), gst_buffer_new_memdup (bytes.data (), bytes.size ()));
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  fail_unless_equals_int (
      gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
      GST_STATE_CHANGE_SUCCESS);
  GstElement *demux = gst_bin_get_by_name (GST_BIN (pipeline), "d");
  GstPad *pad = gst_element_get_static_pad (demux, "src");
  GstCaps *caps = gst_pad_get_current_caps (pad);
  fail_unless (gst_structure_get_fraction (
      gst_caps_get_structure (caps, 0), "framerate", &n, &d));
  fail_unless_equals_int (n, 0);
  fail_unless_equals_int (d, 1);
  gst_caps_unref (caps);
  gst_object_unref (pad);
  gst_object_unref (demux);
  gst_object_unref (src);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* ---------------------------------------------------------------- damaged headers */

/* What ended a pipeline: the factory of the element that posted the error, and the error. */
struct Ending
{
  std::string factory;
  GQuark domain = 0;
  gint code = 0;
  std::string text;
};

static Ending
run_to_error (const std::string &desc)
{
  GstElement *pipeline = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (pipeline != nullptr, "%s", desc.c_str ());
  Ending e;
  GstMessage *msg = mk_run_pipeline (pipeline);
  if (msg) {
    GstElement *src = GST_IS_ELEMENT (GST_MESSAGE_SRC (msg))
                          ? GST_ELEMENT (GST_MESSAGE_SRC (msg))
                          : nullptr;
    GstElementFactory *f = src ? gst_element_get_factory (src) : nullptr;
    e.factory = f ? GST_OBJECT_NAME (f) : "?";
    GError *err = nullptr;
    gst_message_parse_error (msg, &err, nullptr);
    e.domain = err->domain;
    e.code = err->code;
    e.text = err->message;
    g_error_free (err);
    gst_message_unref (msg);
  }
  gst_object_unref (pipeline);
  return e;
}

/* A file that starts with a GIF signature is ours however damaged its header, so decodebin,
 * playbin and the discoverer get gifdemux's clear error (they used to get gst-libav's
 * avdemux_gif, which hangs on a 34-byte truncated header). */
GST_START_TEST (test_damaged_header_is_ours)
{
  /* a 40x30 screen with a 256-colour palette (768 bytes), cut after 34 bytes */
  std::vector<guint8> cut = {
      'G', 'I', 'F', '8', '9', 'a', 40, 0, 30, 0, 0xf7, 0, 0};
  while (cut.size () < 34)
    cut.push_back ((guint8)cut.size ());
  const guint8 zero_screen[] = {
      'G', 'I', 'F', '8', '9', 'a', 0, 0, 0, 0, 0, 0, 0};
  struct Damaged
  {
    const char *name;
    std::vector<guint8> bytes;
  };
  const Damaged cases[] = {
      {"34 bytes, cut inside the global palette", cut},
      {"the signature alone", {cut.begin (), cut.begin () + 6}},
      {"a 0x0 screen, 10 bytes", {zero_screen, zero_screen + 10}},
      {"a 0x0 screen, GIF87a", {zero_screen, zero_screen + 13}},
  };
  for (const Damaged &c : cases) {
    std::vector<guint8> bytes = c.bytes;
    if (strstr (c.name, "GIF87a"))
      bytes[4] = '7';
    gchar *path = g_build_filename (
        g_get_tmp_dir (), "mk-damaged-header-XXXXXX.gif", nullptr);
    gint fd = g_mkstemp (path);
    fail_unless (fd >= 0);
    fail_unless (
        write (fd, bytes.data (), bytes.size ()) == (ssize_t)bytes.size ());
    close (fd);
    gchar *uri = gst_filename_to_uri (path, nullptr);
    const std::string descs[] = {
        std::string ("filesrc location=\"") + path +
            "\" ! decodebin ! fakesink",
        std::string ("filesrc location=\"") + path +
            "\" ! queue ! decodebin ! fakesink",
        std::string ("playbin uri=") + uri +
            " video-sink=fakesink audio-sink=fakesink",
    };
    for (const std::string &desc : descs) {
      Ending e = run_to_error (desc);
      fail_unless (e.factory == "gifdemux" && e.domain == GST_STREAM_ERROR &&
                       e.code == GST_STREAM_ERROR_DEMUX,
          "%s, %s: error from %s: %s", c.name, desc.c_str (),
          e.factory.c_str (), e.text.c_str ());
      fail_unless_equals_string (e.text.c_str (), "The GIF header is damaged.");
    }
    GError *err = nullptr;
    GstDiscoverer *disc = gst_discoverer_new (60 * GST_SECOND, &err);
    fail_unless (disc != nullptr);
    GstDiscovererInfo *info = gst_discoverer_discover_uri (disc, uri, &err);
    fail_unless (info != nullptr);
    fail_unless_equals_int (
        gst_discoverer_info_get_result (info), GST_DISCOVERER_ERROR);
    g_clear_error (&err);
    gst_discoverer_info_unref (info);
    gst_object_unref (disc);
    g_free (uri);
    unlink (path);
    g_free (path);
  }
}

GST_END_TEST;

static Suite *
integration_suite (void)
{
  Suite *s = suite_create ("integration");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_encodebin_profile);
  tcase_add_test (tc, test_encodebin_profile_string);
  tcase_add_test (tc, test_playbin_picks_gifkit);
  tcase_add_test (tc, test_decodebin_picks_gifkit);
  tcase_add_test (tc, test_decodebin3_picks_gifkit);
  tcase_add_test (tc, test_decodebin_push_mode);
  tcase_add_test (tc, test_discoverer);
  tcase_add_test (tc, test_push_mode_framerate);
  tcase_add_test (tc, test_damaged_header_is_ours);
  return s;
}

GST_CHECK_MAIN (integration);
