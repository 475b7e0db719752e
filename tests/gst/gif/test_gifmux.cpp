/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifmux: remuxing keeps every canvas; loop-count, final-delay, background-index and comments
 * (property and tags, bounded) land in the file once; the output is written in order (no seeks)
 * and read by FFmpeg and ImageMagick; a flush starts the file again, so filesink keeps a valid
 * GIF; a second header mid-stream is refused, and an error is posted once; a frame record is
 * written without a copy (it passes under an address-space limit smaller than itself). */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <glib/gstdio.h>

#include <set>
#include <string>
#include <vector>

#include "gif/comments.h"
#include "mktestutil.h"

#include "../../lib/gif/gif_walk.h"

#define ANIM "gif/anim-6f-loop1.gif"
#define ANIM_RGBA "gif/anim-6f-loop1.rgba"
#define W 40
#define H 30
#define ANIM_FRAMES 6

typedef std::vector<guint8> Bytes;

/* ---------------------------------------------------------------- a strict GIF walker */

struct GifFile
{
  Bytes header; /* signature + screen descriptor + global table */
  std::vector<Bytes>
      records; /* everything after the previous image through this one */
  std::vector<int> delays; /* per image, -1 without a GCE */
  std::vector<std::string> comments;
  size_t comments_before_first_image = 0;
  int loop = -1; /* NETSCAPE field, -1 without one */
  int loop_extensions = 0;
  bool trailer = false;
};

/* The tests' block walker (tests/lib/gif/gif_walk.h), held to what a muxer must write: GIF89a,
 * graphic control extensions of exactly 4 bytes, nothing after the trailer. */
static GifFile
walk_gif (const Bytes &d)
{
  gif_walk::Walk w = gif_walk::walk (d);
  fail_unless (w.ok, "not a complete GIF: %s", w.error.c_str ());
  fail_unless (memcmp (d.data (), "GIF89a", 6) == 0, "not a GIF89a");
  fail_unless_equals_int (
      (int)(d.size () - w.trailer), 1); /* nothing after the trailer */
  GifFile g;
  g.header.assign (d.begin (), d.begin () + w.header_end);
  for (const gif_walk::Block &b : w.blocks)
    if (b.kind == gif_walk::Block::kExtension && b.label == 0xF9)
      fail_unless_equals_int (d[b.offset + 2], 4);
  for (const gif_walk::Frame &f : w.frames) {
    g.records.emplace_back (
        d.begin () + f.record_offset, d.begin () + f.record_end);
    g.delays.push_back (f.has_control ? (int)f.delay_cs : -1);
  }
  g.comments = w.comments;
  for (const gif_walk::Block &b : w.blocks)
    g.comments_before_first_image += b.kind == gif_walk::Block::kExtension &&
                                     b.label == 0xFE && b.frame == 0;
  g.loop_extensions = (int)w.loop_counts.size ();
  g.loop = w.loop_counts.empty () ? -1 : w.loop_counts.back ();
  g.trailer = true;
  return g;
}

/* ---------------------------------------------------------------- pipelines */

static std::string
tmp_path (const char *name)
{
  gchar *dir = g_dir_make_tmp ("gifmux-XXXXXX", nullptr);
  fail_unless (dir != nullptr);
  std::string path = std::string (dir) + "/" + name;
  g_free (dir);
  return path;
}

static void
remove_tmp (const std::string &path)
{
  g_unlink (path.c_str ());
  gchar *dir = g_path_get_dirname (path.c_str ());
  g_rmdir (dir);
  g_free (dir);
}

static void
run_ok (const std::string &desc)
{
  GError *err = nullptr;
  GstElement *p = gst_parse_launch (desc.c_str (), &err);
  fail_unless (p != nullptr, "%s: %s", desc.c_str (), err ? err->message : "?");
  GstMessage *msg = mk_run_pipeline (p);
  if (msg) {
    GError *e = nullptr;
    gchar *dbg = nullptr;
    gst_message_parse_error (msg, &e, &dbg);
    std::string text = std::string (e->message) + " / " + (dbg ? dbg : "");
    g_error_free (e);
    g_free (dbg);
    gst_message_unref (msg);
    gst_object_unref (p);
    fail ("%s failed: %s", desc.c_str (), text.c_str ());
  }
  gst_object_unref (p);
}

