/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifenc: every input format and size edge decodes back (through gifdec) to the input exactly
 * when it has few colours; every dither mode and palette scope decodes; delays follow the
 * timestamps on a centisecond grid, and buffers never run past the next input (or the last
 * input's end); short frames merge; timestamps going backwards and delays too long for GIF are
 * warned about once; force-key-unit gives a key frame; propose_allocation; deterministic
 * output; caps keep the input's size, rate and aspect ratio; size changes; tags pass through. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "mktestutil.h"

typedef std::vector<guint8> Bytes;

/* 16 colours the "few colours" pictures use (and GRAY8 its 16 greys). */
static void
palette_color (int i, guint8 rgb[3])
{
  rgb[0] = (guint8)(i * 17);
  rgb[1] = (guint8)(255 - i * 13);
  rgb[2] = (guint8)((i * 53) & 0xff);
}

static int
few_index (int x, int y, int t)
{
  int idx = (x / 3 + y / 2) % 16;
  /* a 3x3 square that moves a pixel a frame */
  if (x >= t && x < t + 3 && y >= 1 && y < 4)
    idx = 15 - idx;
  return idx;
}

/* The RGBA pixel the decoder must give back for the few-colour picture in `format`. */
static void
few_rgba (GstVideoFormat format, int x, int y, int t, guint8 out[4])
{
  int idx = few_index (x, y, t);
  if (format == GST_VIDEO_FORMAT_GRAY8) {
    out[0] = out[1] = out[2] = (guint8)(idx * 16);
  } else {
    palette_color (idx, out);
  }
  out[3] = 255;
}

static void
rich_rgba (int w, int h, int x, int y, int t, guint8 out[4])
{
  out[0] = (guint8)(x * 255 / (w > 1 ? w - 1 : 1));
  out[1] = (guint8)(y * 255 / (h > 1 ? h - 1 : 1));
  out[2] = (guint8)((x * y / 4 + t * 8) & 0xff);
  out[3] = 255;
}

/* One input frame in `info`'s layout: few colours, or a gradient with many colours. */
static void
fill_frame (GstVideoFrame *frame, int t, bool rich)
{
  const GstVideoInfo *info = &frame->info;
  const GstVideoFormatInfo *fi = info->finfo;
  GstVideoFormat format = GST_VIDEO_INFO_FORMAT (info);
  int w = GST_VIDEO_INFO_WIDTH (info), h = GST_VIDEO_INFO_HEIGHT (info);
  guint8 *plane = (guint8 *)GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);

  if (format == GST_VIDEO_FORMAT_RGB8P) {
    guint32 *pal = (guint32 *)GST_VIDEO_FRAME_PLANE_DATA (frame, 1);
    for (int i = 0; i < 256; i++) {
      guint8 rgb[3];
      palette_color (i % 16, rgb);
      pal[i] = 0xff000000u | (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
    }
  }
  for (int y = 0; y < h; y++) {
    guint8 *row = plane + (gsize)y * stride;
    memset (row, 0, (gsize)stride); /* padding bytes (x formats) are 0 */
    for (int x = 0; x < w; x++) {
      if (format == GST_VIDEO_FORMAT_RGB8P) {
        row[x] = (guint8)few_index (x, y, t);
        continue;
      }
      if (format == GST_VIDEO_FORMAT_GRAY8) {
        row[x] = (guint8)(few_index (x, y, t) * 16);
        continue;
      }
      guint8 px[4];
      if (rich)
        rich_rgba (w, h, x, y, t, px);
      else
        few_rgba (format, x, y, t, px);
      guint8 *p = row + x * GST_VIDEO_FORMAT_INFO_PSTRIDE (fi, 0);
      for (int c = 0; c < 3; c++)
        p[GST_VIDEO_FORMAT_INFO_POFFSET (fi, c)] = px[c];
      if (GST_VIDEO_FORMAT_INFO_HAS_ALPHA (fi))
        p[GST_VIDEO_FORMAT_INFO_POFFSET (fi, 3)] = px[3];
    }
  }
}

static GstBuffer *
make_buffer (GstHarness *h, const GstVideoInfo *info, int t, bool rich,
    GstClockTime pts, GstClockTime duration)
{
  GstBuffer *buf = h ? gst_harness_create_buffer (h, info->size)
                     : gst_buffer_new_allocate (nullptr, info->size, nullptr);
  GstVideoFrame frame;
  fail_unless (gst_video_frame_map (&frame, info, buf, GST_MAP_WRITE));
  fill_frame (&frame, t, rich);
  gst_video_frame_unmap (&frame);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = duration;
  return buf;
}

struct EncOut
{
  Bytes codec_data;
  std::vector<Bytes> records;
  std::vector<bool> delta;
  std::vector<GstClockTime> pts;
  std::vector<GstClockTime> durations;
  int width = 0, height = 0, loop = -5, fps_n = -1, fps_d = -1;
  int par_n = -1, par_d = -1;
  bool parsed = false;
};

static void
set_props (GstElement *el, const char *props)
{
  gchar **pairs = g_strsplit (props, " ", -1);
  for (gchar **p = pairs; *p; p++) {
    if (!**p)
      continue;
    gchar **kv = g_strsplit (*p, "=", 2);
    fail_unless (kv[1] != nullptr, "bad property pair %s", *p);
    gst_util_set_object_arg (G_OBJECT (el), kv[0], kv[1]);
    g_strfreev (kv);
  }
  g_strfreev (pairs);
}

static void
collect_output (GstHarness *h, EncOut *out)
{
  GstBuffer *b;
  while ((b = gst_harness_try_pull (h))) {
    GstMapInfo map;
    fail_unless (gst_buffer_map (b, &map, GST_MAP_READ));
    out->records.emplace_back (map.data, map.data + map.size);
    gst_buffer_unmap (b, &map);
    out->delta.push_back (
        GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DELTA_UNIT));
    out->pts.push_back (GST_BUFFER_PTS (b));
    out->durations.push_back (GST_BUFFER_DURATION (b));
    gst_buffer_unref (b);
  }
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  if (!caps)
    return;
  GstStructure *s = gst_caps_get_structure (caps, 0);
  const GValue *v = gst_structure_get_value (s, "codec_data");
  fail_unless (v != nullptr, "no codec_data in %" GST_PTR_FORMAT, caps);
  GstBuffer *cd = gst_value_get_buffer (v);
  GstMapInfo map;
  gst_buffer_map (cd, &map, GST_MAP_READ);
  out->codec_data.assign (map.data, map.data + map.size);
  gst_buffer_unmap (cd, &map);
  gboolean parsed = FALSE;
  gst_structure_get_boolean (s, "parsed", &parsed);
  out->parsed = parsed;
  gst_structure_get_int (s, "width", &out->width);
  gst_structure_get_int (s, "height", &out->height);
  gst_structure_get_int (s, "loop-count", &out->loop);
  gst_structure_get_fraction (s, "framerate", &out->fps_n, &out->fps_d);
  gst_structure_get_fraction (
      s, "pixel-aspect-ratio", &out->par_n, &out->par_d);
  gst_caps_unref (caps);
}

