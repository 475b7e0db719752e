/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifenc's presets (GstPreset): the four shipped in gst/gif/presets/GstGifEnc.prs, found through
 * GST_PRESET_PATH as in the build-tree workflow (meson sets it to that folder), and a user's own,
 * saved, listed, loaded into another gifenc and deleted. GStreamer keeps the user's presets under
 * XDG_DATA_HOME, which main() points at a folder of this run. What the presets make (sizes,
 * frame counts, quality) is checked with FFmpeg and gifsicle by tests/gst/gif/check_targets.py. */
#include <gst/check/gstcheck.h>

#include <glib/gstdio.h>

#include <string>
#include <vector>

static const char *const SHIPPED[] = {
    "faithful", "screen-recording", "web", "web-small"};

static std::vector<std::string>
preset_names (GstElement *enc)
{
  std::vector<std::string> names;
  gchar **list = gst_preset_get_preset_names (GST_PRESET (enc));
  for (gchar **p = list; p && *p; p++)
    names.push_back (*p);
  g_strfreev (list);
  return names;
}

static bool
has_name (const std::vector<std::string> &names, const char *name)
{
  for (const std::string &n : names)
    if (n == name)
      return true;
  return false;
}

/* gifenc's own properties (not GstObject's or GstVideoEncoder's). */
static std::vector<GParamSpec *>
gifenc_properties (GstElement *enc)
{
  guint n = 0;
  GParamSpec **specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (enc), &n);
  std::vector<GParamSpec *> own;
  for (guint i = 0; i < n; i++)
    if (specs[i]->owner_type == G_OBJECT_TYPE (enc))
      own.push_back (specs[i]);
  g_free (specs);
  return own;
}

/* A property's value as a string (for messages, and an enum's nick). */
static std::string
property_string (GstElement *enc, const char *name)
{
  GParamSpec *spec =
      g_object_class_find_property (G_OBJECT_GET_CLASS (enc), name);
  fail_unless (spec != nullptr, "gifenc has no property %s", name);
  GValue v = G_VALUE_INIT;
  g_value_init (&v, spec->value_type);
  g_object_get_property (G_OBJECT (enc), name, &v);
  gchar *str = gst_value_serialize (&v);
  std::string s (str ? str : "");
  g_free (str);
  g_value_unset (&v);
  return s;
}

/* Fails when any of gifenc's own properties differs between `a` and `b`. */
static void
check_same_settings (GstElement *a, GstElement *b, const char *what)
{
  std::vector<GParamSpec *> specs = gifenc_properties (a);
  fail_unless (specs.size () >= 5, "gifenc has %zu properties of its own",
      specs.size ());
  for (GParamSpec *spec : specs) {
    GValue va = G_VALUE_INIT, vb = G_VALUE_INIT;
    g_value_init (&va, spec->value_type);
    g_value_init (&vb, spec->value_type);
    g_object_get_property (G_OBJECT (a), spec->name, &va);
    g_object_get_property (G_OBJECT (b), spec->name, &vb);
    gchar *sa = gst_value_serialize (&va), *sb = gst_value_serialize (&vb);
    fail_unless (g_param_values_cmp (spec, &va, &vb) == 0,
        "%s: %s is %s, not %s", what, spec->name, sb, sa);
    g_free (sa);
    g_free (sb);
    g_value_unset (&va);
    g_value_unset (&vb);
  }
}

/* gst-inspect-1.0 and applications list exactly the four presets we ship (the user's folder is
 * empty), each with a comment saying what it is for. */
GST_START_TEST (test_shipped_presets)
{
  GstElement *enc = gst_element_factory_make ("gifenc", nullptr);
  fail_unless (enc != nullptr);
  fail_unless (GST_IS_PRESET (enc));
  std::vector<std::string> names = preset_names (enc);
  std::string all;
  for (const std::string &n : names)
    all += " " + n;
  fail_unless_equals_int (names.size (), G_N_ELEMENTS (SHIPPED));
  for (const char *name : SHIPPED) {
    fail_unless (has_name (names, name),
        "no preset %s among:%s (GST_PRESET_PATH=%s)", name, all.c_str (),
        g_getenv ("GST_PRESET_PATH"));
    gchar *comment = nullptr;
    fail_unless (
        gst_preset_get_meta (GST_PRESET (enc), name, "comment", &comment));
    fail_unless (
        comment && strlen (comment) > 10, "preset %s has no comment", name);
    g_free (comment);
    fail_unless (gst_preset_load_preset (GST_PRESET (enc), name));
  }
  fail_if (gst_preset_load_preset (GST_PRESET (enc), "no-such-preset"));
  gst_object_unref (enc);
}

GST_END_TEST;

/* Each preset is a whole point of the settings: loading it gives the same settings whichever
 * preset was loaded before (a preset that left out a setting another one sets would carry it
 * over). */