/* filesrc ! gifdemux ! gifmux <props> ! filesink; returns the new file's bytes. */
static Bytes
remux (const char *mux_props)
{
  std::string out = tmp_path ("remux.gif");
  run_ok ("filesrc location=\"" + mk_test_file (ANIM) +
          "\" ! gifdemux ! gifmux " + mux_props + " ! filesink location=\"" +
          out + "\"");
  Bytes bytes = mk_read_file (out);
  remove_tmp (out);
  return bytes;
}

static GstFlowReturn
collect_canvas (GstAppSink *sink, gpointer data)
{
  std::vector<Bytes> *frames = (std::vector<Bytes> *)data;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  fail_unless (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
  GstVideoFrame f;
  fail_unless (gst_video_frame_map (
      &f, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
  Bytes packed;
  for (int y = 0; y < info.height; y++) {
    const guint8 *row = (const guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
                        (gsize)y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
    packed.insert (packed.end (), row, row + info.width * 4);
  }
  gst_video_frame_unmap (&f);
  gst_sample_unref (sample);
  frames->push_back (std::move (packed));
  return GST_FLOW_OK;
}

/* Every canvas of a GIF file, as gifdemux ! gifdec show it, in RGBA. */
static std::vector<Bytes>
decode_file (const std::string &path)
{
  std::vector<Bytes> frames;
  std::string desc = "filesrc location=\"" + path +
                     "\" ! gifdemux ! gifdec ! appsink name=sink sync=false "
                     "emit-signals=true caps=video/x-raw,format=RGBA";
  GstElement *p = gst_parse_launch (desc.c_str (), nullptr);
  fail_unless (p != nullptr);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  g_signal_connect (sink, "new-sample", G_CALLBACK (collect_canvas), &frames);
  gst_object_unref (sink);
  GstMessage *err = mk_run_pipeline (p);
  fail_unless (err == nullptr, "decoding %s failed", path.c_str ());
  gst_object_unref (p);
  return frames;
}

static std::vector<Bytes>
decode_bytes (const Bytes &bytes)
{
  std::string path = tmp_path ("decode.gif");
  fail_unless (g_file_set_contents (path.c_str (), (const gchar *)bytes.data (),
      (gssize)bytes.size (), nullptr));
  std::vector<Bytes> frames = decode_file (path);
  remove_tmp (path);
  return frames;
}

/* ---------------------------------------------------------------- tests */

GST_START_TEST (test_remux_same_canvases)
{
  Bytes out = remux ("");
  GifFile g = walk_gif (out);
  fail_unless_equals_int ((int)g.records.size (), ANIM_FRAMES);
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  fail_unless (g.header == orig.header, "codec_data changed");
  fail_unless (g.delays == orig.delays);

  std::vector<Bytes> a = decode_file (mk_test_file (ANIM));
  std::vector<Bytes> b = decode_bytes (out);
  fail_unless_equals_int ((int)a.size (), ANIM_FRAMES);
  fail_unless_equals_int ((int)b.size (), ANIM_FRAMES);
  Bytes expected = mk_read_file (mk_test_file (ANIM_RGBA));
  for (int i = 0; i < ANIM_FRAMES; i++) {
    fail_unless (a[i] == b[i], "canvas %d differs after remuxing", i);
    fail_unless (memcmp (b[i].data (), expected.data () + (gsize)i * W * H * 4,
                     W * H * 4) == 0,
        "canvas %d differs from the expected one", i);
  }
}
GST_END_TEST;

GST_START_TEST (test_loop_count)
{
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  fail_unless_equals_int (orig.loop, 1);

  GifFile g = walk_gif (remux (""));
  fail_unless_equals_int (
      g.loop_extensions, 1); /* not copied again from frame 0's record */
  fail_unless_equals_int (g.loop, 1); /* from the caps */
  g = walk_gif (remux ("loop-count=0"));
  fail_unless_equals_int (g.loop_extensions, 1);
  fail_unless_equals_int (g.loop, 0);
  g = walk_gif (remux ("loop-count=5"));
  fail_unless_equals_int (g.loop, 5);
  g = walk_gif (remux ("loop-count=-1"));
  fail_unless_equals_int (g.loop_extensions, 0);
}
GST_END_TEST;

GST_START_TEST (test_final_delay_and_background)
{
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  GifFile g = walk_gif (remux ("final-delay=250 background-index=3"));
  fail_unless_equals_int ((int)g.delays.size (), ANIM_FRAMES);
  for (int i = 0; i < ANIM_FRAMES - 1; i++)
    fail_unless_equals_int (g.delays[i], orig.delays[i]);
  fail_unless_equals_int (g.delays[ANIM_FRAMES - 1], 250);
  fail_unless_equals_int (g.header[11], 3);
  Bytes rest (g.header.begin () + 12, g.header.end ());
  fail_unless (rest == Bytes (orig.header.begin () + 12, orig.header.end ()));
}
GST_END_TEST;

GST_START_TEST (test_comments)
{
  /* The source file repeats one comment in every frame record: the remux has it once (from
   * gifdemux's tags; frame records lose their extensions). */
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  fail_unless_equals_int ((int)orig.comments.size (), ANIM_FRAMES);
  for (const std::string &c : orig.comments)
    fail_unless (c == orig.comments[0]);
  GifFile g = walk_gif (remux ("comment=\"remuxed\""));
  fail_unless_equals_int ((int)g.comments.size (), 2);
  fail_unless_equals_string (g.comments[0].c_str (), "remuxed");
  fail_unless_equals_string (g.comments[1].c_str (), orig.comments[0].c_str ());
  fail_unless_equals_int ((int)g.comments_before_first_image, 2);

  /* Tags through gifenc; a long one spans several sub-blocks. */
  std::string longc (300, 'x');
  std::string out = tmp_path ("tags.gif");
  run_ok (
      "videotestsrc num-buffers=4 ! "
      "video/x-raw,width=16,height=16,framerate=10/1 ! "
      "taginject tags=\"comment=hello\" ! gifenc ! taginject tags=\"comment=" +
      longc + "\" ! gifmux ! filesink location=\"" + out + "\"");
  g = walk_gif (mk_read_file (out));
  remove_tmp (out);
  fail_unless_equals_int ((int)g.records.size (), 4);
  fail_unless_equals_int ((int)g.comments.size (), 2);
  fail_unless (g.comments[0] == "hello" || g.comments[1] == "hello");
  fail_unless (g.comments[0] == longc || g.comments[1] == longc);
}
GST_END_TEST;

/* Pipeline output collected by an appsink, buffer by buffer: it must form the whole file in
 * order, with one byte segment and no seek. */
struct Stream
{
  Bytes data;
  guint64 next_offset = 0;
  int segments = 0;
  int header_buffers = 0;
};

static GstFlowReturn
collect_bytes (GstAppSink *sink, gpointer user)
{
  Stream *s = (Stream *)user;
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *b = gst_sample_get_buffer (sample);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (b), s->next_offset);
  /* the first buffer of the stream is a discontinuity, no other is */
  fail_unless_equals_int (
      GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DISCONT), s->next_offset == 0);
  GstMapInfo map;
  gst_buffer_map (b, &map, GST_MAP_READ);
  s->data.insert (s->data.end (), map.data, map.data + map.size);
  gst_buffer_unmap (b, &map);
  s->next_offset = GST_BUFFER_OFFSET_END (b);
  if (GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_HEADER))
    s->header_buffers++;
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

static GstPadProbeReturn
count_segments (GstPad *, GstPadProbeInfo *info, gpointer user)
{
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
  if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
    const GstSegment *seg;
    gst_event_parse_segment (ev, &seg);
    fail_unless_equals_int (seg->format, GST_FORMAT_BYTES);
    fail_unless_equals_uint64 (seg->start, 0);
    ((Stream *)user)->segments++;
  }
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_streamable)
{
  Stream s;
  GstElement *p = gst_parse_launch (
      "videotestsrc num-buffers=30 ! "
      "video/x-raw,width=64,height=48,framerate=15/1 ! gifenc ! "
      "gifmux name=mux ! appsink name=sink sync=false emit-signals=true",
      nullptr);
  fail_unless (p != nullptr);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  g_signal_connect (sink, "new-sample", G_CALLBACK (collect_bytes), &s);
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (
      pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, count_segments, &s, nullptr);
  gst_object_unref (pad);
  gst_object_unref (sink);
  GstElement *mux = gst_bin_get_by_name (GST_BIN (p), "mux");
  /* Nobody upstream of the sink could seek in the file anyway: prove it is never asked. */
  GstPad *src = gst_element_get_static_pad (mux, "src");
  GstQuery *q = gst_query_new_seeking (GST_FORMAT_BYTES);
  fail_unless (gst_pad_query (src, q));
  gboolean seekable = TRUE;
  gst_query_parse_seeking (q, nullptr, &seekable, nullptr, nullptr);
  fail_if (seekable);
  gst_query_unref (q);
  gst_object_unref (src);
  gst_object_unref (mux);

  GstMessage *err = mk_run_pipeline (p);
  fail_unless (err == nullptr);
  gst_object_unref (p);

  fail_unless_equals_int (s.segments, 1);
  fail_unless_equals_int (s.header_buffers, 1);
  GifFile g = walk_gif (s.data);
  fail_unless_equals_int ((int)g.records.size (), 30);
  fail_unless_equals_int (g.loop, 0); /* gifenc's caps say forever */
  /* 30 frames at 15 fps: 2 s. */
  int sum = 0;
  for (int d : g.delays)
    sum += d;
  fail_unless_equals_int (sum, 200);
  /* And it decodes: every frame. */
  fail_unless_equals_int ((int)decode_bytes (s.data).size (), 30);
}
GST_END_TEST;

static gchar *
run_tool (const std::string &cmd)
{
  gchar *out = nullptr;
  gint status = 0;
  gchar *argv[] = {
      (gchar *)"/bin/sh", (gchar *)"-c", (gchar *)cmd.c_str (), nullptr};
  fail_unless (g_spawn_sync (nullptr, argv, nullptr, G_SPAWN_DEFAULT, nullptr,
      nullptr, &out, nullptr, &status, nullptr));
  fail_unless (
      g_spawn_check_wait_status (status, nullptr), "%s failed", cmd.c_str ());
  return out;
}

GST_START_TEST (test_other_readers)
{
  gchar *ffmpeg = g_find_program_in_path ("ffmpeg");
  gchar *ffprobe = g_find_program_in_path ("ffprobe");
  bool identify = g_file_test ("/usr/bin/identify", G_FILE_TEST_IS_EXECUTABLE);
  if (!ffmpeg && !identify) {
    g_free (ffprobe);
    GST_INFO ("neither ffmpeg nor ImageMagick present: nothing to check");
    return;
  }
  std::string out = tmp_path ("readers.gif");
  run_ok ("videotestsrc num-buffers=20 pattern=ball ! "
          "video/x-raw,width=64,height=48,framerate=15/1 ! gifenc ! gifmux ! "
          "filesink "
          "location=\"" +
          out + "\"");
  std::string remuxed = tmp_path ("remuxed.gif");
  run_ok ("filesrc location=\"" + mk_test_file (ANIM) +
          "\" ! gifdemux ! gifmux loop-count=0 ! filesink location=\"" +
          remuxed + "\"");
  struct
  {
    const std::string *path;
    int frames;
  } files[] = {{&out, 20}, {&remuxed, 6}};
  for (auto &f : files) {
    if (ffmpeg) {
      g_free (run_tool (std::string (ffmpeg) + " -nostdin -v error -i '" +
                        *f.path + "' -f null - 2>&1"));
      if (ffprobe) {
        gchar *n = run_tool (
            std::string (ffprobe) +
            " -v error -count_frames -show_entries stream=nb_read_frames "
            "-of csv=p=0 '" +
            *f.path + "'");
        fail_unless_equals_int (atoi (n), f.frames);
        g_free (n);
      }
    }
    if (identify) {
      gchar *n = run_tool ("/usr/bin/identify '" + *f.path + "' | wc -l");
      fail_unless_equals_int (atoi (n), f.frames);
      g_free (n);
    }
  }
  remove_tmp (out);
  remove_tmp (remuxed);
  g_free (ffmpeg);
  g_free (ffprobe);
}
GST_END_TEST;

static GstCaps *
caps_for_header (const Bytes &header)
{
  GstBuffer *cd = gst_buffer_new_memdup (header.data (), header.size ());
  GstCaps *caps = gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN,
      TRUE, "codec_data", GST_TYPE_BUFFER, cd, nullptr);
  gst_buffer_unref (cd);
  return caps;
}

