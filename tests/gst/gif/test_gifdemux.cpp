/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifdemux: push mode in any chunk sizes (harness), pull mode with duration and seeking
 * (pipelines), loop replay, delay policy, tags, and damaged input. */
/* (before gstcheck.h: its fail() macro breaks <fstream>) */
#include "../../lib/gif/gif_test_util.h"
#include "../../lib/gif/gif_walk.h"

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/app/gstappsink.h>

#include "mktestutil.h"

#include <fcntl.h>

#define ANIM "gif/anim-6f-loop1.gif"
#define ANIM_FRAMES 6
#define ANIM_DELAY (70 * GST_MSECOND)

static void
on_pad_added (GstElement *, GstPad *pad, GstHarness *h)
{
  gst_harness_add_element_src_pad (h, pad);
}

static GstHarness *
demux_harness (GstElement *demux = nullptr)
{
  if (!demux)
    demux = gst_element_factory_make ("gifdemux", nullptr);
  GstHarness *h = gst_harness_new_with_element (demux, "sink", nullptr);
  gst_object_unref (demux); /* the harness holds its own reference */
  g_signal_connect (h->element, "pad-added", G_CALLBACK (on_pad_added), h);
  gst_harness_set_src_caps_str (h, "image/gif");
  return h;
}

/* Pushes `bytes` in chunks of `chunk` bytes, then EOS. */
static void
push_bytes (GstHarness *h, const std::vector<guint8> &bytes, size_t chunk)
{
  for (size_t off = 0; off < bytes.size (); off += chunk) {
    size_t n = MIN (chunk, bytes.size () - off);
    GstBuffer *buf = gst_buffer_new_memdup (bytes.data () + off, n);
    GstFlowReturn ret = gst_harness_push (h, buf);
    if (ret != GST_FLOW_OK)
      break;
  }
  gst_harness_push_event (h, gst_event_new_eos ());
}

GST_START_TEST (test_push_any_chunk_size)
{
  std::vector<guint8> file = mk_read_file (mk_test_file (ANIM));
  const size_t chunks[] = {1, 2, 7, 64, 500, file.size ()};

  for (size_t chunk : chunks) {
    GstHarness *h = demux_harness ();
    push_bytes (h, file, chunk);

    fail_unless_equals_int (gst_harness_buffers_received (h), ANIM_FRAMES);
    GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
    fail_unless (caps != nullptr);
    GstStructure *s = gst_caps_get_structure (caps, 0);
    gint width = 0, height = 0, loop = -5;
    gboolean parsed = FALSE;
    fail_unless (gst_structure_get_int (s, "width", &width));
    fail_unless (gst_structure_get_int (s, "height", &height));
    fail_unless (gst_structure_get_int (s, "loop-count", &loop));
    fail_unless (gst_structure_get_boolean (s, "parsed", &parsed));
    fail_unless_equals_int (width, 40);
    fail_unless_equals_int (height, 30);
    fail_unless_equals_int (loop, 1);
    fail_unless (parsed);
    const GValue *cd = gst_structure_get_value (s, "codec_data");
    fail_unless (cd != nullptr);
    GstBuffer *codec_data = gst_value_get_buffer (cd);

    /* codec_data + every frame record + the trailer is the file, byte for byte. */
    std::vector<guint8> joined;
    GstMapInfo map;
    gst_buffer_map (codec_data, &map, GST_MAP_READ);
    joined.insert (joined.end (), map.data, map.data + map.size);
    gst_buffer_unmap (codec_data, &map);
    gst_caps_unref (caps);

    for (int i = 0; i < ANIM_FRAMES; i++) {
      GstBuffer *buf = gst_harness_pull (h);
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), i * ANIM_DELAY);
      fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf), ANIM_DELAY);
      if (i == 0) {
        fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT));
        fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DISCONT));
      }
      gst_buffer_map (buf, &map, GST_MAP_READ);
      joined.insert (joined.end (), map.data, map.data + map.size);
      gst_buffer_unmap (buf, &map);
      gst_buffer_unref (buf);
    }
    joined.push_back (0x3b);
    fail_unless (
        joined == file, "chunk %zu: records do not add up to the file", chunk);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