GST_START_TEST (test_presets_are_whole_points)
{
  for (const char *name : SHIPPED) {
    GstElement *fresh = gst_element_factory_make ("gifenc", nullptr);
    fail_unless (gst_preset_load_preset (GST_PRESET (fresh), name));
    for (const char *before : SHIPPED) {
      GstElement *enc = gst_element_factory_make ("gifenc", nullptr);
      fail_unless (gst_preset_load_preset (GST_PRESET (enc), before));
      fail_unless (gst_preset_load_preset (GST_PRESET (enc), name));
      std::string what = std::string (before) + " then " + name;
      check_same_settings (fresh, enc, what.c_str ());
      gst_object_unref (enc);
    }
    gst_object_unref (fresh);
  }
}

GST_END_TEST;

/* screen-recording, as issue 17 asks: flat colours, no dither, frame optimisation (crop and
 * transparency). */
GST_START_TEST (test_screen_recording)
{
  GstElement *enc = gst_element_factory_make ("gifenc", nullptr);
  fail_unless (gst_preset_load_preset (GST_PRESET (enc), "screen-recording"));
  std::string dither = property_string (enc, "dither");
  fail_unless_equals_string (dither.c_str (), "none");
  guint optimize = 0;
  g_object_get (enc, "optimize", &optimize, nullptr);
  GFlagsClass *flags = G_FLAGS_CLASS (
      g_type_class_peek (G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (
          G_OBJECT_GET_CLASS (enc), "optimize"))));
  for (const char *nick : {"crop", "transparency"}) {
    GFlagsValue *flag = g_flags_get_value_by_nick (flags, nick);
    fail_unless (flag != nullptr, "gifenc's optimize has no flag %s", nick);
    fail_unless ((optimize & flag->value) == flag->value,
        "screen-recording has optimize=%s",
        property_string (enc, "optimize").c_str ());
  }
  gst_object_unref (enc);
}

GST_END_TEST;

static std::string
user_presets_file ()
{
  gchar *path = g_build_filename (g_get_user_data_dir (), "gstreamer-1.0",
      "presets", "GstGifEnc.prs", nullptr);
  std::string s (path);
  g_free (path);
  return s;
}

/* A user's own preset: saved into the user's folder, listed beside ours, loaded into another
 * gifenc (which keeps its own name: a preset holds gifenc's settings only), deleted. */
GST_START_TEST (test_user_preset)
{
  GstElement *saver = gst_element_factory_make ("gifenc", "saver");
  gst_util_set_object_arg (G_OBJECT (saver), "colors", "32");
  gst_util_set_object_arg (G_OBJECT (saver), "dither", "bayer");
  gst_util_set_object_arg (G_OBJECT (saver), "dither-scale", "4");
  fail_unless (gst_preset_save_preset (GST_PRESET (saver), "mine"));
  fail_unless (gst_preset_set_meta (
      GST_PRESET (saver), "mine", "comment", "my flat UI captures"));
  fail_unless (g_file_test (user_presets_file ().c_str (), G_FILE_TEST_EXISTS),
      "the preset was not saved to %s", user_presets_file ().c_str ());

  GstElement *loader = gst_element_factory_make ("gifenc", "loader");
  std::vector<std::string> names = preset_names (loader);
  fail_unless (has_name (names, "mine"));
  for (const char *name : SHIPPED)
    fail_unless (has_name (names, name), "%s is gone after saving", name);
  fail_unless (gst_preset_load_preset (GST_PRESET (loader), "mine"));
  check_same_settings (saver, loader, "the user's preset");
  gchar *name = gst_object_get_name (GST_OBJECT (loader));
  fail_unless_equals_string (name, "loader");
  g_free (name);

  fail_unless (gst_preset_delete_preset (GST_PRESET (loader), "mine"));
  names = preset_names (loader);
  fail_if (has_name (names, "mine"));
  fail_unless_equals_int (names.size (), G_N_ELEMENTS (SHIPPED));
  gst_object_unref (saver);
  gst_object_unref (loader);
}

GST_END_TEST;

static Suite *
gifenc_presets_suite (void)
{
  Suite *s = suite_create ("gifenc-presets");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_shipped_presets);
  tcase_add_test (tc, test_presets_are_whole_points);
  tcase_add_test (tc, test_screen_recording);
  tcase_add_test (tc, test_user_preset);
  return s;
}

static void
remove_tree (const std::string &path)
{
  if (GDir *dir = g_dir_open (path.c_str (), 0, nullptr)) {
    while (const char *entry = g_dir_read_name (dir))
      remove_tree (path + G_DIR_SEPARATOR_S + entry);
    g_dir_close (dir);
    g_rmdir (path.c_str ());
  } else {
    g_remove (path.c_str ());
  }
}

int
main (int argc, char **argv)
{
  /* The user's presets live under XDG_DATA_HOME: a new folder for this run, set before GLib reads
   * (and keeps) it, so neither the developer's own presets nor an earlier run show up. */
  gchar *home = g_dir_make_tmp ("gifenc-presets-XXXXXX", nullptr);
  g_assert (home != nullptr);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gst_check_init (&argc, &argv);
  int failed =
      gst_check_run_suite (gifenc_presets_suite (), "gifenc_presets", __FILE__);
  remove_tree (home);
  g_free (home);
  return failed;
}