static GstFlowReturn
push_record (GstHarness *h, const Bytes &record)
{
  return gst_harness_push (
      h, gst_buffer_new_memdup (record.data (), record.size ()));
}

static GstMessage *
pop_error (GstBus *bus)
{
  return gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
}

GST_START_TEST (test_new_header_refused)
{
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  GstHarness *h = gst_harness_new ("gifmux");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps (h, caps_for_header (orig.header));
  for (int i = 0; i < 2; i++)
    fail_unless_equals_int (
        gst_harness_push (h, gst_buffer_new_memdup (orig.records[i].data (),
                                 orig.records[i].size ())),
        GST_FLOW_OK);
  /* The same header again is fine (a renegotiation that changes nothing). */
  GstCaps *same = caps_for_header (orig.header);
  fail_unless (gst_pad_push_event (h->srcpad, gst_event_new_caps (same)));
  gst_caps_unref (same);

  Bytes other = orig.header;
  other[13] ^= 0xff; /* another global palette */
  GstCaps *caps = caps_for_header (other);
  /* (a refused sticky event still reports TRUE: it was stored on the pad) */
  gst_pad_push_event (h->srcpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  GstMessage *msg = pop_error (bus);
  fail_unless (msg != nullptr, "no error posted");
  fail_if (gst_harness_push (h, gst_buffer_new_memdup (orig.records[2].data (),
                                    orig.records[2].size ())) == GST_FLOW_OK);
  GError *err = nullptr;
  gst_message_parse_error (msg, &err, nullptr);
  fail_unless (
      strstr (err->message, "one header") != nullptr, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);

  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Caps without codec_data are refused, and said once however many buffers and events meet
 * them (the refused caps are offered again with every buffer: 12 errors for six frames and
 * EOS, before). */
GST_START_TEST (test_no_codec_data_refused)
{
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  GstHarness *h = gst_harness_new ("gifmux");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, "image/gif, parsed=(boolean)true");
  for (const Bytes &r : orig.records)
    fail_if (push_record (h, r) == GST_FLOW_OK);
  gst_harness_push_event (h, gst_event_new_eos ());
  int errors = 0;
  while (GstMessage *msg = pop_error (bus)) {
    errors++;
    gst_message_unref (msg);
  }
  fail_unless_equals_int (errors, 1);
  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

GST_START_TEST (test_damaged_record_refused)
{
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  GstHarness *h = gst_harness_new ("gifmux");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps (h, caps_for_header (orig.header));
  guint8 junk[] = {0x99, 1, 2, 3};
  fail_unless_equals_int (
      gst_harness_push (h, gst_buffer_new_memdup (junk, sizeof (junk))),
      GST_FLOW_ERROR);
  GstMessage *msg = pop_error (bus);
  fail_unless (msg != nullptr);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Everything the harness holds: buffers in order from offset 0 (after the last segment), the
 * bytes they make, and the number of segments and header buffers. */
struct Pulled
{
  Bytes data;
  int segments = 0;
  int header_buffers = 0;
  int buffers = 0;
  bool first_discont = false;
};

static Pulled
pull_all (GstHarness *h)
{
  Pulled out;
  while (GstEvent *ev = gst_harness_try_pull_event (h)) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      const GstSegment *seg;
      gst_event_parse_segment (ev, &seg);
      fail_unless_equals_int (seg->format, GST_FORMAT_BYTES);
      fail_unless_equals_uint64 (seg->start, 0);
      out.segments++;
    }
    gst_event_unref (ev);
  }
  while (GstBuffer *b = gst_harness_try_pull (h)) {
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (b), out.data.size ());
    if (out.buffers == 0)
      out.first_discont = GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DISCONT);
    if (GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_HEADER))
      out.header_buffers++;
    GstMapInfo map;
    fail_unless (gst_buffer_map (b, &map, GST_MAP_READ));
    out.data.insert (out.data.end (), map.data, map.data + map.size);
    gst_buffer_unmap (b, &map);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (b), out.data.size ());
    out.buffers++;
    gst_buffer_unref (b);
  }
  return out;
}