GST_START_TEST (test_comment_tag)
{
  std::vector<guint8> file = mk_read_file (mk_test_file (ANIM));
  GstHarness *h = demux_harness ();
  push_bytes (h, file, file.size ());

  bool found = false;
  GstEvent *ev;
  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_TAG) {
      GstTagList *tags;
      gst_event_parse_tag (ev, &tags);
      gchar *comment = nullptr;
      if (gst_tag_list_get_string (tags, GST_TAG_COMMENT, &comment)) {
        fail_unless_equals_string (comment, "made by gst-mediakit tests");
        found = true;
        g_free (comment);
      }
    }
    gst_event_unref (ev);
  }
  fail_unless (found, "no comment tag");
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_min_delay_policy)
{
  std::vector<guint8> file = mk_read_file (mk_test_file (ANIM));
  /* 7 cs is below 8: every frame gets the default delay. */
  GstElement *demux = gst_element_factory_make ("gifdemux", nullptr);
  g_object_set (demux, "min-delay", 8u, "default-delay", 12u, nullptr);
  GstHarness *h = demux_harness (demux);
  push_bytes (h, file, 100);
  fail_unless_equals_int (gst_harness_buffers_received (h), ANIM_FRAMES);
  for (int i = 0; i < ANIM_FRAMES; i++) {
    GstBuffer *buf = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), i * 120 * GST_MSECOND);
    gst_buffer_unref (buf);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

/* filesrc ! gifdemux ! appsink, paused. */
static GstElement *
pull_pipeline (const std::string &path, const char *demux_props,
    GstElement **sink, const char *between = "identity")
{
  /* "queue" between filesrc and gifdemux makes it push mode. */
  gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! %s ! gifdemux %s ! "
                                 "appsink name=sink sync=false",
      path.c_str (), between, demux_props);
  GstElement *pipeline = gst_parse_launch (desc, nullptr);
  g_free (desc);
  fail_unless (pipeline != nullptr);
  *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (
      gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
      GST_STATE_CHANGE_SUCCESS);
  return pipeline;
}

GST_START_TEST (test_pull_duration_and_seek)
{
  GstElement *sink;
  GstElement *pipeline = pull_pipeline (mk_test_file (ANIM), "", &sink);
  gint64 duration = -1;

  fail_unless (
      gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration));
  fail_unless_equals_int64 (duration, ANIM_FRAMES * ANIM_DELAY);

  GstQuery *q = gst_query_new_seeking (GST_FORMAT_TIME);
  fail_unless (gst_element_query (pipeline, q));
  gboolean seekable = FALSE;
  gst_query_parse_seeking (q, nullptr, &seekable, nullptr, nullptr);
  fail_unless (seekable);
  gst_query_unref (q);

  /* Accurate: the segment starts at the target; decoding starts at the frame showing then. */
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
      (GstSeekFlags)(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
      250 * GST_MSECOND));
  gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND);
  GstSample *sample = gst_app_sink_pull_preroll (GST_APP_SINK (sink));
  fail_unless (sample != nullptr);
  GstBuffer *buf = gst_sample_get_buffer (sample);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (buf), 3 * ANIM_DELAY);
  fail_unless_equals_uint64 (
      gst_sample_get_segment (sample)->start, 250 * GST_MSECOND);
  gst_sample_unref (sample);

  /* Key unit, snap before: the segment moves to the frame's start. */
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
      (GstSeekFlags)(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT |
                     GST_SEEK_FLAG_SNAP_BEFORE),
      300 * GST_MSECOND));
  gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND);
  sample = gst_app_sink_pull_preroll (GST_APP_SINK (sink));
  fail_unless (sample != nullptr);
  fail_unless_equals_uint64 (
      GST_BUFFER_PTS (gst_sample_get_buffer (sample)), 4 * ANIM_DELAY);
  fail_unless_equals_uint64 (
      gst_sample_get_segment (sample)->start, 4 * ANIM_DELAY);
  gst_sample_unref (sample);

  /* Play to the end from there: frames 4 and 5, then EOS. */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  int n = 0;
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink)))) {
    n++;
    gst_sample_unref (sample);
  }
  fail_unless_equals_int (n, 2);
  fail_unless (gst_app_sink_is_eos (GST_APP_SINK (sink)));

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Seamless looping as applications do it: a flushing segment seek over frames 2..4, then on
 * SEGMENT_DONE a non-flushing segment seek over frames 0..1. */
static GstMessageType
wait_segment_done (GstBus *bus)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      (GstMessageType)(GST_MESSAGE_SEGMENT_DONE | GST_MESSAGE_EOS |
                       GST_MESSAGE_ERROR));
  fail_unless (msg != nullptr, "no segment-done within 60 s");
  GstMessageType type = GST_MESSAGE_TYPE (msg);
  gst_message_unref (msg);
  return type;
}

