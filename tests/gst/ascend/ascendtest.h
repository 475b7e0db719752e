/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of the ascendvenc tests: the simulator's counters and channels (dlsym), pipelines,
 * ffprobe, frames from the pool the element proposes, and the messages an element in a harness
 * posts. */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "mktestsim.h"
#include "mktestutil.h"

typedef dvppsim_stats SimStats;

static inline void *
sim_symbol (const char *name)
{
  void *sym = mk_test_sim_symbol (name);
  fail_unless (
      sym != nullptr, "the simulator (GST_ASCEND_MPI_LIB) lacks %s", name);
  return sym;
}

static inline SimStats
sim_stats (void)
{
  SimStats stats;
  fail_unless (mk_test_sim_stats (&stats), "the simulator is not found");
  return stats;
}

static inline int
sim_channel_bitrate (int chn)
{
  return ((int (*) (int))sim_symbol ("dvppsim_get_channel_bitrate")) (chn);
}

static inline bool
sim_has_h265 (void)
{
  return ((int (*) (void))sim_symbol ("dvppsim_has_h265")) () != 0;
}

/* Nothing held in the simulator: no DVPP memory, channel, stream or epoll. */
static inline void
assert_sim_clean (void)
{
  SimStats s = sim_stats ();
  fail_unless_equals_int (s.dvpp_allocations, 0);
  fail_unless_equals_int (s.open_channels, 0);
  fail_unless_equals_int (s.unreleased_streams, 0);
  fail_unless_equals_int (s.epoll_instances, 0);
  fail_unless_equals_int (s.contexts, 0);
}

static inline bool
have_element (const char *name)
{
  GstElementFactory *f = gst_element_factory_find (name);
  if (!f)
    return false;
  gst_object_unref (f);
  return true;
}

static inline GstElement *
parse_pipeline (const std::string &desc)
{
  GError *err = nullptr;
  GstElement *p = gst_parse_launch (desc.c_str (), &err);
  fail_unless (p != nullptr && err == nullptr, "%s: %s", desc.c_str (),
      err ? err->message : "?");
  return p;
}

static inline dvppsim_channel
sim_channel (int chn)
{
  dvppsim_channel out;
  memset (&out, 0, sizeof (out));
  fail_unless (((dvppsim_get_channel_fn)sim_symbol ("dvppsim_get_channel")) (
                   chn, &out) == 0,
      "channel %d is not open", chn);
  return out;
}

/* The streams the simulator made on channel id `chn`. */
static inline std::vector<dvppsim_frame>
sim_frames (int chn)
{
  auto get = (dvppsim_get_frames_fn)sim_symbol ("dvppsim_get_frames");
  int n = get (chn, nullptr, 0);
  fail_unless (n >= 0);
  std::vector<dvppsim_frame> frames ((size_t)n);
  get (chn, frames.data (), n);
  return frames;
}

/* ffprobe's view of the first video stream of `path`: the `entries` asked for (e.g.
 * "profile,color_range"), as key -> value. Empty when ffprobe is not installed. */
static inline std::map<std::string, std::string>
ffprobe_stream (const std::string &path, const std::string &entries,
    bool count_frames = false)
{
  std::map<std::string, std::string> out;
  gchar *ffprobe = g_find_program_in_path ("ffprobe");
  if (!ffprobe)
    return out;
  std::string show = "stream=" + entries;
  std::vector<const gchar *> argv = {ffprobe, "-v", "error", "-select_streams",
      "v:0", "-show_entries", show.c_str (), "-of", "default=nw=1"};
  if (count_frames)
    argv.push_back ("-count_frames");
  argv.push_back (path.c_str ());
  argv.push_back (nullptr);
  gchar *stdout_text = nullptr, *stderr_text = nullptr;
  gint status = -1;
  fail_unless (
      g_spawn_sync (nullptr, (gchar **)argv.data (), nullptr, G_SPAWN_DEFAULT,
          nullptr, nullptr, &stdout_text, &stderr_text, &status, nullptr));
  fail_unless (g_spawn_check_wait_status (status, nullptr), "ffprobe %s: %s",
      path.c_str (), stderr_text);
  gchar **lines = g_strsplit (stdout_text, "\n", -1);
  for (gchar **line = lines; *line; line++) {
    gchar *eq = strchr (*line, '=');
    if (eq)
      out[std::string (*line, eq - *line)] = eq + 1;
  }
  g_strfreev (lines);
  g_free (stdout_text);
  g_free (stderr_text);
  g_free (ffprobe);
  return out;
}

