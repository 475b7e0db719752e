/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gst/common/gstmkoptions through the test element mktestprops: the pspecs
 * match the table, the enum/flags GTypes carry the constants, values round-trip
 * through g_object_set/get and gst_util_set_object_arg, GObject refuses values
 * outside the table's ranges, and the element's own property coexists. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include <cstdint>
#include <limits>

static GstElement *
new_element (void)
{
  GstElement *e = gst_element_factory_make ("mktestprops", NULL);
  fail_unless (
      e != NULL, "mktestprops not found (is the mktest plugin built?)");
  return e;
}

static GParamSpec *
find_pspec (GstElement *e, const gchar *name)
{
  GParamSpec *p = g_object_class_find_property (G_OBJECT_GET_CLASS (e), name);
  fail_unless (p != NULL, "no property '%s'", name);
  return p;
}

/* Name, nick, blurb, value type and the flags every table property shares. */
static GParamSpec *
check_common (GstElement *e, const gchar *name, const gchar *nick,
    const gchar *blurb, GType value_type, gboolean writable)
{
  GParamSpec *p = find_pspec (e, name);
  fail_unless_equals_string (g_param_spec_get_name (p), name);
  fail_unless_equals_string (g_param_spec_get_nick (p), nick);
  fail_unless_equals_string (g_param_spec_get_blurb (p), blurb);
  fail_unless (G_PARAM_SPEC_VALUE_TYPE (p) == value_type, "%s: type %s", name,
      g_type_name (G_PARAM_SPEC_VALUE_TYPE (p)));
  fail_unless (p->flags & G_PARAM_READABLE);
  fail_unless_equals_int (!!(p->flags & G_PARAM_WRITABLE), writable);
  fail_unless ((p->flags & G_PARAM_STATIC_STRINGS) == G_PARAM_STATIC_STRINGS);
  return p;
}

GST_START_TEST (test_pspecs)
{
  GstElement *e = new_element ();
  GParamSpec *p;

  p = check_common (e, "active", "Active",
      "Whether the element processes buffers.", G_TYPE_BOOLEAN, TRUE);
  fail_unless (G_PARAM_SPEC_BOOLEAN (p)->default_value == TRUE);

  p = check_common (
      e, "level", "Level", "Processing level in steps.", G_TYPE_INT, TRUE);
  fail_unless_equals_int (G_PARAM_SPEC_INT (p)->minimum, -10);
  fail_unless_equals_int (G_PARAM_SPEC_INT (p)->maximum, 100);
  fail_unless_equals_int (G_PARAM_SPEC_INT (p)->default_value, 5);
  fail_unless (p->flags & GST_PARAM_MUTABLE_PLAYING);

  p = check_common (e, "offset", "Offset", "Timestamp offset in nanoseconds.",
      G_TYPE_INT64, TRUE);
  fail_unless (G_PARAM_SPEC_INT64 (p)->minimum == G_MININT64);
  fail_unless (G_PARAM_SPEC_INT64 (p)->maximum == G_MAXINT64);
  fail_unless (G_PARAM_SPEC_INT64 (p)->default_value == -1);
  fail_if (p->flags & (GST_PARAM_MUTABLE_PLAYING | GST_PARAM_MUTABLE_PAUSED |
                          GST_PARAM_MUTABLE_READY));

  p = check_common (e, "count", "Count", "Number of buffers to look back.",
      G_TYPE_UINT, TRUE);
  fail_unless_equals_int (G_PARAM_SPEC_UINT (p)->minimum, 0);
  fail_unless_equals_int (G_PARAM_SPEC_UINT (p)->maximum, 1000);
  fail_unless_equals_int (G_PARAM_SPEC_UINT (p)->default_value, 10);
  fail_unless (p->flags & GST_PARAM_MUTABLE_READY);

  p = check_common (e, "ratio", "Ratio", "Scale ratio, 1 means unchanged.",
      G_TYPE_DOUBLE, TRUE);
  fail_unless_equals_float (G_PARAM_SPEC_DOUBLE (p)->minimum, 0.0);
  fail_unless_equals_float (G_PARAM_SPEC_DOUBLE (p)->maximum, 4.0);
  fail_unless_equals_float (G_PARAM_SPEC_DOUBLE (p)->default_value, 1.5);

  p = check_common (
      e, "label", "Label", "Label text in UTF-8.", G_TYPE_STRING, TRUE);
  fail_unless_equals_string (G_PARAM_SPEC_STRING (p)->default_value, "hello");

  GType mode_type = g_type_from_name ("GstMkTestPropsMode");
  fail_unless (mode_type != 0);
  p = check_common (e, "mode", "Mode", "Processing mode.", mode_type, TRUE);
  fail_unless_equals_int (G_PARAM_SPEC_ENUM (p)->default_value, 1);
  fail_unless (p->flags & GST_PARAM_MUTABLE_PAUSED);

  GType features_type = g_type_from_name ("GstMkTestPropsFeatures");
  fail_unless (features_type != 0);
  p = check_common (
      e, "features", "Features", "Features to apply.", features_type, TRUE);
  fail_unless_equals_int (G_PARAM_SPEC_FLAGS (p)->default_value, 1);

  p = check_common (e, "version", "Version", "Version of the settings layout.",
      G_TYPE_INT, FALSE);
  fail_unless_equals_int (G_PARAM_SPEC_INT (p)->default_value, 3);

  /* the element's own property, installed beside the table's */
  p = find_pspec (e, "drop");
  fail_unless (G_PARAM_SPEC_VALUE_TYPE (p) == G_TYPE_BOOLEAN);

  /* 9 options + drop + GstObject's name and parent */
  guint n = 0;
  GParamSpec **all =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);
  g_free (all);
  fail_unless_equals_int (n, 12);

  gst_object_unref (e);
}