GST_START_TEST (test_segment_seeks)
{
  GstElement *sink;
  GstElement *pipeline = pull_pipeline (mk_test_file (ANIM), "", &sink);
  GstBus *bus = gst_element_get_bus (pipeline);
  fail_unless (gst_element_seek (pipeline, 1.0, GST_FORMAT_TIME,
      (GstSeekFlags)(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_SEGMENT |
                     GST_SEEK_FLAG_ACCURATE),
      GST_SEEK_TYPE_SET, 2 * ANIM_DELAY, GST_SEEK_TYPE_SET, 5 * ANIM_DELAY));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  fail_unless_equals_int (wait_segment_done (bus), GST_MESSAGE_SEGMENT_DONE);
  fail_unless (gst_element_seek (pipeline, 1.0, GST_FORMAT_TIME,
      (GstSeekFlags)(GST_SEEK_FLAG_SEGMENT | GST_SEEK_FLAG_ACCURATE),
      GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_SET, 2 * ANIM_DELAY));
  fail_unless_equals_int (wait_segment_done (bus), GST_MESSAGE_SEGMENT_DONE);

  std::vector<GstClockTime> pts;
  GstSample *sample;
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 0))) {
    pts.push_back (GST_BUFFER_PTS (gst_sample_get_buffer (sample)));
    gst_sample_unref (sample);
  }
  /* frames 2, 3, 4 (the one starting at the stop is not sent), then 0 and 1 */
  const int want[] = {2, 3, 4, 0, 1};
  fail_unless_equals_int ((int)pts.size (), 5);
  for (int i = 0; i < 5; i++)
    fail_unless_equals_uint64 (pts[i], want[i] * ANIM_DELAY);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Push mode behind a queue: upstream can seek in bytes, so gifdemux indexes the file first and
 * knows the duration before the first frame, then sends every frame once. */
GST_START_TEST (test_push_duration_by_index_scan)
{
  GstElement *sink;
  GstElement *pipeline =
      pull_pipeline (mk_test_file (ANIM), "", &sink, "queue");
  gint64 duration = -1;
  fail_unless (
      gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration));
  fail_unless_equals_int64 (duration, ANIM_FRAMES * ANIM_DELAY);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstSample *sample;
  int n = 0;
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink)))) {
    fail_unless_equals_uint64 (
        GST_BUFFER_PTS (gst_sample_get_buffer (sample)), n * ANIM_DELAY);
    n++;
    gst_sample_unref (sample);
  }
  fail_unless_equals_int (n, ANIM_FRAMES);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_honor_loop)
{
  GstElement *sink;
  GstElement *pipeline =
      pull_pipeline (mk_test_file (ANIM), "honor-loop=true", &sink);
  gint64 duration = -1;
  /* A NETSCAPE count of 1 plays twice. */
  fail_unless (
      gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration));
  fail_unless_equals_int64 (duration, 2 * ANIM_FRAMES * ANIM_DELAY);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstSample *sample;
  int n = 0;
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink)))) {
    fail_unless_equals_uint64 (
        GST_BUFFER_PTS (gst_sample_get_buffer (sample)), n * ANIM_DELAY);
    n++;
    gst_sample_unref (sample);
  }
  fail_unless_equals_int (n, 2 * ANIM_FRAMES);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_not_a_gif)
{
  const char *text = "This is plainly not a GIF file, just some text.";
  std::vector<guint8> bytes (text, text + strlen (text));
  for (MkGifMode m :
      {MkGifMode::kPull, MkGifMode::kPushSeekable, MkGifMode::kPushStream}) {
    MkGifRun r = mk_run_gif (bytes, m);
    fail_unless (r.error () != nullptr, "%s", mk_gif_mode_name (m));
    fail_unless_equals_int (r.error ()->domain, GST_STREAM_ERROR);
    fail_unless_equals_int (r.error ()->code, GST_STREAM_ERROR_WRONG_TYPE);
    fail_unless_equals_int (r.frames, 0);
  }
}

GST_END_TEST;

/* Damage is said once, the same way in pull mode, in push mode with the read-ahead (a
 * seekable upstream) and in push mode without: a warning naming the frames shown when some
 * frames come before the damage, the "no images" error alone when none does, and one warning
 * for a file cut inside its last frame (which is shown as far as it goes). The frame ends come
 * from the tests' block walker. */