/* A flush mid-file (a seek upstream): what was written is gone downstream (filesink truncates
 * its file), so the file starts again: a segment at 0, the header with the comments, the
 * frames after the flush, the trailer. (Before: a segment at the old offset, and the rest of
 * the file with no header, which left filesink's file starting with zeros.) */
GST_START_TEST (test_flush_restarts_file)
{
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  GstElement *mux = gst_element_factory_make ("gifmux", nullptr);
  g_object_set (mux, "comment", "kept", nullptr);
  GstHarness *h = gst_harness_new_with_element (mux, "sink", "src");
  gst_object_unref (mux);
  gst_harness_set_src_caps (h, caps_for_header (orig.header));
  for (int i = 0; i < 3; i++)
    fail_unless_equals_int (push_record (h, orig.records[i]), GST_FLOW_OK);
  Pulled before = pull_all (h);
  fail_unless_equals_int (before.segments, 1);
  fail_unless (before.first_discont);
  fail_unless_equals_int (before.header_buffers, 1);

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  GstSegment tseg;
  gst_segment_init (&tseg, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&tseg)));
  for (size_t i = 3; i < orig.records.size (); i++)
    fail_unless_equals_int (push_record (h, orig.records[i]), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  Pulled after = pull_all (h);
  fail_unless_equals_int (after.segments, 1);
  fail_unless (after.first_discont);
  fail_unless_equals_int (after.header_buffers, 1);
  GifFile g = walk_gif (after.data);
  fail_unless (g.header == orig.header);
  fail_unless_equals_int (
      (int)g.records.size (), (int)orig.records.size () - 3);
  fail_unless_equals_int (g.loop, 0); /* caps without loop-count: forever */
  fail_unless_equals_int ((int)g.comments.size (), 1);
  fail_unless_equals_string (g.comments[0].c_str (), "kept");
  for (size_t i = 3; i < orig.records.size (); i++)
    fail_unless_equals_int (g.delays[i - 3], orig.delays[i]);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* filesink behind gifmux, a flushing seek upstream after three buffers were written: the file
 * must be a whole GIF that other readers take (it started with the old offset's worth of zeros
 * before). Back to 0: the same bytes as a remux without a seek. Into the middle: the frames
 * from the seek on. */
static Bytes
remux_with_seek (GstClockTime target)
{
  std::string out = tmp_path ("seek.gif");
  GstMessage *err =
      mk_run_with_flush ("filesrc location=\"" + mk_test_file (ANIM) +
                             "\" ! gifdemux name=demux ! gifmux "
                             "! filesink name=sink location=\"" +
                             out + "\"",
          3, target);
  fail_unless (err == nullptr, "the pipeline failed after the seek");
  Bytes bytes = mk_read_file (out);
  remove_tmp (out);
  return bytes;
}

/* Frames that ffprobe reads in `bytes` (-1 when it is not installed, or refuses the file). */
static int
ffprobe_frames (const Bytes &bytes)
{
  std::string path = tmp_path ("probe.gif");
  fail_unless (g_file_set_contents (path.c_str (), (const gchar *)bytes.data (),
      (gssize)bytes.size (), nullptr));
  int frames = mk_ffprobe_frames (path);
  remove_tmp (path);
  return frames;
}

GST_START_TEST (test_flush_into_filesink)
{
  Bytes whole = remux ("");
  Bytes again = remux_with_seek (0);
  fail_unless (again.size () >= 6 && memcmp (again.data (), "GIF89a", 6) == 0,
      "the file does not start with a GIF header after the flush");
  fail_unless (again == whole,
      "seeking back to 0 gave %zu bytes, the remux without a seek %zu",
      again.size (), whole.size ());
  int probed = ffprobe_frames (again);
  fail_unless (
      probed == -1 || probed == ANIM_FRAMES, "ffprobe reads %d frames", probed);

  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  GstClockTime third = 0;
  for (int i = 0; i < 3; i++)
    third += (GstClockTime)orig.delays[i] * 10 * GST_MSECOND;
  Bytes middle = remux_with_seek (third);
  GifFile g =
      walk_gif (middle); /* fails on zeros, a missing header or trailer */
  fail_unless (g.header == orig.header);
  fail_unless (
      g.records.size () >= 3 && g.records.size () < orig.records.size (),
      "%zu frames after a seek to frame 3", g.records.size ());
  /* the last frames of the file, as they were */
  for (size_t i = 0; i < g.records.size (); i++)
    fail_unless_equals_int (g.delays[g.records.size () - 1 - i],
        orig.delays[orig.records.size () - 1 - i]);
  probed = ffprobe_frames (middle);
  fail_unless (probed == -1 || probed == (int)g.records.size (),
      "ffprobe reads %d frames, the walker %zu", probed, g.records.size ());
}
GST_END_TEST;

/* A comment before every frame, each a new text, and one repeated everywhere (tags as a source
 * with a comment per frame sends them): each text is written once, and no more than the
 * bounded list keeps (before: all 3,000, each looked up in a list of all before it). */
GST_START_TEST (test_comments_bounded)
{
  const int n = 3000;
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  GstHarness *h = gst_harness_new ("gifmux");
  gst_harness_set_src_caps (h, caps_for_header (orig.header));
  for (int i = 0; i < n; i++) {
    gchar *text = g_strdup_printf ("comment %d", i);
    GstTagList *tags = gst_tag_list_new (
        GST_TAG_COMMENT, text, GST_TAG_COMMENT, "on every frame", nullptr);
    g_free (text);
    fail_unless (gst_harness_push_event (h, gst_event_new_tag (tags)));
    fail_unless_equals_int (
        push_record (h, orig.records[i % orig.records.size ()]), GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  GifFile g = walk_gif (pull_all (h).data);
  gst_harness_teardown (h);

  fail_unless_equals_int ((int)g.records.size (), n);
  fail_unless_equals_int (
      (int)g.comments.size (), (int)mk::gif::CommentList::kMaxComments);
  std::set<std::string> distinct (g.comments.begin (), g.comments.end ());
  fail_unless_equals_int ((int)distinct.size (), (int)g.comments.size ());
  /* the first ones, in order */
  fail_unless_equals_string (g.comments[0].c_str (), "comment 0");
  fail_unless_equals_string (g.comments[1].c_str (), "on every frame");
  fail_unless_equals_string (g.comments[2].c_str (), "comment 1");
}
GST_END_TEST;

/* A frame record is passed on without a copy: a 48 MiB record goes through under an
 * address-space limit 16 MiB above what the process uses (the copy into a std::vector threw
 * an uncaught std::bad_alloc: abort). */
GST_START_TEST (test_big_record_no_copy)
{
  GifFile orig = walk_gif (mk_read_file (mk_test_file (ANIM)));
  GstHarness *h = gst_harness_new ("gifmux");
  gst_harness_set_src_caps (h, caps_for_header (orig.header));
  GstBuffer *in = mk_long_record (orig.records[0], (gsize)48 << 20);
  const gsize in_size = gst_buffer_get_size (in);
  MkAddressSpaceLimit limit (16 << 20);
  if (!limit.active ()) {
    gst_buffer_unref (in);
    gst_harness_teardown (h);
    return;
  }
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  fail_unless_equals_int (push_record (h, orig.records[1]), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  /* header, frame 0 (with its graphic control), frame 1, trailer: counted, not joined */
  gsize bytes = 0;
  int buffers = 0;
  while (GstBuffer *b = gst_harness_try_pull (h)) {
    bytes += gst_buffer_get_size (b);
    buffers++;
    gst_buffer_unref (b);
  }
  limit.lift ();
  fail_unless_equals_int (buffers, 4);
  fail_unless (bytes > in_size && bytes < in_size + 4096,
      "%" G_GSIZE_FORMAT " bytes out for a %" G_GSIZE_FORMAT "-byte record",
      bytes, in_size);
  gst_harness_teardown (h);
}
GST_END_TEST;

static Suite *
gifmux_suite (void)
{
  Suite *s = suite_create ("gifmux");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_remux_same_canvases);
  tcase_add_test (tc, test_loop_count);
  tcase_add_test (tc, test_final_delay_and_background);
  tcase_add_test (tc, test_comments);
  tcase_add_test (tc, test_streamable);
  tcase_add_test (tc, test_other_readers);
  tcase_add_test (tc, test_new_header_refused);
  tcase_add_test (tc, test_no_codec_data_refused);
  tcase_add_test (tc, test_damaged_record_refused);
  tcase_add_test (tc, test_flush_restarts_file);
  tcase_add_test (tc, test_flush_into_filesink);
  tcase_add_test (tc, test_comments_bounded);
  tcase_add_test (tc, test_big_record_no_copy);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (gifmux);
