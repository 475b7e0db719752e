/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Both plugins load from the build tree under their own names (never gst-plugins-rs's `gif`),
 * with our licence and source, and every element they register walks NULL → PLAYING → NULL. */
#include <gst/check/gstcheck.h>

#include "config.h"
#include "mktestutil.h"

#include <string>

static void
check_plugin (const gchar *name)
{
  GstPlugin *plugin = gst_registry_find_plugin (gst_registry_get (), name);
  fail_unless (plugin != nullptr, "plugin %s not found", name);
  fail_unless_equals_string (gst_plugin_get_source (plugin), PACKAGE);
  fail_unless_equals_string (gst_plugin_get_license (plugin), "LGPL");
  const gchar *file = gst_plugin_get_filename (plugin);
  gchar *expected = g_strdup_printf ("libgst%s.so", name);
  fail_unless (
      g_str_has_suffix (file, expected), "%s loaded from %s", name, file);
  g_free (expected);
  gst_object_unref (plugin);
}

GST_START_TEST (test_plugins_load)
{
  check_plugin ("gifkit");
  check_plugin ("ascend");
}

GST_END_TEST;

/* The generic states test of gst-plugins-good: every element of ours, alone, through every
 * state and back. Elements that need input simply sit in PLAYING. */
GST_START_TEST (test_element_states)
{
  GList *features = gst_registry_get_feature_list (
      gst_registry_get (), GST_TYPE_ELEMENT_FACTORY);
  int n = 0;
  for (GList *l = features; l; l = l->next) {
    GstPluginFeature *feature = GST_PLUGIN_FEATURE (l->data);
    const gchar *plugin = gst_plugin_feature_get_plugin_name (feature);
    if (!plugin ||
        (strcmp (plugin, "gifkit") != 0 && strcmp (plugin, "ascend") != 0))
      continue;
    GstElement *element =
        gst_element_factory_create (GST_ELEMENT_FACTORY (feature), nullptr);
    fail_unless (element != nullptr, "cannot create %s",
        gst_plugin_feature_get_name (feature));
    n++;
    static const GstState states[] = {GST_STATE_READY, GST_STATE_PAUSED,
        GST_STATE_PLAYING, GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_NULL};
    for (GstState state : states) {
      GstStateChangeReturn ret = gst_element_set_state (element, state);
      fail_if (ret == GST_STATE_CHANGE_FAILURE && state <= GST_STATE_READY,
          "%s failed to go to %s", GST_ELEMENT_NAME (element),
          gst_element_state_get_name (state));
      gst_element_get_state (element, nullptr, nullptr, 10 * GST_SECOND);
    }
    gst_object_unref (element);
  }
  gst_plugin_feature_list_free (features);
  GST_INFO ("walked %d elements", n);
}

GST_END_TEST;

/* decodebin picks gifdemux and gifdec for a GIF file, over gst-libav's avdemux_gif/avdec_gif
 * when those are installed too: our typefinder says `image/gif, parsed=false`, which only our
 * demuxer's template holds as a subset, and both our elements rank PRIMARY. */
GST_START_TEST (test_decodebin_picks_gifkit)
{
  const char *dir = g_getenv ("MK_TEST_FILES");
  fail_unless (dir != nullptr);
  gchar *path = g_build_filename (dir, "gif", "anim-6f-loop1.gif", nullptr);
  gchar *uri = gst_filename_to_uri (path, nullptr);
  gchar *desc = g_strdup_printf (
      "uridecodebin uri=%s ! fakesink name=sink sync=false", uri);
  GstElement *pipeline = gst_parse_launch (desc, nullptr);
  fail_unless (pipeline != nullptr);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (
      gst_element_get_state (pipeline, nullptr, nullptr, 60 * GST_SECOND),
      GST_STATE_CHANGE_SUCCESS);
  std::string names = mk_factories_in (pipeline);
  fail_unless (names.find ("gifdemux") != std::string::npos, "elements: %s",
      names.c_str ());
  fail_unless (names.find ("gifdec") != std::string::npos, "elements: %s",
      names.c_str ());
  fail_if (names.find ("avdemux_gif") != std::string::npos, "elements: %s",
      names.c_str ());
  gint64 duration = -1;
  fail_unless (
      gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration));
  fail_unless_equals_int64 (duration, 6 * 70 * GST_MSECOND);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

static Suite *
plugins_suite (void)
{
  Suite *s = suite_create ("plugins");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_plugins_load);
  tcase_add_test (tc, test_element_states);
  tcase_add_test (tc, test_decodebin_picks_gifkit);
  return s;
}

GST_CHECK_MAIN (plugins);