GST_END_TEST;

GST_START_TEST (test_constant_types)
{
  GstElement *e = new_element (); /* registers the types */

  GType mode_type = g_type_from_name ("GstMkTestPropsMode");
  fail_unless (G_TYPE_IS_ENUM (mode_type));
  fail_unless (gst_type_is_plugin_api (mode_type, NULL));
  GEnumClass *ec = (GEnumClass *)g_type_class_ref (mode_type);
  fail_unless_equals_int (ec->n_values, 3);
  const gchar *nicks[] = {"slow", "fast", "very-fast"};
  const gchar *names[] = {"Slow", "Fast", "Very Fast"};
  for (gint i = 0; i < 3; i++) {
    GEnumValue *v = g_enum_get_value (ec, i);
    fail_unless (v != NULL);
    fail_unless_equals_string (v->value_nick, nicks[i]);
    fail_unless_equals_string (v->value_name, names[i]);
  }
  fail_unless (g_enum_get_value (ec, 3) == NULL);
  g_type_class_unref (ec);

  GType features_type = g_type_from_name ("GstMkTestPropsFeatures");
  fail_unless (G_TYPE_IS_FLAGS (features_type));
  fail_unless (gst_type_is_plugin_api (features_type, NULL));
  GFlagsClass *fc = (GFlagsClass *)g_type_class_ref (features_type);
  fail_unless_equals_int (fc->n_values, 3);
  fail_unless_equals_int (fc->mask, 7);
  fail_unless_equals_int (g_flags_get_value_by_nick (fc, "crop")->value, 1);
  fail_unless_equals_int (g_flags_get_value_by_nick (fc, "scale")->value, 2);
  fail_unless_equals_int (g_flags_get_value_by_nick (fc, "rotate")->value, 4);
  fail_unless_equals_string (
      g_flags_get_first_value (fc, 4)->value_name, "Rotate");
  g_type_class_unref (fc);

  /* a second instance reuses the types, it does not register new ones */
  GstElement *e2 = new_element ();
  fail_unless (g_type_from_name ("GstMkTestPropsMode") == mode_type);
  gst_object_unref (e2);
  gst_object_unref (e);
}

GST_END_TEST;