GST_START_TEST (test_damage_said_once)
{
  std::vector<guint8> file = mk_read_file (mk_test_file (ANIM));
  gif_walk::Walk w = gif_walk::walk (file);
  fail_unless (w.ok, "%s", w.error.c_str ());
  fail_unless_equals_int ((int)w.frames.size (), ANIM_FRAMES);
  std::vector<size_t> ends;
  for (const gif_walk::Frame &f : w.frames)
    ends.push_back (f.record_end);
  fail_unless (
      file[10] & 0x80); /* a global palette follows the screen descriptor */
  const guint8 garbage[] = {0x77, 0x77, 0x77};

  struct Damaged
  {
    const char *name;
    size_t keep;    /* bytes of the file kept */
    bool garbage;   /* followed by three bytes no GIF block starts with */
    int frames;     /* frames before the damage */
    bool truncated; /* cut inside a frame */
  };
  const Damaged cases[] = {
      {"garbage after the header", w.header_end, true, 0, false},
      {"garbage after frame 2", ends[1], true, 2, false},
      {"cut inside frame 4", ends[3] - 5, false, 3, true},
  };
  for (const Damaged &c : cases) {
    std::vector<guint8> bytes (file.begin (), file.begin () + c.keep);
    if (c.garbage)
      bytes.insert (bytes.end (), garbage, garbage + sizeof garbage);
    for (MkGifMode m :
        {MkGifMode::kPull, MkGifMode::kPushSeekable, MkGifMode::kPushStream}) {
      const char *mode = mk_gif_mode_name (m);
      MkGifRun r = mk_run_gif (bytes, m);
      std::vector<std::string> warnings = r.warnings ();
      std::string said;
      for (const std::string &t : warnings)
        said += " [" + t + "]";
      fail_unless (
          r.errors () <= 1, "%s, %s: errors%s", c.name, mode, said.c_str ());
      if (c.frames == 0) {
        fail_unless (r.error () && r.error ()->code == GST_STREAM_ERROR_DEMUX,
            "%s, %s: no error", c.name, mode);
        fail_unless (r.error ()->text.find ("no images") != std::string::npos,
            "%s, %s: error \"%s\"", c.name, mode, r.error ()->text.c_str ());
        fail_unless (warnings.empty (), "%s, %s: warnings%s", c.name, mode,
            said.c_str ());
        continue;
      }
      fail_if (r.error (), "%s, %s: error \"%s\"", c.name, mode,
          r.error ()->text.c_str ());
      /* the cut frame comes out as far as it goes */
      fail_unless_equals_int (r.frames, c.frames + (c.truncated ? 1 : 0));
      fail_unless (warnings.size () == 1, "%s, %s: warnings%s", c.name, mode,
          said.c_str ());
      const char *expect = c.truncated ? "truncated" : "damaged";
      fail_unless (warnings[0].find (expect) != std::string::npos,
          "%s, %s: warning%s", c.name, mode, said.c_str ());
    }
  }
}

GST_END_TEST;

/* Damage in push mode ends the stream at once: the chain function returns GST_FLOW_EOS and
 * sends EOS downstream itself (a queue upstream drops the EOS that would follow), and the EOS
 * upstream may still send does not go downstream twice. */
static int
count_eos_events (GstHarness *h)
{
  int n = 0;
  GstEvent *ev;
  while ((ev = gst_harness_try_pull_event (h))) {
    n += GST_EVENT_TYPE (ev) == GST_EVENT_EOS;
    gst_event_unref (ev);
  }
  return n;
}

GST_START_TEST (test_damage_sends_eos)
{
  std::vector<guint8> file = mk_read_file (mk_test_file (ANIM));
  file.back () =
      0x77; /* the trailer's byte: garbage where a block should start */
  GstHarness *h = demux_harness ();
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  GstFlowReturn ret =
      gst_harness_push (h, gst_buffer_new_memdup (file.data (), file.size ()));
  fail_unless_equals_int (ret, GST_FLOW_EOS);
  fail_unless_equals_int (gst_harness_buffers_received (h), ANIM_FRAMES);
  fail_unless_equals_int (count_eos_events (h), 1);
  gst_harness_push_event (h, gst_event_new_eos ());
  fail_unless_equals_int (count_eos_events (h), 0);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (msg != nullptr);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Cut the file at every offset: every run ends, with exactly the frames the walker finds
 * complete before the cut, plus the frame the cut is in when it is inside that frame's image
 * data (shown as far as it goes); an error exactly when no frame comes out. */
GST_START_TEST (test_truncated_everywhere)
{
  std::vector<guint8> file = mk_read_file (mk_test_file (ANIM));
  gif_walk::Walk w = gif_walk::walk (file);
  fail_unless_equals_int ((int)w.frames.size (), ANIM_FRAMES);

  /* Every offset in push mode (cheap, harness); every 7th in pipelines. */
  for (size_t cut = 0; cut < file.size (); cut++) {
    int want = 0;
    for (const gif_walk::Block &b : w.blocks) {
      if (b.kind != gif_walk::Block::kImage)
        continue;
      want += b.end <= cut || (b.data_offset < cut && cut < b.end);
    }
    std::vector<guint8> part (file.begin (), file.begin () + cut);
    GstHarness *h = demux_harness ();
    push_bytes (h, part, 13);
    fail_unless_equals_int ((int)gst_harness_buffers_received (h), want);
    gst_harness_teardown (h);
    if (cut % 7 != 0)
      continue;
    /* Pipelines in pull mode and in push mode from a seekable upstream (the read-ahead, which
     * at EOS must play a file that has no trailer). */
    for (MkGifMode m : {MkGifMode::kPull, MkGifMode::kPushSeekable}) {
      MkGifRun r = mk_run_gif (part, m);
      fail_unless (r.frames == want, "%s, cut at %zu: %d frames, want %d",
          mk_gif_mode_name (m), cut, r.frames, want);
      fail_unless ((r.error () != nullptr) == (want == 0),
          "%s, cut at %zu: %d frames, %d errors", mk_gif_mode_name (m), cut,
          r.frames, r.errors ());
    }
  }
}

GST_END_TEST;

/* ---------------------------------------------------------------- seeks from another thread */

/* What reaches the sink: each buffer's PTS, and the seqnums of the SEGMENT and EOS events. */
struct SinkLog
{
  GMutex lock;
  GCond cond;
  std::vector<GstClockTime> pts;
  std::vector<guint32>
      segment_seqnums; /* one per buffer: of the segment it belongs to */
  guint32 segment_seqnum = GST_SEQNUM_INVALID;
  guint32 eos_seqnum = GST_SEQNUM_INVALID;
  int segments = 0;
  bool eos = false;
};

static GstPadProbeReturn
log_sink (GstPad *, GstPadProbeInfo *info, gpointer data)
{
  SinkLog *log = (SinkLog *)data;
  g_mutex_lock (&log->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    log->pts.push_back (GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info)));
    log->segment_seqnums.push_back (log->segment_seqnum);
  } else {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      log->segment_seqnum = gst_event_get_seqnum (ev);
      log->segments++;
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS) {
      log->eos_seqnum = gst_event_get_seqnum (ev);
      log->eos = true;
    }
  }
  g_cond_broadcast (&log->cond);
  g_mutex_unlock (&log->lock);
  return GST_PAD_PROBE_OK;
}

