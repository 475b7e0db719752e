/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Both plugins load from the build tree under their own names (never gst-plugins-rs's `gif`),
 * with our licence and source, and every element they register walks NULL → PLAYING → NULL. */
#include <gst/check/gstcheck.h>

#include "config.h"

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

static Suite *
plugins_suite (void)
{
  Suite *s = suite_create ("plugins");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_plugins_load);
  tcase_add_test (tc, test_element_states);
  return s;
}

GST_CHECK_MAIN (plugins);