GST_START_TEST (test_set_get_round_trip)
{
  GstElement *e = new_element ();
  gboolean active;
  gint level, mode, version;
  gint64 offset;
  guint count, features;
  gdouble ratio;
  gchar *label;

  /* defaults first: setDefaults() ran in _init */
  g_object_get (e, "active", &active, "level", &level, "offset", &offset,
      "count", &count, "ratio", &ratio, "label", &label, "mode", &mode,
      "features", &features, "version", &version, NULL);
  fail_unless (active == TRUE);
  fail_unless_equals_int (level, 5);
  fail_unless (offset == -1);
  fail_unless_equals_int (count, 10);
  fail_unless_equals_float (ratio, 1.5);
  fail_unless_equals_string (label, "hello");
  g_free (label);
  fail_unless_equals_int (mode, 1);
  fail_unless_equals_int (features, 1);
  fail_unless_equals_int (version, 3);

  g_object_set (e, "active", FALSE, "level", -10, "offset", G_MININT64, "count",
      1000u, "ratio", 4.0, "label", "wörld", "mode", 2, "features", 6u, "drop",
      TRUE, NULL);
  gboolean drop;
  g_object_get (e, "active", &active, "level", &level, "offset", &offset,
      "count", &count, "ratio", &ratio, "label", &label, "mode", &mode,
      "features", &features, "drop", &drop, NULL);
  fail_unless (active == FALSE);
  fail_unless_equals_int (level, -10);
  fail_unless (offset == G_MININT64);
  fail_unless_equals_int (count, 1000);
  fail_unless_equals_float (ratio, 4.0);
  fail_unless_equals_string (label, "wörld");
  g_free (label);
  fail_unless_equals_int (mode, 2);
  fail_unless_equals_int (features, 6);
  fail_unless (drop == TRUE);

  /* NULL string becomes "" */
  g_object_set (e, "label", NULL, "offset", G_MAXINT64, NULL);
  g_object_get (e, "label", &label, "offset", &offset, NULL);
  fail_unless_equals_string (label, "");
  g_free (label);
  fail_unless (offset == G_MAXINT64);

  gst_object_unref (e);
}

GST_END_TEST;

static gboolean
count_log (const gchar *, GLogLevelFlags, const gchar *, gpointer user_data)
{
  g_atomic_int_inc ((gint *)user_data);
  return TRUE; /* handled: do not let gst-check make it fatal */
}

GST_START_TEST (test_out_of_range_rejected)
{
  GstElement *e = new_element ();

  /* what GObject does before calling set_property: validate against the pspec */
  GValue v = G_VALUE_INIT;
  g_value_init (&v, G_TYPE_INT);
  g_value_set_int (&v, 101);
  fail_unless (g_param_value_validate (find_pspec (e, "level"), &v));
  fail_unless_equals_int (g_value_get_int (&v), 100);
  g_value_set_int (&v, 100);
  fail_if (g_param_value_validate (find_pspec (e, "level"), &v));
  g_value_unset (&v);

  g_value_init (&v, G_TYPE_UINT);
  g_value_set_uint (&v, 1001);
  fail_unless (g_param_value_validate (find_pspec (e, "count"), &v));
  fail_unless_equals_int (g_value_get_uint (&v), 1000);
  g_value_unset (&v);

  g_value_init (&v, G_TYPE_DOUBLE);
  g_value_set_double (&v, 4.5);
  fail_unless (g_param_value_validate (find_pspec (e, "ratio"), &v));
  g_value_unset (&v);

  g_value_init (&v, g_type_from_name ("GstMkTestPropsMode"));
  g_value_set_enum (&v, 7);
  fail_unless (g_param_value_validate (find_pspec (e, "mode"), &v));
  g_value_unset (&v);

  g_value_init (&v, g_type_from_name ("GstMkTestPropsFeatures"));
  g_value_set_flags (&v, 8);
  fail_unless (g_param_value_validate (find_pspec (e, "features"), &v));
  g_value_unset (&v);

  /* g_object_set warns and leaves the value alone */
  gint warnings = 0;
  gst_check_add_log_filter ("GLib-GObject", G_LOG_LEVEL_WARNING,
      g_regex_new (
          "out of range", (GRegexCompileFlags)0, (GRegexMatchFlags)0, NULL),
      count_log, &warnings, NULL);
  g_object_set (e, "level", 101, NULL);
  g_object_set (e, "level", -11, NULL);
  g_object_set (e, "ratio", -0.5, NULL);
  gst_check_clear_log_filter ();
  fail_unless_equals_int (warnings, 3);

  gint level;
  gdouble ratio;
  g_object_get (e, "level", &level, "ratio", &ratio, NULL);
  fail_unless_equals_int (level, 5);
  fail_unless_equals_float (ratio, 1.5);

  gst_object_unref (e);
}