/* Waits (a bound only a hang reaches) until `pred` holds on the log. */
template <typename Pred>
static void
wait_log (SinkLog *log, Pred pred, const char *what)
{
  gint64 end = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&log->lock);
  while (!pred (*log))
    if (!g_cond_wait_until (&log->cond, &log->lock, end)) {
      g_mutex_unlock (&log->lock);
      fail ("%s: not within 60 s", what);
    }
  g_mutex_unlock (&log->lock);
}

/* A seek sent from a thread of its own, as an application's UI thread does: the caller waits
 * for it to return, with a bound only a hang reaches. */
struct SeekCall
{
  GstElement *pipeline;
  GstEvent *event;
  gboolean result = FALSE;
  bool done = false;
  GMutex lock;
  GCond cond;
};

static gpointer
seek_thread (gpointer data)
{
  SeekCall *c = (SeekCall *)data;
  gboolean ok = gst_element_send_event (c->pipeline, c->event);
  g_mutex_lock (&c->lock);
  c->result = ok;
  c->done = true;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
  return nullptr;
}

/* Seeks `pipeline` to `t` (flushing, key unit, snap before) from another thread; returns what
 * the seek returned and its seqnum. Fails the test when the seek does not return. */
static gboolean
seek_from_thread (
    GstElement *pipeline, GstClockTime t, guint32 *seqnum, const char *what)
{
  SeekCall c;
  c.pipeline = pipeline;
  c.event = gst_event_new_seek (1.0, GST_FORMAT_TIME,
      (GstSeekFlags)(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT |
                     GST_SEEK_FLAG_SNAP_BEFORE),
      GST_SEEK_TYPE_SET, (gint64)t, GST_SEEK_TYPE_NONE, -1);
  *seqnum = gst_event_get_seqnum (c.event);
  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  GThread *th = g_thread_new ("seek", seek_thread, &c);
  gint64 end = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&c.lock);
  while (!c.done)
    if (!g_cond_wait_until (&c.cond, &c.lock, end))
      break;
  bool done = c.done;
  g_mutex_unlock (&c.lock);
  fail_unless (done, "%s: the seek did not return within 60 s", what);
  g_thread_join (th);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
  return c.result;
}

/* "<the source of `mode`> ! gifdemux ! fakesink sync=true" over `file`, with a SinkLog probe on
 * the sink; `*path` to unlink after. */
static GstElement *
sync_pipeline (MkGifMode m, const std::vector<guint8> &file, SinkLog *log,
    std::string *path)
{
  GstElement *pipeline = mk_gif_pipeline (
      file, m, "gifdemux ! fakesink name=sink sync=true", path);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad,
      (GstPadProbeType)(GST_PAD_PROBE_TYPE_BUFFER |
                        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
      log_sink, log, nullptr);
  gst_object_unref (pad);
  gst_object_unref (sink);
  return pipeline;
}