/* Encodes `n` frames of w x h `format` at `fps` with gifenc `props`. */
static EncOut
encode (const char *format, int w, int h, int n, int fps, const char *props,
    bool rich = false, bool use_pool = false)
{
  GstHarness *hh = gst_harness_new ("gifenc");
  set_props (hh->element, props);
  gchar *caps = g_strdup_printf (
      "video/x-raw,format=%s,width=%d,height=%d,framerate=%d/1", format, w, h,
      fps);
  gst_harness_set_src_caps_str (hh, caps);
  g_free (caps);
  GstVideoInfo info;
  GstCaps *c = gst_pad_get_current_caps (hh->srcpad);
  fail_unless (gst_video_info_from_caps (&info, c));
  gst_caps_unref (c);
  for (int t = 0; t < n; t++) {
    GstClockTime pts = gst_util_uint64_scale (t, GST_SECOND, fps);
    GstClockTime end = gst_util_uint64_scale (t + 1, GST_SECOND, fps);
    fail_unless_equals_int (
        gst_harness_push (hh, make_buffer (use_pool ? hh : nullptr, &info, t,
                                  rich, pts, end - pts)),
        GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (hh, gst_event_new_eos ()));
  EncOut out;
  collect_output (hh, &out);
  gst_harness_teardown (hh);
  return out;
}

/* Decodes gifenc's output with gifdec into tightly packed RGBA canvases. */
static std::vector<Bytes>
decode (const EncOut &enc)
{
  GstHarness *h = gst_harness_new ("gifdec");
  gst_harness_set_sink_caps_str (h, "video/x-raw,format=RGBA");
  GstBuffer *cd =
      gst_buffer_new_memdup (enc.codec_data.data (), enc.codec_data.size ());
  GstCaps *caps = gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN,
      TRUE, "codec_data", GST_TYPE_BUFFER, cd, nullptr);
  gst_buffer_unref (cd);
  gst_harness_set_src_caps (h, caps);
  std::vector<Bytes> canvases;
  for (size_t i = 0; i < enc.records.size (); i++) {
    GstBuffer *in =
        gst_buffer_new_memdup (enc.records[i].data (), enc.records[i].size ());
    if (enc.delta[i])
      GST_BUFFER_FLAG_SET (in, GST_BUFFER_FLAG_DELTA_UNIT);
    GST_BUFFER_PTS (in) = i * GST_SECOND;
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstCaps *oc = gst_pad_get_current_caps (h->sinkpad);
    GstVideoInfo info;
    fail_unless (gst_video_info_from_caps (&info, oc));
    gst_caps_unref (oc);
    GstVideoFrame f;
    fail_unless (gst_video_frame_map (&f, &info, out, GST_MAP_READ));
    Bytes packed;
    for (int y = 0; y < info.height; y++) {
      const guint8 *row = (const guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
                          (gsize)y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
      packed.insert (packed.end (), row, row + info.width * 4);
    }
    gst_video_frame_unmap (&f);
    gst_buffer_unref (out);
    canvases.push_back (std::move (packed));
  }
  gst_harness_teardown (h);
  return canvases;
}

static void
check_exact (
    const char *format, int w, int h, int n, const char *props = "dither=none")
{
  EncOut enc = encode (format, w, h, n, 10, props);
  fail_unless_equals_int ((int)enc.records.size (), n);
  fail_unless_equals_int (enc.width, w);
  fail_unless_equals_int (enc.height, h);
  std::vector<Bytes> canvases = decode (enc);
  GstVideoFormat vf = gst_video_format_from_string (format);
  for (int t = 0; t < n; t++) {
    const Bytes &c = canvases[t];
    fail_unless_equals_int ((int)c.size (), w * h * 4);
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        guint8 want[4];
        few_rgba (vf, x, y, t, want);
        const guint8 *got = &c[((gsize)y * w + x) * 4];
        if (memcmp (want, got, 4) != 0)
          fail ("%s %dx%d frame %d pixel %d,%d: got %02x%02x%02x%02x want "
                "%02x%02x%02x%02x",
              format, w, h, t, x, y, got[0], got[1], got[2], got[3], want[0],
              want[1], want[2], want[3]);
      }
  }
}

