/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Make a GIF in memory from frames an application draws:
 *
 *   appsrc (RGBA frames) ! gifenc ! gifmux ! appsink (the GIF's bytes)
 *
 * Build: g++ -std=c++17 gif-from-app.cpp $(pkg-config --cflags --libs gstreamer-app-1.0) -o gif-from-app
 * Run:   ./gif-from-app out.gif   (the plugins must be on GST_PLUGIN_PATH, or installed)
 *
 * The program checks what it made by decoding it again (appsrc ! gifdemux ! gifdec ! appsink)
 * and exits non-zero if anything is off, so the test suite runs it as a test. */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <cstdio>
#include <cstring>
#include <vector>

static const int kWidth = 64, kHeight = 48, kFrames = 20, kFps = 10;

/* Frame i: a red square moving over a blue background. */
static GstBuffer *
draw_frame (int i)
{
  GstBuffer *buf =
      gst_buffer_new_allocate (nullptr, kWidth * kHeight * 4, nullptr);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (int y = 0; y < kHeight; y++)
    for (int x = 0; x < kWidth; x++) {
      guint8 *p = map.data + (y * kWidth + x) * 4;
      bool square = x >= i * 2 && x < i * 2 + 16 && y >= 16 && y < 32;
      p[0] = square ? 255 : 20;
      p[1] = 20;
      p[2] = square ? 20 : 200;
      p[3] = 255;
    }
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (i, GST_SECOND, kFps);
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (1, GST_SECOND, kFps);
  return buf;
}

/* Pushes every buffer into appsrc "src" of `pipeline`, then EOS, and collects what appsink
 * "sink" gives until EOS. Returns false on a pipeline error. */
static bool
run (GstElement *pipeline, const std::vector<GstBuffer *> &in,
    std::vector<GstSample *> *out)
{
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (GstBuffer *b : in)
    gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_ref (b));
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  while (GstSample *s = gst_app_sink_pull_sample (GST_APP_SINK (sink)))
    out->push_back (s);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *err = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (err) {
    GError *e = nullptr;
    gst_message_parse_error (err, &e, nullptr);
    fprintf (stderr, "error: %s\n", e->message);
    g_error_free (e);
    gst_message_unref (err);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  return err == nullptr;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);

  /* 1. Encode: RGBA frames in, the GIF's bytes out. */
  GstElement *enc = gst_parse_launch (
      "appsrc name=src format=time "
      "caps=video/x-raw,format=RGBA,width=64,height=48,"
      "framerate=10/1 ! gifenc ! gifmux ! appsink name=sink sync=false",
      nullptr);
  if (!enc) {
    fprintf (stderr,
        "cannot build the pipeline: are gifenc and gifmux installed?\n");
    return 1;
  }
  std::vector<GstBuffer *> frames;
  for (int i = 0; i < kFrames; i++)
    frames.push_back (draw_frame (i));
  std::vector<GstSample *> chunks;
  bool ok = run (enc, frames, &chunks);
  gst_object_unref (enc);

  std::vector<guint8> gif;
  for (GstSample *s : chunks) {
    GstMapInfo map;
    GstBuffer *b = gst_sample_get_buffer (s);
    gst_buffer_map (b, &map, GST_MAP_READ);
    gif.insert (gif.end (), map.data, map.data + map.size);
    gst_buffer_unmap (b, &map);
    gst_sample_unref (s);
  }
  printf ("made a GIF of %zu bytes from %d frames\n", gif.size (), kFrames);
  if (!ok || gif.size () < 14 || memcmp (gif.data (), "GIF89a", 6) != 0 ||
      gif.back () != 0x3b) {
    fprintf (stderr, "that is not a complete GIF\n");
    return 1;
  }
  if (argc > 1) {
    FILE *f = fopen (argv[1], "wb");
    if (f) {
      fwrite (gif.data (), 1, gif.size (), f);
      fclose (f);
    }
  }

  /* 2. Check: decode the bytes again and compare every frame with what was drawn. */
  GstElement *dec = gst_parse_launch (
      "appsrc name=src caps=image/gif ! gifdemux ! gifdec ! "
      "video/x-raw,format=RGBA ! appsink name=sink sync=false",
      nullptr);
  GstBuffer *whole = gst_buffer_new_memdup (gif.data (), gif.size ());
  std::vector<GstSample *> decoded;
  ok = run (dec, {whole}, &decoded);
  gst_buffer_unref (whole);
  gst_object_unref (dec);
  int bad = ok ? 0 : 1;
  if ((int)decoded.size () != kFrames) {
    fprintf (stderr, "decoded %zu frames, drew %d\n", decoded.size (), kFrames);
    bad++;
  }
  for (size_t i = 0; i < decoded.size () && i < frames.size (); i++) {
    GstMapInfo a, b;
    gst_buffer_map (frames[i], &a, GST_MAP_READ);
    gst_buffer_map (gst_sample_get_buffer (decoded[i]), &b, GST_MAP_READ);
    /* Three colours only: the GIF is lossless. */
    if (a.size != b.size || memcmp (a.data, b.data, a.size) != 0) {
      fprintf (stderr, "frame %zu differs from what was drawn\n", i);
      bad++;
    }
    gst_buffer_unmap (gst_sample_get_buffer (decoded[i]), &b);
    gst_buffer_unmap (frames[i], &a);
  }
  for (GstSample *s : decoded)
    gst_sample_unref (s);
  for (GstBuffer *b : frames)
    gst_buffer_unref (b);
  printf ("decoded it again: %s\n", bad ? "MISMATCH" : "every frame as drawn");
  return bad ? 1 : 0;
}