static void
sink_log_init (SinkLog *log)
{
  g_mutex_init (&log->lock);
  g_cond_init (&log->cond);
}

static void
sink_log_clear (SinkLog *log)
{
  g_mutex_clear (&log->lock);
  g_cond_clear (&log->cond);
}

/* A flushing seek returns at once in every mode, in PAUSED (the streaming thread blocked in
 * the sink's preroll) and in PLAYING (blocked in the sink's clock wait, each frame lasting a
 * minute); then the first buffer of the seek's segment is the frame showing at the target. In
 * push mode the streaming thread used to hold the sink pad's stream lock the seek handler
 * waited for: PAUSED never returned, PLAYING only once the whole file had played. From a pipe
 * (upstream cannot seek) the seek is refused, at once. */
GST_START_TEST (test_seek_returns_promptly)
{
  const int frames = 6;
  const GstClockTime delay = 60 * GST_SECOND;
  std::vector<guint8> file = gif_test::opaqueAnimation (frames, 6000);

  for (MkGifMode m :
      {MkGifMode::kPull, MkGifMode::kPushSeekable, MkGifMode::kPushStream}) {
    for (GstState state : {GST_STATE_PAUSED, GST_STATE_PLAYING}) {
      gchar *what = g_strdup_printf (
          "%s, %s", mk_gif_mode_name (m), gst_element_state_get_name (state));
      SinkLog log;
      sink_log_init (&log);
      std::string path;
      GstElement *pipeline = sync_pipeline (m, file, &log, &path);
      gst_element_set_state (pipeline, state);
      fail_unless_equals_int (
          gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
          GST_STATE_CHANGE_SUCCESS);
      /* PAUSED: frame 0 waits in the preroll. PLAYING: frame 1 waits for its time. */
      size_t in_sink = state == GST_STATE_PAUSED ? 1 : 2;
      wait_log (
          &log,
          [in_sink] (const SinkLog &l) { return l.pts.size () >= in_sink; },
          what);

      guint32 seqnum;
      gboolean ok =
          seek_from_thread (pipeline, 4 * delay + GST_SECOND, &seqnum, what);
      if (m == MkGifMode::kPushStream) {
        fail_if (ok, "%s: a seek on a pipe was accepted", what);
      } else {
        fail_unless (ok, "%s: seek refused", what);
        wait_log (
            &log,
            [seqnum] (const SinkLog &l) {
              return !l.segment_seqnums.empty () &&
                     l.segment_seqnums.back () == seqnum;
            },
            what);
        g_mutex_lock (&log.lock);
        size_t i = 0;
        while (log.segment_seqnums[i] != seqnum)
          i++;
        GstClockTime first_pts = log.pts[i];
        g_mutex_unlock (&log.lock);
        fail_unless_equals_uint64 (first_pts, 4 * delay);
        fail_unless_equals_int (
            gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
            GST_STATE_CHANGE_SUCCESS);
      }
      gst_element_set_state (pipeline, GST_STATE_NULL);
      gst_object_unref (pipeline);
      if (!path.empty ())
        unlink (path.c_str ());
      sink_log_clear (&log);
      g_free (what);
    }
  }
}

GST_END_TEST;

/* EOS carries the seqnum of the segment it ends, in every mode, with or without a seek. */
GST_START_TEST (test_eos_seqnum)
{
  std::vector<guint8> file = gif_test::opaqueAnimation (4, 1);
  for (MkGifMode m :
      {MkGifMode::kPull, MkGifMode::kPushSeekable, MkGifMode::kPushStream}) {
    for (bool seek : {false, true}) {
      if (seek && m == MkGifMode::kPushStream)
        continue;
      SinkLog log;
      sink_log_init (&log);
      std::string path;
      GstElement *pipeline = sync_pipeline (m, file, &log, &path);
      guint32 seqnum = GST_SEQNUM_INVALID;
      if (seek) {
        gst_element_set_state (pipeline, GST_STATE_PAUSED);
        gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND);
        fail_unless (seek_from_thread (
            pipeline, 20 * GST_MSECOND, &seqnum, mk_gif_mode_name (m)));
      }
      gst_element_set_state (pipeline, GST_STATE_PLAYING);
      wait_log (
          &log, [] (const SinkLog &l) { return l.eos; }, mk_gif_mode_name (m));
      fail_unless_equals_int (log.eos_seqnum, log.segment_seqnum);
      if (seek)
        fail_unless_equals_int (log.eos_seqnum, seqnum);
      gst_element_set_state (pipeline, GST_STATE_NULL);
      gst_object_unref (pipeline);
      if (!path.empty ())
        unlink (path.c_str ());
      sink_log_clear (&log);
    }
  }
}