GST_START_TEST (test_every_format_exact)
{
  const char *formats[] = {"RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx",
      "xRGB", "xBGR", "RGB", "BGR", "GRAY8", "RGB8P"};
  for (const char *f : formats)
    check_exact (f, 17, 9, 3);
}
GST_END_TEST;

GST_START_TEST (test_size_edges)
{
  check_exact ("RGBA", 1, 1, 2);
  check_exact ("RGB", 33, 7, 2); /* odd width: padded rows */
  check_exact ("GRAY8", 5, 3, 2);
  check_exact ("RGBx", 65535, 1, 2);
  check_exact ("BGR", 1, 300, 2);
}
GST_END_TEST;

/* Mean absolute error per channel between decoded canvases and the rich input. */
static double
rich_error (const std::vector<Bytes> &canvases, int w, int h)
{
  double sum = 0;
  gsize count = 0;
  for (size_t t = 0; t < canvases.size (); t++)
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        guint8 want[4];
        rich_rgba (w, h, x, y, (int)t, want);
        const guint8 *got = &canvases[t][((gsize)y * w + x) * 4];
        for (int c = 0; c < 3; c++)
          sum += std::abs ((int)want[c] - (int)got[c]);
        fail_unless_equals_int (got[3], 255);
        count += 3;
      }
  return sum / count;
}

