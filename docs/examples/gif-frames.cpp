/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Read the frames of an animated GIF into an application:
 *
 *   uridecodebin (picks gifdemux ! gifdec) ! videoconvert ! video/x-raw,format=RGBA ! appsink
 *
 * Build: g++ -std=c++17 gif-frames.cpp $(pkg-config --cflags --libs gstreamer-app-1.0 gstreamer-video-1.0) -o gif-frames
 * Run:   ./gif-frames a.gif [frames.rgba]   (a path or a URI; the plugins must be on
 *        GST_PLUGIN_PATH, or installed)
 *
 * Prints one line per frame: its index, timestamp and duration in nanoseconds (from the GIF's
 * delays), and its size. With a second argument, writes the frames' pixels there one after the
 * other (RGBA, rows without padding), which is how the test suite checks them. */
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <cstdio>

struct App
{
  FILE *out = nullptr; /* where the pixels go, if anywhere */
  int frames = 0;
};

/* Called on the streaming thread for every decoded frame. */
static GstFlowReturn
on_new_sample (GstAppSink *sink, gpointer user_data)
{
  App *app = static_cast<App *> (user_data);
  GstSample *sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = gst_sample_get_buffer (sample);

  /* The caps say the size and the row stride; a GstVideoFrame maps the pixels with them. */
  GstVideoInfo info;
  GstVideoFrame frame;
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ)) {
    gst_sample_unref (sample);
    return GST_FLOW_ERROR;
  }

  printf ("frame %d pts %" G_GUINT64_FORMAT " duration %" G_GUINT64_FORMAT
          " size %dx%d\n",
      app->frames, GST_BUFFER_PTS (buffer), GST_BUFFER_DURATION (buffer),
      info.width, info.height);

  if (app->out) {
    const guint8 *pixels =
        (const guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
    int stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
    for (int y = 0; y < info.height; y++)
      fwrite (pixels + y * stride, 4, info.width, app->out);
  }

  gst_video_frame_unmap (&frame);
  gst_sample_unref (sample);
  app->frames++;
  return GST_FLOW_OK;
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc < 2) {
    fprintf (stderr, "usage: %s FILE-OR-URI [FRAMES.rgba]\n", argv[0]);
    return 2;
  }

  /* uridecodebin wants a URI; accept a plain path too. */
  gchar *uri = gst_uri_is_valid (argv[1])
                   ? g_strdup (argv[1])
                   : gst_filename_to_uri (argv[1], nullptr);
  if (!uri) {
    fprintf (stderr, "cannot make a URI of %s\n", argv[1]);
    return 1;
  }

  GError *error = nullptr;
  gchar *desc = g_strdup_printf ("uridecodebin uri=\"%s\" ! videoconvert ! "
                                 "video/x-raw,format=RGBA ! "
                                 "appsink name=sink sync=false",
      uri);
  GstElement *pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  g_free (uri);
  if (!pipeline) {
    fprintf (stderr, "cannot build the pipeline: %s\n", error->message);
    g_error_free (error);
    return 1;
  }

  App app;
  if (argc > 2 && !(app.out = fopen (argv[2], "wb"))) {
    fprintf (stderr, "cannot write %s\n", argv[2]);
    gst_object_unref (pipeline);
    return 1;
  }

  /* sync=false: take the frames as fast as they decode, not at the GIF's pace. */
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstAppSinkCallbacks callbacks = {};
  callbacks.new_sample = on_new_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, &app, nullptr);
  gst_object_unref (sink);

  /* Run until the end of the file, or an error (a missing file, a damaged GIF...). */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  int status = 0;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gchar *debug = nullptr;
    gst_message_parse_error (msg, &error, &debug);
    fprintf (stderr, "error from %s: %s\n(%s)\n", GST_OBJECT_NAME (msg->src),
        error->message, debug ? debug : "no details");
    g_error_free (error);
    g_free (debug);
    status = 1;
  }
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  if (app.out)
    fclose (app.out);
  fprintf (stderr, "%d frames\n", app.frames);
  return status;
}
