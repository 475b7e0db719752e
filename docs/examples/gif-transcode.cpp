/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Turn a video file into an animated GIF with the `gif` encoding target and GstTranscoder:
 *
 *   gif-transcode INPUT OUTPUT.gif [default|small|best]
 *
 * The target (gif.gep, installed with the plugins) has three profiles; each makes the GIF with
 * gifenc and gifmux and loads one of gifenc's presets (default: `web`, small: `web-small` at 15
 * frames per second at most, best: `faithful`). GstTranscoder decodes INPUT (a path or a URI)
 * with whatever decoders are installed and encodes it as the profile says.
 *
 * Build: g++ -std=c++17 gif-transcode.cpp -o gif-transcode \
 *            $(pkg-config --cflags --libs gstreamer-transcoder-1.0 gstreamer-pbutils-1.0)
 * Run:   ./gif-transcode in.mp4 out.gif small   (the plugins installed, or from the build tree
 *        with GST_PLUGIN_PATH, GST_PRESET_PATH and GST_ENCODING_TARGET_PATH: see the README)
 *
 * The same in one line, without the example: gst-launch-1.0 filesrc location=in.mp4 ! decodebin !
 * encodebin profile=gif/small ! filesink location=out.gif */
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/transcoder/gsttranscoder.h>

/* A path or a URI, as a URI. */
static gchar *
to_uri (const char *arg, GError **error)
{
  if (gst_uri_is_valid (arg))
    return g_strdup (arg);
  return gst_filename_to_uri (arg, error);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  if (argc < 3 || argc > 4) {
    g_printerr ("usage: %s INPUT OUTPUT.gif [default|small|best]\n", argv[0]);
    return 2;
  }
  const char *profile_name = argc == 4 ? argv[3] : "default";

  /* The target by name and category, as encodebin's profile=gif and GES's -o out.gif find it. */
  GError *error = nullptr;
  GstEncodingTarget *target = gst_encoding_target_load (
      "gif", GST_ENCODING_CATEGORY_FILE_EXTENSION, &error);
  if (!target) {
    g_printerr ("No `gif` encoding target (%s): install the plugins, or point "
                "GST_ENCODING_TARGET_PATH at gst/gif/encoding-profiles.\n",
        error ? error->message : "not found");
    g_clear_error (&error);
    return 1;
  }
  GstEncodingProfile *profile =
      gst_encoding_target_get_profile (target, profile_name);
  if (!profile) {
    g_printerr ("The gif target has no profile %s; it has:", profile_name);
    for (const GList *l = gst_encoding_target_get_profiles (target); l;
         l = l->next)
      g_printerr (" %s",
          gst_encoding_profile_get_name (GST_ENCODING_PROFILE (l->data)));
    g_printerr ("\n");
    gst_encoding_target_unref (target);
    return 2;
  }
  g_print ("profile %s: %s\n", profile_name,
      gst_encoding_profile_get_description (profile));

  gchar *in_uri = to_uri (argv[1], &error);
  gchar *out_uri = in_uri ? to_uri (argv[2], &error) : nullptr;
  int status = 1;
  if (out_uri) {
    /* A GstObject: sink its floating reference. It takes its own reference to the profile. */
    GstTranscoder *transcoder = GST_TRANSCODER (gst_object_ref_sink (
        gst_transcoder_new_full (in_uri, out_uri, profile)));
    if (gst_transcoder_run (transcoder, &error)) {
      g_print ("wrote %s\n", argv[2]);
      status = 0;
    }
    gst_object_unref (transcoder);
  }
  if (error) {
    g_printerr ("Could not make %s: %s\n", argv[2], error->message);
    g_clear_error (&error);
  }
  g_free (in_uri);
  g_free (out_uri);
  gst_encoding_profile_unref (profile);
  gst_encoding_target_unref (target);
  return status;
}