GST_START_TEST (test_dither_and_palette_modes)
{
  const char *dithers[] = {
      "none", "bayer", "floyd-steinberg", "sierra2", "sierra2-4a", "atkinson"};
  const char *palettes[] = {"global", "per-frame", "auto"};
  const int w = 48, h = 32, n = 3;
  for (const char *d : dithers)
    for (const char *p : palettes) {
      gchar *props = g_strdup_printf ("dither=%s palette=%s colors=64", d, p);
      EncOut enc = encode ("RGBA", w, h, n, 10, props, true);
      fail_unless_equals_int ((int)enc.records.size (), n);
      std::vector<Bytes> canvases = decode (enc);
      fail_unless_equals_int ((int)canvases.size (), n);
      double err = rich_error (canvases, w, h);
      /* 64 colours over a 3-channel gradient: a few levels off on average, never garbage. */
      fail_unless (err < 16.0, "%s: mean error %.2f", props, err);
      g_free (props);
    }
}
GST_END_TEST;

static unsigned
record_delay (const Bytes &r)
{
  fail_unless (r.size () > 8 && r[0] == 0x21 && r[1] == 0xF9 && r[2] == 4);
  return r[4] | (r[5] << 8);
}

GST_START_TEST (test_delays_30fps)
{
  EncOut enc = encode ("RGBA", 8, 8, 30, 30, "");
  fail_unless_equals_int ((int)enc.records.size (), 30);
  unsigned sum = 0;
  for (size_t i = 0; i < enc.records.size (); i++) {
    unsigned d = record_delay (enc.records[i]);
    unsigned want = (i % 3 == 2) ? 4 : 3;
    fail_unless_equals_int (d, want);
    sum += d;
  }
  fail_unless_equals_int (sum, 100); /* 30 frames at 30 fps: 1 s */
  for (size_t i = 0; i < enc.pts.size (); i++)
    fail_unless_equals_uint64 (
        enc.pts[i], gst_util_uint64_scale (i, GST_SECOND, 30));
  /* The delays are on the centisecond grid, the buffers on the input's timeline: each ends
   * where the next input frame starts at the latest, the last where the input ends (the 4 cs
   * delay of a frame at 966.7 ms made it end at 1006.7 ms). */
  for (size_t i = 0; i < enc.pts.size (); i++) {
    GstClockTime next = gst_util_uint64_scale (i + 1, GST_SECOND, 30);
    fail_unless (GST_CLOCK_TIME_IS_VALID (enc.durations[i]));
    fail_unless (enc.pts[i] + enc.durations[i] <= next,
        "buffer %zu ends at %" GST_TIME_FORMAT ", after %" GST_TIME_FORMAT, i,
        GST_TIME_ARGS (enc.pts[i] + enc.durations[i]), GST_TIME_ARGS (next));
    /* and never shorter than the input frame by a centisecond or more */
    fail_unless (enc.pts[i] + enc.durations[i] + 10 * GST_MSECOND > next);
  }
}
GST_END_TEST;

