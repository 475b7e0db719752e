/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every option of every element, just outside its range, through both doors: the lib API
 * (mk::OptionTable, what the lib's create() checks with OptionTable::check) and the GObject
 * property (what gst-launch-1.0 and applications use). Both must refuse, both must name the
 * same range, and neither may change the value: the table is the one place a range is stated.
 * The element's pspec must also carry the table's range and default, so gst-inspect-1.0 shows
 * exactly what the lib enforces. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include <cinttypes>
#include <climits>
#include <string>
#include <vector>

#include "core/options.h"
#include "gif/encoder_options.h"
#include "gif/muxer.h"
#include "gif/settings.h"
#ifdef HAVE_ASCEND
#include "dvpp/venc_options.h"
#endif

namespace {

/* GObject's refusal, caught by a log filter (gst-check makes an unexpected warning fatal). */
struct Refusal
{
  int count = 0;
  std::string message;
};

gboolean
on_refusal (
    const gchar *, GLogLevelFlags, const gchar *message, gpointer user_data)
{
  Refusal *r = static_cast<Refusal *> (user_data);
  r->count++;
  r->message = message;
  return TRUE; /* handled: not fatal */
}

/* Sets `v` (an int64 or double, converted to the pspec's type) through GObject and returns what
 * GObject said; the property must keep `before`. */
Refusal
set_through_gobject (
    GObject *obj, GParamSpec *pspec, gint64 iv, double dv, bool is_double)
{
  Refusal r;
  GstCheckLogFilter *filter =
      gst_check_add_log_filter ("GLib-GObject", G_LOG_LEVEL_WARNING,
          g_regex_new ("out of range|invalid", (GRegexCompileFlags)0,
              (GRegexMatchFlags)0, NULL),
          on_refusal, &r, NULL);
  GValue value = G_VALUE_INIT;
  g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
  GType t = G_PARAM_SPEC_VALUE_TYPE (pspec);
  if (is_double)
    g_value_set_double (&value, dv);
  else if (t == G_TYPE_INT)
    g_value_set_int (&value, (gint)iv);
  else if (t == G_TYPE_UINT)
    g_value_set_uint (&value, (guint)iv);
  else if (t == G_TYPE_INT64)
    g_value_set_int64 (&value, iv);
  else if (G_TYPE_IS_ENUM (t))
    g_value_set_enum (&value, (gint)iv);
  else if (G_TYPE_IS_FLAGS (t))
    g_value_set_flags (&value, (guint)iv);
  g_object_set_property (obj, pspec->name, &value);
  g_value_unset (&value);
  gst_check_remove_log_filter (filter);
  return r;
}

std::string
get_as_string (GObject *obj, GParamSpec *pspec)
{
  GValue value = G_VALUE_INIT;
  g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_object_get_property (obj, pspec->name, &value);
  gchar *s = g_strdup_value_contents (&value);
  std::string out = s;
  g_free (s);
  g_value_unset (&value);
  return out;
}

/* The pspec states the table's range and default. */
void
check_pspec (const char *element, const mk::Option &o, GParamSpec *p)
{
  switch (o.type) {
    case mk::OptionType::kInt:
      fail_unless_equals_int64 (G_PARAM_SPEC_INT (p)->minimum, o.int_min);
      fail_unless_equals_int64 (G_PARAM_SPEC_INT (p)->maximum, o.int_max);
      fail_unless_equals_int64 (
          G_PARAM_SPEC_INT (p)->default_value, o.int_default);
      break;
    case mk::OptionType::kUint:
      fail_unless_equals_int64 (G_PARAM_SPEC_UINT (p)->minimum, o.int_min);
      fail_unless_equals_int64 (G_PARAM_SPEC_UINT (p)->maximum, o.int_max);
      fail_unless_equals_int64 (
          G_PARAM_SPEC_UINT (p)->default_value, o.int_default);
      break;
    case mk::OptionType::kInt64:
      fail_unless_equals_int64 (G_PARAM_SPEC_INT64 (p)->minimum, o.int_min);
      fail_unless_equals_int64 (G_PARAM_SPEC_INT64 (p)->maximum, o.int_max);
      fail_unless_equals_int64 (
          G_PARAM_SPEC_INT64 (p)->default_value, o.int_default);
      break;
    case mk::OptionType::kDouble:
      fail_unless (G_PARAM_SPEC_DOUBLE (p)->minimum == o.double_min, "%s.%s",
          element, o.name);
      fail_unless (G_PARAM_SPEC_DOUBLE (p)->maximum == o.double_max, "%s.%s",
          element, o.name);
      fail_unless (G_PARAM_SPEC_DOUBLE (p)->default_value == o.double_default,
          "%s.%s", element, o.name);
      break;
    case mk::OptionType::kEnum:
      fail_unless_equals_int64 (
          G_PARAM_SPEC_ENUM (p)->default_value, o.int_default);
      fail_unless_equals_int ((int)G_PARAM_SPEC_ENUM (p)->enum_class->n_values,
          (int)o.constant_count);
      break;
    case mk::OptionType::kFlags:
      fail_unless_equals_int64 (
          G_PARAM_SPEC_FLAGS (p)->default_value, o.int_default);
      break;
    default:
      break;
  }
}

/* The values just outside an option's range that both doors can express. */
struct Probe
{
  gint64 i;
  double d;
};

std::vector<Probe>
outside (const mk::Option &o, GParamSpec *p)
{
  std::vector<Probe> probes;
  gint64 lo = 0, hi = 0;
  switch (o.type) {
    case mk::OptionType::kInt:
      lo = G_MININT, hi = G_MAXINT;
      break;
    case mk::OptionType::kUint:
      lo = 0, hi = G_MAXUINT;
      break;
    case mk::OptionType::kInt64:
      lo = G_MININT64, hi = G_MAXINT64;
      break;
    case mk::OptionType::kDouble:
      probes.push_back ({0, o.double_min - 1.0});
      probes.push_back ({0, o.double_max + 1.0});
      return probes;
    case mk::OptionType::kEnum: {
      gint64 top = 0;
      for (size_t i = 0; i < o.constant_count; i++)
        top = MAX (top, o.constants[i].value);
      probes.push_back ({top + 1, 0});
      return probes;
    }
    case mk::OptionType::kFlags: {
      guint mask = G_PARAM_SPEC_FLAGS (p)->flags_class->mask;
      for (guint bit = 1; bit; bit <<= 1)
        if (!(mask & bit)) {
          probes.push_back ({(gint64)bit, 0});
          break;
        }
      return probes;
    }
    default:
      return probes;
  }
  if (o.int_min > lo)
    probes.push_back ({o.int_min - 1, 0});
  if (o.int_max < hi)
    probes.push_back ({o.int_max + 1, 0});
  return probes;
}

/* One element against its table, with a settings struct of the table's type. */
template <typename Settings>
int
check_element (const char *factory, const mk::OptionTable &table)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  fail_unless (e != NULL, "%s not found", factory);
  GObject *obj = G_OBJECT (e);
  int probed = 0;

  for (const mk::Option &o : table) {
    GParamSpec *p =
        g_object_class_find_property (G_OBJECT_GET_CLASS (obj), o.name);
    fail_unless (p != NULL, "%s has no property '%s'", factory, o.name);
    check_pspec (factory, o, p);
    if (o.flags & mk::kOptionReadOnly)
      continue;

    for (const Probe &probe : outside (o, p)) {
      const bool is_double = o.type == mk::OptionType::kDouble;
      /* The lib door. */
      Settings s;
      const std::string defaults = table.serialize (&s);
      mk::Status st = is_double ? table.setDouble (&s, o, probe.d)
                                : table.setInteger (&s, o, probe.i);
      fail_if (st.isOk (), "%s.%s: the table took %" G_GINT64_FORMAT, factory,
          o.name, probe.i);
      fail_unless (st.code () == mk::Errc::kOutOfRange, "%s.%s: %s", factory,
          o.name, st.message ().c_str ());
      fail_unless (table.serialize (&s) == defaults,
          "%s.%s: a refused set changed the settings", factory, o.name);
      /* check() on a struct holding the value says exactly what the set said. */
      if (is_double) {
        double v = probe.d;
        o.store (&s, &v);
      } else if (o.type == mk::OptionType::kInt64) {
        int64_t v = probe.i;
        o.store (&s, &v);
      } else if (o.type == mk::OptionType::kUint ||
                 o.type == mk::OptionType::kFlags) {
        unsigned v = (unsigned)probe.i;
        o.store (&s, &v);
      } else {
        int v = (int)probe.i;
        o.store (&s, &v);
      }
      const std::string checked = table.check (&s).message ();
      const std::string refused = st.message ();
      fail_unless_equals_string (checked.c_str (), refused.c_str ());

      /* The GObject door. */
      const std::string before = get_as_string (obj, p);
      Refusal r = set_through_gobject (obj, p, probe.i, probe.d, is_double);
      fail_unless_equals_int (r.count, 1);
      fail_unless (r.message.find (std::string ("'") + o.name + "'") !=
                       std::string::npos,
          "%s", r.message.c_str ());
      const std::string after = get_as_string (obj, p);
      fail_unless_equals_string (after.c_str (), before.c_str ());
      GST_INFO ("%s.%s: lib: %s / GObject: %s", factory, o.name,
          st.message ().c_str (), r.message.c_str ());
      probed++;
    }
  }
  gst_object_unref (e);
  return probed;
}

} // namespace