static const char *const kCaps =
    "video/x-raw,format=NV12,width=320,height=240,framerate=30/1";
static const GstClockTime kDur = GST_SECOND / 30;

/* A frame from the pool the element proposed (DVPP memory), a gradient moving with i. */
static inline GstBuffer *
make_frame (GstHarness *h, int width, int height, int i)
{
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, width, height);
  /* the size of the element's pool (stride rounded up to 16), else the harness falls back */
  GstVideoAlignment align;
  gst_video_alignment_reset (&align);
  align.stride_align[0] = align.stride_align[1] = 15;
  gst_video_info_align (&info, &align);
  GstBuffer *buf = gst_harness_create_buffer (h, GST_VIDEO_INFO_SIZE (&info));
  GstVideoMeta *meta = gst_buffer_get_video_meta (buf);
  if (meta) {
    for (guint p = 0; p < 2; p++) {
      info.stride[p] = meta->stride[p];
      info.offset[p] = meta->offset[p];
    }
  }
  GstVideoFrame frame;
  fail_unless (gst_video_frame_map (&frame, &info, buf, GST_MAP_WRITE));
  for (int y = 0; y < height; y++) {
    guint8 *row = (guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
                  y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
    for (int x = 0; x < width; x++)
      row[x] = (guint8)(x + y + 4 * i);
  }
  for (int y = 0; y < height / 2; y++)
    memset ((guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&frame, 1) +
                y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 1),
        128, width);
  gst_video_frame_unmap (&frame);
  GST_BUFFER_PTS (buf) = i * kDur;
  GST_BUFFER_DURATION (buf) = kDur;
  return buf;
}

/* The element in a harness has no bus of its own: give it one to read its messages. */
static inline GstBus *
harness_bus (GstHarness *h)
{
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  return bus;
}

/* The errors and warnings on `bus`, as "message / debug" texts (popped all at once:
 * gst_bus_pop_filtered drops what does not match). */
struct Posted
{
  std::vector<std::string> errors, warnings;
};

static inline Posted
pop_posted (GstBus *bus)
{
  Posted posted;
  while (GstMessage *msg = gst_bus_pop_filtered (
             bus, (GstMessageType)(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
    GError *err = nullptr;
    gchar *dbg = nullptr;
    bool error = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR;
    if (error)
      gst_message_parse_error (msg, &err, &dbg);
    else
      gst_message_parse_warning (msg, &err, &dbg);
    (error ? posted.errors : posted.warnings)
        .push_back (std::string (err->message) + " / " + (dbg ? dbg : ""));
    g_error_free (err);
    g_free (dbg);
    gst_message_unref (msg);
  }
  return posted;
}

static inline void
push_frames (GstHarness *h, int first, int count)
{
  for (int i = first; i < first + count; i++)
    fail_unless_equals_int (
        gst_harness_push (h, make_frame (h, 320, 240, i)), GST_FLOW_OK);
}

/* Runs "videotestsrc num-buffers=2 ! video/x-raw,format=NV12,<caps> ! ascendvenc name=enc
 * <props> ! fakesink": the first error must be ascendvenc's, RESOURCE/SETTINGS, with `text` in
 * its message; the simulator holds nothing after. */
static inline void
expect_settings_error (
    const std::string &caps, const std::string &props, const char *text)
{
  GstElement *p =
      parse_pipeline ("videotestsrc num-buffers=2 ! video/x-raw,format=NV12," +
                      caps + " ! ascendvenc name=enc " + props + " ! fakesink");
  GstMessage *msg = mk_run_pipeline (p);
  fail_unless (
      msg != nullptr, "%s %s: no error", caps.c_str (), props.c_str ());
  fail_unless_equals_string (GST_MESSAGE_SRC_NAME (msg), "enc");
  GError *err = nullptr;
  gst_message_parse_error (msg, &err, nullptr);
  fail_unless (
      g_error_matches (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS),
      "%s", err->message);
  fail_unless (strstr (err->message, text) != nullptr, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_object_unref (p);
  assert_sim_clean ();
}