GST_START_TEST (test_short_frames_merged)
{
  EncOut enc = encode ("RGBA", 8, 8, 20, 100, "");
  /* 1 cs frames: every other one is merged into the next; each kept one shows 2 cs. */
  fail_unless_equals_int ((int)enc.records.size (), 10);
  unsigned sum = 0;
  for (const Bytes &r : enc.records) {
    fail_unless_equals_int (record_delay (r), 2);
    sum += record_delay (r);
  }
  fail_unless_equals_int (sum, 20);
  std::vector<Bytes> canvases = decode (enc);
  fail_unless_equals_int ((int)canvases.size (), 10);
}
GST_END_TEST;

#define RGBA_8X8 "video/x-raw,format=RGBA,width=8,height=8,framerate=10/1"

/* Frames in `caps` (RGBA) at `times` into gifenc, then EOS: what came out, and the warnings it
 * posted. */
static std::vector<std::string>
encode_at (
    const char *caps, const std::vector<GstClockTime> &times, EncOut *out)
{
  GstHarness *h = gst_harness_new ("gifenc");
  GstBus *bus = gst_bus_new ();
  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, caps);
  GstVideoInfo info;
  GstCaps *c = gst_caps_from_string (caps);
  fail_unless (gst_video_info_from_caps (&info, c));
  gst_caps_unref (c);
  for (size_t t = 0; t < times.size (); t++)
    fail_unless_equals_int (
        gst_harness_push (h, make_buffer (nullptr, &info, (int)t, false,
                                 times[t], GST_CLOCK_TIME_NONE)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  collect_output (h, out);
  std::vector<std::string> warnings;
  while (GstMessage *msg = gst_bus_pop_filtered (
             bus, (GstMessageType)(GST_MESSAGE_WARNING | GST_MESSAGE_ERROR))) {
    fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_WARNING);
    GError *err = nullptr;
    gst_message_parse_warning (msg, &err, nullptr);
    warnings.push_back (err->message);
    g_error_free (err);
    gst_message_unref (msg);
  }
  gst_element_set_bus (h->element, nullptr);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  return warnings;
}

GST_START_TEST (test_backwards_timestamps)
{
  EncOut out;
  encode_at (RGBA_8X8,
      {0, 100 * GST_MSECOND, 50 * GST_MSECOND, 150 * GST_MSECOND}, &out);
  fail_unless_equals_int ((int)out.records.size (), 4);
  fail_unless_equals_int (record_delay (out.records[0]), 10);
  fail_unless_equals_int (
      record_delay (out.records[1]), 2); /* went backwards */
  fail_unless_equals_int (record_delay (out.records[2]), 10);
  fail_unless_equals_int (
      record_delay (out.records[3]), 10); /* last: the 10 fps interval */
}
GST_END_TEST;

/* Timestamps going backwards, twice: one warning on the bus, as docs/gifenc.md says (it was
 * only a debug log line). */
GST_START_TEST (test_backwards_warned_once)
{
  EncOut out;
  std::vector<std::string> w = encode_at (RGBA_8X8,
      {0, 100 * GST_MSECOND, 50 * GST_MSECOND, 150 * GST_MSECOND,
          120 * GST_MSECOND, 220 * GST_MSECOND},
      &out);
  fail_unless_equals_int ((int)out.records.size (), 6);
  fail_unless_equals_int ((int)w.size (), 1);
  fail_unless (
      strstr (w[0].c_str (), "went backwards") != nullptr, "%s", w[0].c_str ());
  /* in order: nothing to say */
  w = encode_at (RGBA_8X8, {0, 100 * GST_MSECOND, 200 * GST_MSECOND}, &out);
  fail_unless_equals_int ((int)w.size (), 0);
}
GST_END_TEST;

/* A frame longer than 65535 cs: clamped, with a warning on the bus (it was a log line). */
GST_START_TEST (test_long_frame_clamped)
{
  EncOut out;
  std::vector<std::string> w = encode_at (RGBA_8X8,
      {0, 700 * GST_SECOND, 700 * GST_SECOND + 100 * GST_MSECOND}, &out);
  fail_unless_equals_int ((int)out.records.size (), 3);
  fail_unless_equals_int (record_delay (out.records[0]), 65535);
  fail_unless_equals_int ((int)w.size (), 1);
  fail_unless (
      strstr (w[0].c_str (), "655.35 s") != nullptr, "%s", w[0].c_str ());
}
GST_END_TEST;