GST_END_TEST;

/* The comment bytes of the tag events `h` received, and how many carried comments. */
static size_t
comment_tag_bytes (GstHarness *h, int *events, std::string *first)
{
  size_t bytes = 0;
  *events = 0;
  GstEvent *ev;
  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_TAG) {
      GstTagList *tags;
      gst_event_parse_tag (ev, &tags);
      guint n = gst_tag_list_get_tag_size (tags, GST_TAG_COMMENT);
      *events += n > 0;
      for (guint i = 0; i < n; i++) {
        const gchar *c = nullptr;
        fail_unless (
            gst_tag_list_peek_string_index (tags, GST_TAG_COMMENT, i, &c));
        bytes += strlen (c);
        if (first->empty ())
          *first = c;
      }
    }
    gst_event_unref (ev);
  }
  return bytes;
}

/* A comment before each of 3,000 frames, streamed (push mode, upstream cannot seek): the tags
 * grow only to their bound and go out only when they change, so what the tag events carry is
 * linear in the file (it used to be the whole growing list on every frame: quadratic). The
 * same comment before every frame changes the tags once. */
GST_START_TEST (test_comment_tags_linear)
{
  const int frames = 3000;
  std::vector<guint8> file = gif_test::opaqueAnimation (frames, 10, true);
  GstHarness *h = demux_harness ();
  push_bytes (h, file, 4096);
  fail_unless_equals_int (gst_harness_buffers_received (h), frames);
  int events = 0;
  std::string first_comment;
  size_t bytes = comment_tag_bytes (h, &events, &first_comment);
  fail_unless_equals_string (first_comment.c_str (), "comment number 0");
  fail_unless (bytes <= 4 * file.size (),
      "%zu bytes of comments in %d tag events for a %zu-byte file", bytes,
      events, file.size ());
  gst_harness_teardown (h);

  /* one comment, repeated */
  gif_test::GifBuilder b;
  b.header (8, 8, gif_test::grayPalette (4));
  for (int i = 0; i < 100; i++) {
    b.comment ("the same comment");
    b.gce (1, 10);
    gif_test::Image im;
    im.width = im.height = 8;
    im.pixels.assign (64, 0);
    b.image (im);
  }
  h = demux_harness ();
  push_bytes (h, b.trailer ().bytes, 4096);
  fail_unless_equals_int (gst_harness_buffers_received (h), 100);
  first_comment.clear ();
  bytes = comment_tag_bytes (h, &events, &first_comment);
  fail_unless_equals_string (first_comment.c_str (), "the same comment");
  fail_unless_equals_int (events, 1);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Counts frames at a fakesink; past `bound` (the animation replayed endlessly) it posts an
 * error so that the run ends. */
struct FrameBound
{
  int frames = 0;
  int bound = 0;
};

static void
count_bounded (GstElement *sink, GstBuffer *, GstPad *, gpointer data)
{
  FrameBound *b = (FrameBound *)data;
  if (++b->frames == b->bound + 1) {
    GError *e = g_error_new_literal (
        GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED, "too many frames");
    gst_element_post_message (
        sink, gst_message_new_error (GST_OBJECT (sink), e, nullptr));
    g_error_free (e);
  }
}

/* honor-loop on an animation whose delays are all 0 (min-delay=0): each play takes no time, so
 * a loop count of 0 (forever) used to give endless frames at PTS 0 at full CPU. Such an
 * animation plays once, with a warning; so does a finite count (nothing to replay in no time). */
GST_START_TEST (test_honor_loop_zero_delays)
{
  for (int loop : {0, 2}) {
    std::vector<guint8> file = gif_test::opaqueAnimation (3, 0, false, loop);
    std::string path = mk_write_temp_file (file);
    std::string desc = "filesrc location=\"" + path +
                       "\" ! gifdemux honor-loop=true min-delay=0 ! fakesink "
                       "name=sink signal-handoffs=true sync=false";
    GstElement *pipeline = gst_parse_launch (desc.c_str (), nullptr);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
    FrameBound b;
    b.bound = 30; /* ten plays */
    g_signal_connect (sink, "handoff", G_CALLBACK (count_bounded), &b);
    gst_object_unref (sink);
    std::vector<std::string> warnings;
    GstMessage *err = mk_run_pipeline (pipeline, &warnings);
    fail_if (err != nullptr, "loop %d: an error (%d frames)", loop, b.frames);
    fail_unless_equals_int (b.frames, 3);
    fail_unless_equals_int ((int)warnings.size (), 1);
    fail_unless (warnings[0].find ("played once") != std::string::npos, "%s",
        warnings[0].c_str ());
    gst_object_unref (pipeline);
    unlink (path.c_str ());
  }
}

GST_END_TEST;

/* Reverse playback is refused, with a warning that says so (not only a FALSE from the seek),
 * in pull and in push mode; the pipeline plays on. */
GST_START_TEST (test_reverse_refused)
{
  std::vector<guint8> file = gif_test::opaqueAnimation (4, 1);
  for (MkGifMode m : {MkGifMode::kPull, MkGifMode::kPushSeekable}) {
    SinkLog log;
    sink_log_init (&log);
    std::string path;
    GstElement *pipeline = sync_pipeline (m, file, &log, &path);
    GstBus *bus = gst_element_get_bus (pipeline);
    gst_element_set_state (pipeline, GST_STATE_PAUSED);
    fail_unless_equals_int (
        gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
        GST_STATE_CHANGE_SUCCESS);
    fail_if (
        gst_element_seek (pipeline, -1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH,
            GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_SET, 20 * GST_MSECOND),
        "%s: a reverse seek was accepted", mk_gif_mode_name (m));
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
    fail_unless (msg != nullptr, "%s: no warning", mk_gif_mode_name (m));
    GError *e = nullptr;
    gst_message_parse_warning (msg, &e, nullptr);
    fail_unless (strstr (e->message, "backwards") != nullptr, "%s: %s",
        mk_gif_mode_name (m), e->message);
    g_error_free (e);
    gst_message_unref (msg);
    /* it plays on, to the end */
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    wait_log (
        &log, [] (const SinkLog &l) { return l.eos; }, mk_gif_mode_name (m));
    fail_unless_equals_int ((int)log.pts.size (), 4);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (pipeline);
    if (!path.empty ())
      unlink (path.c_str ());
    sink_log_clear (&log);
  }
}

GST_END_TEST;

/* A RECONFIGURE from downstream stops at gifdemux: its caps come from the file. Passed on, it
 * made filesrc query ALLOCATION through a queue that dropped the query when gifdemux's chain
 * returned GST_FLOW_EOS, and an application's EOS then hung on filesrc's stream lock
 * (gst-validate's pause_resume in push mode). */
GST_START_TEST (test_reconfigure_not_forwarded)
{
  std::vector<guint8> file = mk_read_file (mk_test_file (ANIM));
  GstHarness *h = demux_harness ();
  /* the whole file: its trailer ends the stream (GST_FLOW_EOS), as in the hang */
  fail_unless_equals_int (
      gst_harness_push (h, gst_buffer_new_memdup (file.data (), file.size ())),
      GST_FLOW_EOS);
  fail_unless_equals_int (gst_harness_buffers_received (h), ANIM_FRAMES);
  GstEvent *ev;
  while ((ev = gst_harness_try_pull_upstream_event (h)))
    gst_event_unref (ev);

  fail_unless (
      gst_harness_push_upstream_event (h, gst_event_new_reconfigure ()));
  /* A QoS event is passed on as before (the check sees upstream events at all). */
  fail_unless (gst_harness_push_upstream_event (
      h, gst_event_new_qos (GST_QOS_TYPE_UNDERFLOW, 0.5, 0, 0)));
  int reconfigure = 0, qos = 0;
  while ((ev = gst_harness_try_pull_upstream_event (h))) {
    reconfigure += GST_EVENT_TYPE (ev) == GST_EVENT_RECONFIGURE;
    qos += GST_EVENT_TYPE (ev) == GST_EVENT_QOS;
    gst_event_unref (ev);
  }
  fail_unless_equals_int (reconfigure, 0);
  fail_unless_equals_int (qos, 1);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
gifdemux_suite (void)
{
  Suite *s = suite_create ("gifdemux");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_push_any_chunk_size);
  tcase_add_test (tc, test_damage_said_once);
  tcase_add_test (tc, test_damage_sends_eos);
  tcase_add_test (tc, test_comment_tag);
  tcase_add_test (tc, test_min_delay_policy);
  tcase_add_test (tc, test_pull_duration_and_seek);
  tcase_add_test (tc, test_honor_loop);
  tcase_add_test (tc, test_push_duration_by_index_scan);
  tcase_add_test (tc, test_segment_seeks);
  tcase_add_test (tc, test_not_a_gif);
  tcase_add_test (tc, test_truncated_everywhere);
  tcase_add_test (tc, test_seek_returns_promptly);
  tcase_add_test (tc, test_eos_seqnum);
  tcase_add_test (tc, test_comment_tags_linear);
  tcase_add_test (tc, test_honor_loop_zero_delays);
  tcase_add_test (tc, test_reverse_refused);
  tcase_add_test (tc, test_reconfigure_not_forwarded);
  return s;
}

GST_CHECK_MAIN (gifdemux);