GST_START_TEST (test_gif_elements)
{
  int probed = 0;
  probed += check_element<mk::gif::DemuxSettings> (
      "gifdemux", mk::gif::demuxOptions ());
  probed += check_element<mk::gif::DecodeSettings> (
      "gifdec", mk::gif::decodeOptions ());
  probed += check_element<mk::gif::EncoderSettings> (
      "gifenc", mk::gif::encoderOptions ());
  probed +=
      check_element<mk::gif::MuxSettings> ("gifmux", mk::gif::muxOptions ());
  /* Not vacuous: every plugin has options with finite ranges. */
  fail_unless (probed >= 10, "only %d probes", probed);
}
GST_END_TEST;

#ifdef HAVE_ASCEND
GST_START_TEST (test_ascendvenc)
{
  int probed = check_element<mk::dvpp::EncoderSettings> (
      "ascendvenc", mk::dvpp::encoderOptions ());
  fail_unless (probed >= 10, "only %d probes", probed);
}
GST_END_TEST;
#endif

static Suite *
option_ranges_suite (void)
{
  Suite *s = suite_create ("option-ranges");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_gif_elements);
#ifdef HAVE_ASCEND
  tcase_add_test (tc, test_ascendvenc);
#endif
  return s;
}

GST_CHECK_MAIN (option_ranges);