/* The image descriptor's rectangle of a record that starts with a GCE. */
static void
record_rect (const Bytes &r, int *x, int *y, int *w, int *h)
{
  fail_unless (r.size () > 18 && r[8] == 0x2C);
  *x = r[9] | (r[10] << 8);
  *y = r[11] | (r[12] << 8);
  *w = r[13] | (r[14] << 8);
  *h = r[15] | (r[16] << 8);
}

GST_START_TEST (test_force_key_unit)
{
  const int w = 24, h = 16;
  GstHarness *hh = gst_harness_new ("gifenc");
  gst_harness_set_src_caps_str (
      hh, "video/x-raw,format=RGBA,width=24,height=16,framerate=10/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, w, h);
  for (int t = 0; t < 6; t++) {
    if (t == 3)
      fail_unless (gst_harness_push_event (hh,
          gst_video_event_new_downstream_force_key_unit (GST_CLOCK_TIME_NONE,
              GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, TRUE, 1)));
    fail_unless_equals_int (
        gst_harness_push (hh, make_buffer (nullptr, &info, t, false,
                                  t * 100 * GST_MSECOND, 100 * GST_MSECOND)),
        GST_FLOW_OK);
  }
  fail_unless (gst_harness_push_event (hh, gst_event_new_eos ()));
  EncOut out;
  collect_output (hh, &out);
  gst_harness_teardown (hh);

  fail_unless_equals_int ((int)out.records.size (), 6);
  for (int i = 0; i < 6; i++) {
    int x, y, rw, rh;
    record_rect (out.records[i], &x, &y, &rw, &rh);
    bool key = i == 0 || i == 3;
    fail_unless_equals_int (out.delta[i], !key);
    if (key) {
      fail_unless (x == 0 && y == 0 && rw == w && rh == h,
          "key frame %d is %dx%d+%d+%d", i, rw, rh, x, y);
      fail_unless_equals_int (out.records[i][3] & 1, 0); /* no transparency */
    }
  }
  /* Decoding from the key frame alone gives the same canvas as decoding everything. */
  std::vector<Bytes> all = decode (out);
  EncOut tail = out;
  tail.records.erase (tail.records.begin (), tail.records.begin () + 3);
  tail.delta.erase (tail.delta.begin (), tail.delta.begin () + 3);
  std::vector<Bytes> from_key = decode (tail);
  fail_unless (from_key[0] == all[3]);
  fail_unless (from_key[2] == all[5]);
}
GST_END_TEST;

GST_START_TEST (test_propose_allocation)
{
  /* gst_harness_create_buffer takes buffers from the pool gifenc proposed. */
  GstHarness *h = gst_harness_new ("gifenc");
  gst_harness_set_src_caps_str (
      h, "video/x-raw,format=RGB,width=15,height=5,framerate=10/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 15, 5);
  GstBuffer *buf = make_buffer (h, &info, 0, false, 0, 100 * GST_MSECOND);
  fail_unless (buf->pool != nullptr, "not from the proposed pool");
  fail_unless_equals_string (G_OBJECT_TYPE_NAME (buf->pool), "GstMkBufferPool");
  fail_unless (gst_buffer_get_video_meta (buf) != nullptr);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  EncOut out;
  collect_output (h, &out);
  gst_harness_teardown (h);
  fail_unless_equals_int ((int)out.records.size (), 1);

  /* And a whole stream through pooled buffers decodes exactly. */
  EncOut pooled = encode ("RGB", 15, 5, 3, 10, "dither=none", false, true);
  EncOut plain = encode ("RGB", 15, 5, 3, 10, "dither=none", false, false);
  fail_unless (pooled.records == plain.records);
}
GST_END_TEST;

GST_START_TEST (test_deterministic)
{
  EncOut a = encode ("RGBA", 40, 30, 5, 25, "", true);
  EncOut b = encode ("RGBA", 40, 30, 5, 25, "", true);
  fail_unless_equals_int ((int)a.records.size (), 5);
  fail_unless (a.codec_data == b.codec_data);
  fail_unless (a.records == b.records);
}
GST_END_TEST;

/* Output caps with the input's size, frame rate and aspect ratio, as an encoder keeps them
 * (gifenc said framerate=0/1). */
static void
check_kept (
    const EncOut &enc, int w, int h, int fps_n, int fps_d, int par_n, int par_d)
{
  const int got[] = {
      enc.width, enc.height, enc.fps_n, enc.fps_d, enc.par_n, enc.par_d};
  const int want[] = {w, h, fps_n, fps_d, par_n, par_d};
  for (int i = 0; i < 6; i++)
    fail_unless (got[i] == want[i],
        "caps %dx%d %d/%d par %d/%d, input %dx%d %d/%d par %d/%d", got[0],
        got[1], got[2], got[3], got[4], got[5], w, h, fps_n, fps_d, par_n,
        par_d);
}

GST_START_TEST (test_caps)
{
  EncOut enc = encode ("BGRx", 21, 13, 2, 30, "");
  fail_unless (enc.parsed);
  check_kept (enc, 21, 13, 30, 1, 1, 1);
  fail_unless_equals_int (enc.loop, 0);
  fail_unless (enc.codec_data.size () >= 13);
  fail_unless (memcmp (enc.codec_data.data (), "GIF89a", 6) == 0);
  fail_unless_equals_int (enc.codec_data[6] | (enc.codec_data[7] << 8), 21);
  fail_unless_equals_int (enc.codec_data[8] | (enc.codec_data[9] << 8), 13);

  EncOut odd;
  encode_at ("video/x-raw,format=RGBA,width=8,height=6,framerate=15/2,"
             "pixel-aspect-ratio=4/3",
      {0, 133333333}, &odd);
  check_kept (odd, 8, 6, 15, 2, 4, 3);
}
GST_END_TEST;

GST_START_TEST (test_size_change_new_stream)
{
  GstHarness *h = gst_harness_new ("gifenc");
  gst_harness_set_src_caps_str (
      h, "video/x-raw,format=RGBA,width=8,height=8,framerate=10/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 8, 8);
  for (int t = 0; t < 2; t++)
    fail_unless_equals_int (
        gst_harness_push (h, make_buffer (nullptr, &info, t, false,
                                 t * 100 * GST_MSECOND, 100 * GST_MSECOND)),
        GST_FLOW_OK);
  gst_harness_set_src_caps_str (
      h, "video/x-raw,format=RGBA,width=12,height=6,framerate=10/1");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 12, 6);
  for (int t = 2; t < 4; t++)
    fail_unless_equals_int (
        gst_harness_push (h, make_buffer (nullptr, &info, t, false,
                                 t * 100 * GST_MSECOND, 100 * GST_MSECOND)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  EncOut out;
  collect_output (h, &out);
  gst_harness_teardown (h);
  /* Both frames of the first size came out before the new stream. */
  fail_unless_equals_int ((int)out.records.size (), 4);
  fail_unless_equals_int (out.width, 12);
  fail_unless_equals_int (out.height, 6);
  fail_unless (!out.delta[2], "the new stream starts with a key frame");
  out.records.erase (out.records.begin (), out.records.begin () + 2);
  out.delta.erase (out.delta.begin (), out.delta.begin () + 2);
  std::vector<Bytes> canvases = decode (out);
  fail_unless_equals_int ((int)canvases[0].size (), 12 * 6 * 4);
}
GST_END_TEST;

GST_START_TEST (test_comment_tags_pass)
{
  GstHarness *h = gst_harness_new ("gifenc");
  gst_harness_set_src_caps_str (
      h, "video/x-raw,format=RGBA,width=8,height=8,framerate=10/1");
  GstTagList *tags = gst_tag_list_new (GST_TAG_COMMENT, "hello gif", nullptr);
  gst_tag_list_set_scope (tags, GST_TAG_SCOPE_GLOBAL);
  fail_unless (gst_harness_push_event (h, gst_event_new_tag (tags)));
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 8, 8);
  for (int t = 0; t < 2; t++)
    fail_unless_equals_int (
        gst_harness_push (h, make_buffer (nullptr, &info, t, false,
                                 t * 100 * GST_MSECOND, 100 * GST_MSECOND)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  bool found = false;
  GstEvent *ev;
  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_TAG) {
      GstTagList *t;
      gst_event_parse_tag (ev, &t);
      gchar *c = nullptr;
      if (gst_tag_list_get_string (t, GST_TAG_COMMENT, &c)) {
        found = found || g_str_equal (c, "hello gif");
        g_free (c);
      }
    }
    gst_event_unref (ev);
  }
  gst_harness_teardown (h);
  fail_unless (found, "the comment tag did not reach downstream");
}
GST_END_TEST;

GST_START_TEST (test_pipeline)
{
  GstElement *p =
      gst_parse_launch ("videotestsrc num-buffers=30 ! "
                        "video/x-raw,width=64,height=48,framerate=15/1 ! "
                        "gifenc ! gifdec ! video/x-raw,format=RGBA ! fakesink",
          nullptr);
  fail_unless (p != nullptr);
  GstMessage *err = mk_run_pipeline (p);
  fail_unless (err == nullptr, "pipeline failed");
  gst_object_unref (p);
}
GST_END_TEST;

/* A property set on the element is explicit: `quality` no longer steers it, even when the value
 * set is the property's default; the ones not set follow quality. */
static Bytes
all_records (const EncOut &e)
{
  Bytes all = e.codec_data;
  for (const Bytes &r : e.records)
    all.insert (all.end (), r.begin (), r.end ());
  return all;
}

GST_START_TEST (test_quality_explicit_props)
{
  const char *knobs =
      "colors=256 dither=sierra2-4a palette=auto noise-threshold=0 threads=1";
  gchar *low = g_strdup_printf ("quality=30 %s", knobs);
  gchar *high = g_strdup_printf ("quality=100 %s", knobs);
  Bytes a = all_records (encode ("RGBA", 64, 48, 4, 10, low, true));
  Bytes b = all_records (encode ("RGBA", 64, 48, 4, 10, high, true));
  g_free (low);
  g_free (high);
  fail_unless (a == b, "properties set explicitly did not win over quality");
  Bytes steered = all_records (
      encode ("RGBA", 64, 48, 4, 10, "quality=30 threads=1", true));
  fail_unless (steered != b, "quality=30 alone steered nothing");
  Bytes one = all_records (encode (
      "RGBA", 64, 48, 4, 10, "quality=30 dither=sierra2-4a threads=1", true));
  fail_unless (one != steered, "dither set to its default was not explicit");
}

GST_END_TEST;

static Suite *
gifenc_suite (void)
{
  Suite *s = suite_create ("gifenc");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_every_format_exact);
  tcase_add_test (tc, test_size_edges);
  tcase_add_test (tc, test_dither_and_palette_modes);
  tcase_add_test (tc, test_delays_30fps);
  tcase_add_test (tc, test_short_frames_merged);
  tcase_add_test (tc, test_backwards_timestamps);
  tcase_add_test (tc, test_backwards_warned_once);
  tcase_add_test (tc, test_long_frame_clamped);
  tcase_add_test (tc, test_force_key_unit);
  tcase_add_test (tc, test_propose_allocation);
  tcase_add_test (tc, test_deterministic);
  tcase_add_test (tc, test_quality_explicit_props);
  tcase_add_test (tc, test_caps);
  tcase_add_test (tc, test_size_change_new_stream);
  tcase_add_test (tc, test_comment_tags_pass);
  tcase_add_test (tc, test_pipeline);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (gifenc);