GST_END_TEST;

GST_START_TEST (test_set_object_arg)
{
  /* the string path gst-launch-1.0 and gst_parse_launch use */
  GstElement *e = new_element ();
  gint level, mode;
  guint features;
  gdouble ratio;
  gboolean active;
  gchar *label;

  gst_util_set_object_arg (G_OBJECT (e), "mode", "very-fast");
  gst_util_set_object_arg (G_OBJECT (e), "features", "crop+rotate");
  gst_util_set_object_arg (G_OBJECT (e), "level", "42");
  gst_util_set_object_arg (G_OBJECT (e), "ratio", "2.5");
  gst_util_set_object_arg (G_OBJECT (e), "active", "false");
  gst_util_set_object_arg (G_OBJECT (e), "label", "two words");
  g_object_get (e, "mode", &mode, "features", &features, "level", &level,
      "ratio", &ratio, "active", &active, "label", &label, NULL);
  fail_unless_equals_int (mode, 2);
  fail_unless_equals_int (features, 5);
  fail_unless_equals_int (level, 42);
  fail_unless_equals_float (ratio, 2.5);
  fail_unless (active == FALSE);
  fail_unless_equals_string (label, "two words");
  g_free (label);

  gst_util_set_object_arg (G_OBJECT (e), "features", "scale");
  gst_util_set_object_arg (G_OBJECT (e), "mode", "slow");
  g_object_get (e, "mode", &mode, "features", &features, NULL);
  fail_unless_equals_int (mode, 0);
  fail_unless_equals_int (features, 2);

  /* and through a launch line */
  GstElement *pipe = gst_parse_launch (
      "fakesrc num-buffers=1 ! "
      "mktestprops name=p mode=fast features=scale+rotate level=-3 ! fakesink",
      NULL);
  fail_unless (pipe != NULL);
  GstElement *p = gst_bin_get_by_name (GST_BIN (pipe), "p");
  g_object_get (p, "mode", &mode, "features", &features, "level", &level, NULL);
  fail_unless_equals_int (mode, 1);
  fail_unless_equals_int (features, 6);
  fail_unless_equals_int (level, -3);
  gst_object_unref (p);
  gst_object_unref (pipe);

  gst_object_unref (e);
}

GST_END_TEST;

GST_START_TEST (test_harness_pass_through)
{
  GstHarness *h = gst_harness_new ("mktestprops");
  gst_harness_set_src_caps_str (h, "application/x-mktest");

  GstBuffer *in = gst_harness_create_buffer (h, 16);
  GST_BUFFER_PTS (in) = 42;
  gst_buffer_ref (in);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  fail_unless (out == in); /* passed through untouched */
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 42);
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  /* the element's own property still works while table options change */
  g_object_set (h->element, "drop", TRUE, "level", 7, NULL);
  fail_unless_equals_int (
      gst_harness_push (h, gst_harness_create_buffer (h, 16)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);
  fail_unless_equals_int (gst_harness_buffers_received (h), 1);

  g_object_set (h->element, "drop", FALSE, NULL);
  fail_unless_equals_int (
      gst_harness_push (h, gst_harness_create_buffer (h, 8)), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless_equals_int (gst_buffer_get_size (out), 8);
  gst_buffer_unref (out);

  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
options_bridge_suite (void)
{
  Suite *s = suite_create ("gst-options-bridge");
  TCase *tc = tcase_create ("bridge");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pspecs);
  tcase_add_test (tc, test_constant_types);
  tcase_add_test (tc, test_set_get_round_trip);
  tcase_add_test (tc, test_out_of_range_rejected);
  tcase_add_test (tc, test_set_object_arg);
  tcase_add_test (tc, test_harness_pass_through);
  return s;
}

GST_CHECK_MAIN (options_bridge);
