/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plugins-cache-scanner: writes docs/gst_plugins_cache.json for our plugins.
 *
 * GStreamer documents its plugins from a cache made by gst-hotdoc-plugins-scanner and
 * gst-plugins-doc-cache-generator.py, which distributions do not ship. This program writes the
 * same format (plugin -> elements -> properties, pad templates, other-types ...) with the same
 * values and the same layout as the Python generator's json.dump (indent=4, sort_keys=True,
 * ASCII only, no final newline), so the file reads like GStreamer's own caches and hotdoc's
 * GStreamer extension could consume it.
 *
 * Two deliberate differences: guint values are printed unsigned and gint64 defaults signed
 * (GStreamer's scanner prints them through %d / G_GUINT64_FORMAT, so G_MAXUINT reads "-1").
 *
 * Usage: plugins-cache-scanner OUTPUT.json PLUGIN.so...
 */
#include <gst/gst.h>

#include <algorithm>
#include <clocale>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

/* A JSON value: a string, a boolean, an object or an array. Objects keep their members in any
 * order (sorted when written), in a list so that references to members stay valid. */
struct Json
{
  enum class Kind { kString, kBool, kObject, kArray };

  Kind kind = Kind::kObject;
  std::string str;
  bool boolean = false;
  std::list<std::pair<std::string, Json>> members;
  std::vector<Json> items;

  static Json string (const std::string &s)
  {
    Json j;
    j.kind = Kind::kString;
    j.str = s;
    return j;
  }

  static Json boolean_value (bool b)
  {
    Json j;
    j.kind = Kind::kBool;
    j.boolean = b;
    return j;
  }

  static Json array ()
  {
    Json j;
    j.kind = Kind::kArray;
    return j;
  }

  /* The member called @key, added (as an empty object) when missing. */
  Json &operator[] (const std::string &key)
  {
    for (auto &m : members)
      if (m.first == key)
        return m.second;
    members.emplace_back (key, Json ());
    return members.back ().second;
  }

  bool has (const std::string &key) const
  {
    for (const auto &m : members)
      if (m.first == key)
        return true;
    return false;
  }
};

/* Python's json.dumps (s, ensure_ascii=True): everything outside ' '..'~' as \uXXXX (UTF-16,
 * lowercase hex), with the short forms Python uses. */
void
write_string (std::string &out, const std::string &s)
{
  out += '"';
  for (size_t i = 0; i < s.size ();) {
    const unsigned char c = (unsigned char)s[i];
    guint32 cp = c;
    size_t len = 1;
    if (c >= 0x80) {
      gunichar u = g_utf8_get_char_validated (s.c_str () + i, s.size () - i);
      if (u == (gunichar)-1 || u == (gunichar)-2) {
        u = 0xfffd; /* GStreamer's strings are UTF-8; never expected */
      } else {
        len = g_utf8_next_char (s.c_str () + i) - (s.c_str () + i);
      }
      cp = u;
    }
    i += len;
    switch (cp) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    if (cp >= 0x20 && cp <= 0x7e) {
      out += (char)cp;
      continue;
    }
    char buf[16];
    if (cp > 0xffff) {
      cp -= 0x10000;
      g_snprintf (buf, sizeof buf, "\\u%04x\\u%04x", 0xd800 + (cp >> 10),
          0xdc00 + (cp & 0x3ff));
    } else {
      g_snprintf (buf, sizeof buf, "\\u%04x", cp);
    }
    out += buf;
  }
  out += '"';
}

/* Python's json.dump (v, indent=4, sort_keys=True). */
void
write_json (std::string &out, const Json &v, int level)
{
  const std::string pad ((level + 1) * 4, ' ');
  const std::string close_pad (level * 4, ' ');
  switch (v.kind) {
    case Json::Kind::kString:
      write_string (out, v.str);
      break;
    case Json::Kind::kBool:
      out += v.boolean ? "true" : "false";
      break;
    case Json::Kind::kArray:
      if (v.items.empty ()) {
        out += "[]";
        break;
      }
      out += "[\n";
      for (size_t i = 0; i < v.items.size (); i++) {
        out += pad;
        write_json (out, v.items[i], level + 1);
        out += i + 1 < v.items.size () ? ",\n" : "\n";
      }
      out += close_pad + "]";
      break;
    case Json::Kind::kObject: {
      if (v.members.empty ()) {
        out += "{}";
        break;
      }
      std::vector<const std::pair<std::string, Json> *> sorted;
      for (const auto &m : v.members)
        sorted.push_back (&m);
      std::sort (sorted.begin (), sorted.end (),
          [] (auto *a, auto *b) { return a->first < b->first; });
      out += "{\n";
      for (size_t i = 0; i < sorted.size (); i++) {
        out += pad;
        write_string (out, sorted[i]->first);
        out += ": ";
        write_json (out, sorted[i]->second, level + 1);
        out += i + 1 < sorted.size () ? ",\n" : "\n";
      }
      out += close_pad + "}";
      break;
    }
  }
}

/* GStreamer's scanner escapes text with a helper that also doubles '%' (its output once went
 * through printf) and writes NULL as "NULL"; the caches carry that, so we do too. */
std::string
doc_text (const gchar *s)
{
  if (!s)
    return "NULL";
  std::string out;
  for (const gchar *p = s; *p; p++) {
    out += *p;
    if (*p == '%')
      out += '%';
  }
  return out;
}

std::string printf_string (const gchar *format, ...) G_GNUC_PRINTF (1, 2);

std::string
printf_string (const gchar *format, ...)
{
  va_list args;
  va_start (args, format);
  gchar *s = g_strdup_vprintf (format, args);
  va_end (args);
  std::string out (s);
  g_free (s);
  return out;
}

/* Types documented once per plugin under "other-types". */
struct Scan
{
  Json *other_types;
  std::set<std::string> seen;
};

void add_object_details (
    Scan &scan, Json &json, GObject *object, GType type, GType inst_type);

Json
enum_type_json (GType type, GstPluginAPIFlags api_flags)
{
  Json j;
  j["kind"] = Json::string ("enum");
  if (api_flags & GST_PLUGIN_API_FLAG_IGNORE_ENUM_MEMBERS) {
    j["ignore-enum-members"] = Json::boolean_value (true);
    return j;
  }
  auto *klass = (GEnumClass *)g_type_class_ref (type);
  Json values = Json::array ();
  for (guint i = 0; i < klass->n_values; i++) {
    Json v;
    v["name"] = Json::string (doc_text (klass->values[i].value_nick));
    v["value"] = Json::string (printf_string ("%d", klass->values[i].value));
    v["desc"] = Json::string (doc_text (klass->values[i].value_name));
    values.items.push_back (std::move (v));
  }
  g_type_class_unref (klass);
  j["values"] = std::move (values);
  return j;
}

Json
flags_type_json (GType type)
{
  Json j;
  j["kind"] = Json::string ("flags");
  auto *klass = (GFlagsClass *)g_type_class_ref (type);
  Json values = Json::array ();
  for (guint i = 0; i < klass->n_values; i++) {
    Json v;
    v["name"] = Json::string (doc_text (klass->values[i].value_nick));
    v["value"] =
        Json::string (printf_string ("0x%08x", klass->values[i].value));
    v["desc"] = Json::string (doc_text (klass->values[i].value_name));
    values.items.push_back (std::move (v));
  }
  g_type_class_unref (klass);
  j["values"] = std::move (values);
  return j;
}

void
add_object_type (Scan &scan, GType type, GType inst_type)
{
  Json j;
  j["kind"] =
      Json::string (G_TYPE_IS_INTERFACE (type) ? "interface" : "object");
  GObject *object = (GObject *)g_object_new (inst_type, NULL);
  if (g_object_is_floating (object))
    g_object_ref_sink (object);
  add_object_details (scan, j, object, type, inst_type);
  g_object_unref (object);
  (*scan.other_types)[g_type_name (type)] = std::move (j);
}

/* Records @type under "other-types" when it is plugin API and not recorded yet. */
void
note_type (Scan &scan, GType type, GType inst_type)
{
  GstPluginAPIFlags api_flags = (GstPluginAPIFlags)0;
  const gchar *name = g_type_name (type);
  if (!name || scan.seen.count (name) ||
      !gst_type_is_plugin_api (type, &api_flags))
    return;
  scan.seen.insert (name);
  if (g_type_is_a (type, G_TYPE_ENUM))
    (*scan.other_types)[name] = enum_type_json (type, api_flags);
  else if (g_type_is_a (type, G_TYPE_FLAGS))
    (*scan.other_types)[name] = flags_type_json (type);
  else if (g_type_is_a (type, G_TYPE_OBJECT) || G_TYPE_IS_INTERFACE (type))
    add_object_type (scan, type, inst_type);
}

std::string
flags_to_string (GType type, guint flags)
{
  auto *klass = (GFlagsClass *)g_type_class_ref (type);
  std::string s;
  for (guint i = 0; i < klass->n_values && s.empty (); i++)
    if (klass->values[i].value == flags)
      s = klass->values[i].value_nick;
  if (s.empty ()) {
    /* from the highest value down, as GStreamer's scanner does */
    guint left = flags;
    for (guint i = klass->n_values; i > 0 && left; i--) {
      const GFlagsValue &v = klass->values[i - 1];
      if (v.value != 0 && (left & v.value) == v.value) {
        if (!s.empty ())
          s += '+';
        s += v.value_nick;
        left -= v.value;
      }
    }
    if (s.empty ())
      s = "(none)";
  }
  g_type_class_unref (klass);
  return s;
}

void
add_default_and_range (Json &p, GParamSpec *spec, const GValue *value)
{
  switch (G_VALUE_TYPE (value)) {
    case G_TYPE_STRING:
      p["default"] = Json::string (doc_text (g_value_get_string (value)));
      return;
    case G_TYPE_BOOLEAN:
      p["default"] =
          Json::string (g_value_get_boolean (value) ? "true" : "false");
      return;
    case G_TYPE_ULONG: {
      auto *ps = G_PARAM_SPEC_ULONG (spec);
      p["default"] =
          Json::string (printf_string ("%lu", g_value_get_ulong (value)));
      p["min"] = Json::string (printf_string ("%lu", ps->minimum));
      p["max"] = Json::string (printf_string ("%lu", ps->maximum));
      return;
    }
    case G_TYPE_LONG: {
      auto *ps = G_PARAM_SPEC_LONG (spec);
      p["default"] =
          Json::string (printf_string ("%ld", g_value_get_long (value)));
      p["min"] = Json::string (printf_string ("%ld", ps->minimum));
      p["max"] = Json::string (printf_string ("%ld", ps->maximum));
      return;
    }
    case G_TYPE_UINT: {
      auto *ps = G_PARAM_SPEC_UINT (spec);
      p["default"] =
          Json::string (printf_string ("%u", g_value_get_uint (value)));
      p["min"] = Json::string (printf_string ("%u", ps->minimum));
      p["max"] = Json::string (printf_string ("%u", ps->maximum));
      return;
    }
    case G_TYPE_INT: {
      auto *ps = G_PARAM_SPEC_INT (spec);
      p["default"] =
          Json::string (printf_string ("%d", g_value_get_int (value)));
      p["min"] = Json::string (printf_string ("%d", ps->minimum));
      p["max"] = Json::string (printf_string ("%d", ps->maximum));
      return;
    }
    case G_TYPE_UINT64: {
      auto *ps = G_PARAM_SPEC_UINT64 (spec);
      p["default"] = Json::string (
          printf_string ("%" G_GUINT64_FORMAT, g_value_get_uint64 (value)));
      p["min"] =
          Json::string (printf_string ("%" G_GUINT64_FORMAT, ps->minimum));
      p["max"] =
          Json::string (printf_string ("%" G_GUINT64_FORMAT, ps->maximum));
      return;
    }
    case G_TYPE_INT64: {
      auto *ps = G_PARAM_SPEC_INT64 (spec);
      p["default"] = Json::string (
          printf_string ("%" G_GINT64_FORMAT, g_value_get_int64 (value)));
      p["min"] =
          Json::string (printf_string ("%" G_GINT64_FORMAT, ps->minimum));
      p["max"] =
          Json::string (printf_string ("%" G_GINT64_FORMAT, ps->maximum));
      return;
    }
    case G_TYPE_FLOAT: {
      auto *ps = G_PARAM_SPEC_FLOAT (spec);
      p["default"] =
          Json::string (printf_string ("%g", g_value_get_float (value)));
      p["min"] = Json::string (printf_string ("%g", ps->minimum));
      p["max"] = Json::string (printf_string ("%g", ps->maximum));
      return;
    }
    case G_TYPE_DOUBLE: {
      auto *ps = G_PARAM_SPEC_DOUBLE (spec);
      p["default"] =
          Json::string (printf_string ("%g", g_value_get_double (value)));
      p["min"] = Json::string (printf_string ("%g", ps->minimum));
      p["max"] = Json::string (printf_string ("%g", ps->maximum));
      return;
    }
    default:
      break;
  }

  if (spec->value_type == GST_TYPE_CAPS) {
    const GstCaps *caps = gst_value_get_caps (value);
    if (caps) {
      gchar *s = gst_caps_to_string (caps);
      p["default"] = Json::string (doc_text (s));
      g_free (s);
    }
  } else if (G_IS_PARAM_SPEC_BOXED (spec)) {
    if (spec->value_type == GST_TYPE_STRUCTURE) {
      const GstStructure *st = gst_value_get_structure (value);
      if (st) {
        gchar *s = gst_structure_to_string (st);
        p["default"] = Json::string (doc_text (s));
        g_free (s);
      }
    }
  } else if (GST_IS_PARAM_SPEC_FRACTION (spec)) {
    auto *ps = GST_PARAM_SPEC_FRACTION (spec);
    p["default"] = Json::string (
        printf_string ("%d/%d", gst_value_get_fraction_numerator (value),
            gst_value_get_fraction_denominator (value)));
    p["min"] = Json::string (printf_string ("%d/%d", ps->min_num, ps->min_den));
    p["max"] = Json::string (printf_string ("%d/%d", ps->max_num, ps->max_den));
  } else if (G_IS_PARAM_SPEC_ENUM (spec)) {
    auto *klass = (GEnumClass *)g_type_class_ref (spec->value_type);
    const gint v = g_value_get_enum (value);
    GEnumValue *ev = g_enum_get_value (klass, v);
    p["default"] = Json::string (printf_string (
        "%s (%d)", ev ? doc_text (ev->value_nick).c_str () : "", v));
    g_type_class_unref (klass);
  } else if (G_IS_PARAM_SPEC_FLAGS (spec)) {
    p["default"] = Json::string (
        flags_to_string (spec->value_type, g_value_get_flags (value)));
  }
}

void
add_properties (Scan &scan, Json &json, GObject *object, GType type)
{
  guint n_props = 0;
  GParamSpec **specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_props);
  for (guint i = 0; i < n_props; i++) {
    GParamSpec *spec = specs[i];
    if (spec->owner_type != type)
      continue;

    GValue value = G_VALUE_INIT;
    g_value_init (&value, spec->value_type);
    if ((spec->flags & G_PARAM_READABLE) &&
        !(spec->flags & GST_PARAM_DOC_SHOW_DEFAULT))
      g_object_get_property (object, spec->name, &value);
    else
      g_param_value_set_default (spec, &value);

    const gchar *mutable_state = "null";
    if (spec->flags & GST_PARAM_MUTABLE_PLAYING)
      mutable_state = "playing";
    else if (spec->flags & GST_PARAM_MUTABLE_PAUSED)
      mutable_state = "paused";
    else if (spec->flags & GST_PARAM_MUTABLE_READY)
      mutable_state = "ready";

    Json &p = json["properties"][spec->name];
    p["construct-only"] =
        Json::boolean_value (spec->flags & G_PARAM_CONSTRUCT_ONLY);
    p["construct"] = Json::boolean_value (spec->flags & G_PARAM_CONSTRUCT);
    p["readable"] = Json::boolean_value (spec->flags & G_PARAM_READABLE);
    p["writable"] = Json::boolean_value (spec->flags & G_PARAM_WRITABLE);
    p["blurb"] = Json::string (doc_text (g_param_spec_get_blurb (spec)));
    p["controllable"] =
        Json::boolean_value (spec->flags & GST_PARAM_CONTROLLABLE);
    p["conditionally-available"] =
        Json::boolean_value (spec->flags & GST_PARAM_CONDITIONALLY_AVAILABLE);
    p["mutable"] = Json::string (mutable_state);
    p["type"] = Json::string (g_type_name (spec->value_type));

    if (G_IS_PARAM_SPEC_ENUM (spec) || G_IS_PARAM_SPEC_FLAGS (spec) ||
        G_IS_PARAM_SPEC_OBJECT (spec))
      note_type (scan, spec->value_type, spec->value_type);

    add_default_and_range (p, spec, &value);
    g_value_unset (&value);
  }
  g_free (specs);
}

void
add_signals (Scan &scan, Json &json, GType type)
{
  guint n_signals = 0;
  guint *ids = g_signal_list_ids (type, &n_signals);
  for (guint i = 0; i < n_signals; i++) {
    GSignalQuery query;
    g_signal_query (ids[i], &query);
    Json &s = json["signals"][query.signal_name];
    Json args = Json::array ();
    for (guint j = 0; j < query.n_params; j++) {
      Json arg;
      arg["name"] = Json::string (printf_string ("arg%u", j));
      arg["type"] = Json::string (g_type_name (query.param_types[j]));
      args.items.push_back (std::move (arg));
      note_type (scan, query.param_types[j], query.param_types[j]);
    }
    s["args"] = std::move (args);
    note_type (scan, query.return_type, query.return_type);
    s["return-type"] = Json::string (g_type_name (query.return_type));
    if (query.signal_flags & G_SIGNAL_RUN_FIRST)
      s["when"] = Json::string ("first");
    else if (query.signal_flags & G_SIGNAL_RUN_LAST)
      s["when"] = Json::string ("last");
    else if (query.signal_flags & G_SIGNAL_RUN_CLEANUP)
      s["when"] = Json::string ("cleanup");
    if (query.signal_flags & G_SIGNAL_NO_RECURSE)
      s["no-recurse"] = Json::boolean_value (true);
    if (query.signal_flags & G_SIGNAL_DETAILED)
      s["detailed"] = Json::boolean_value (true);
    if (query.signal_flags & G_SIGNAL_ACTION)
      s["action"] = Json::boolean_value (true);
    if (query.signal_flags & G_SIGNAL_NO_HOOKS)
      s["no-hooks"] = Json::boolean_value (true);
  }
  g_free (ids);
}

void
add_object_details (
    Scan &scan, Json &json, GObject *object, GType type, GType inst_type)
{
  Json hierarchy = Json::array ();
  for (GType t = type;; t = g_type_parent (t)) {
    hierarchy.items.push_back (Json::string (g_type_name (t)));
    note_type (scan, t, inst_type);
    if (t == G_TYPE_OBJECT || t == G_TYPE_INTERFACE)
      break;
  }
  json["hierarchy"] = std::move (hierarchy);

  guint n_interfaces = 0;
  GType *interfaces = g_type_interfaces (type, &n_interfaces);
  if (n_interfaces) {
    Json list = Json::array ();
    for (guint i = 0; i < n_interfaces; i++) {
      list.items.push_back (Json::string (g_type_name (interfaces[i])));
      note_type (scan, interfaces[i], inst_type);
    }
    json["interfaces"] = std::move (list);
  }
  g_free (interfaces);

  add_properties (scan, json, object, type);
  add_signals (scan, json, type);
}

/* Caps as GStreamer's documentation shows them: one "name:" line per structure, then one
 * right-aligned "field: value" line per field ("(string)" dropped from format and rate). */
std::string
caps_text (const GstCaps *caps)
{
  if (gst_caps_is_any (caps))
    return "ANY";
  if (gst_caps_is_empty (caps))
    return "EMPTY";

  GRegex *cleanup = g_regex_new ("\\(string\\)|\\(rate\\)",
      (GRegexCompileFlags)0, (GRegexMatchFlags)0, NULL);
  std::string out;
  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *st = gst_caps_get_structure (caps, i);
    GstCapsFeatures *features = gst_caps_get_features (caps, i);
    if (features && (gst_caps_features_is_any (features) ||
                        !gst_caps_features_is_equal (features,
                            GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY))) {
      gchar *f = gst_caps_features_to_string (features);
      out += printf_string (
          "%s%s(%s):\n", i ? "\n" : "", gst_structure_get_name (st), f);
      g_free (f);
    } else {
      out += printf_string ("%s:\n", gst_structure_get_name (st));
    }
    for (guint k = 0; k < (guint)gst_structure_n_fields (st); k++) {
      const gchar *field = gst_structure_nth_field_name (st, k);
      gchar *v = gst_value_serialize (gst_structure_get_value (st, field));
      if (!g_strcmp0 (field, "format") || !g_strcmp0 (field, "rate")) {
        gchar *clean =
            g_regex_replace (cleanup, v, -1, 0, "", (GRegexMatchFlags)0, NULL);
        g_free (v);
        v = clean;
      }
      out += printf_string ("%15s: %s\n", field, v);
      g_free (v);
    }
  }
  g_regex_unref (cleanup);
  return out;
}

void
add_pad_templates (Json &json, GstElement *element, GstElementFactory *factory)
{
  for (const GList *l = gst_element_factory_get_static_pad_templates (factory);
       l; l = l->next) {
    auto *st = (GstStaticPadTemplate *)l->data;
    GstPadTemplate *tmpl = gst_element_class_get_pad_template (
        GST_ELEMENT_GET_CLASS (element), st->name_template);
    if (!tmpl)
      continue;
    GstCaps *caps = gst_pad_template_get_documentation_caps (tmpl);
    Json &t = json["pad-templates"][doc_text (st->name_template)];
    t["caps"] = Json::string (doc_text (caps_text (caps).c_str ()));
    gst_caps_unref (caps);
    t["direction"] = Json::string (st->direction == GST_PAD_SRC    ? "src"
                                   : st->direction == GST_PAD_SINK ? "sink"
                                                                   : "unknown");
    t["presence"] =
        Json::string (st->presence == GST_PAD_ALWAYS      ? "always"
                      : st->presence == GST_PAD_SOMETIMES ? "sometimes"
                      : st->presence == GST_PAD_REQUEST   ? "request"
                                                          : "unknown");
    GType pad_type = GST_PAD_TEMPLATE_GTYPE (tmpl);
    if (pad_type != G_TYPE_NONE && pad_type != GST_TYPE_PAD)
      t["type"] = Json::string (g_type_name (pad_type));
  }
}

/* "primary", or "primary + 1" for ranks between the named ones. */
std::string
rank_name (gint rank)
{
  static const gint ranks[] = {
      GST_RANK_NONE, GST_RANK_MARGINAL, GST_RANK_SECONDARY, GST_RANK_PRIMARY};
  static const gchar *names[] = {"none", "marginal", "secondary", "primary"};
  guint best = 0;
  for (guint i = 0; i < G_N_ELEMENTS (ranks); i++) {
    if (rank == ranks[i])
      return names[i];
    if (std::abs (rank - ranks[i]) < std::abs (rank - ranks[best]))
      best = i;
  }
  return printf_string ("%s %c %d", names[best],
      rank - ranks[best] > 0 ? '+' : '-', std::abs (ranks[best] - rank));
}

bool
add_element (Scan &scan, Json &elements, GstElementFactory *factory)
{
  GstElement *element = gst_element_factory_create (factory, NULL);
  if (!element) {
    g_printerr ("could not create element %s\n", GST_OBJECT_NAME (factory));
    return false;
  }
  gst_object_ref_sink (element);

  Json &e = elements[GST_OBJECT_NAME (factory)];
  e["rank"] = Json::string (
      rank_name (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE (factory))));
  gchar **keys = gst_element_factory_get_metadata_keys (factory);
  for (gchar **k = keys; k && *k; k++)
    e[*k] = Json::string (
        doc_text (gst_element_factory_get_metadata (factory, *k)));
  g_strfreev (keys);

  add_object_details (scan, e, G_OBJECT (element), G_OBJECT_TYPE (element),
      G_OBJECT_TYPE (element));
  add_pad_templates (e, element, factory);
  gst_object_unref (element);
  return true;
}

bool
add_plugin (Json &root, const gchar *path)
{
  GError *error = NULL;
  GstPlugin *plugin = gst_plugin_load_file (path, &error);
  if (!plugin) {
    g_printerr ("%s could not be loaded as a GStreamer plugin: %s\n", path,
        error ? error->message : "no reason given");
    g_clear_error (&error);
    return false;
  }

  /* libgstgifkit.so -> gstgifkit */
  gchar *base = g_path_get_basename (path);
  gchar *dot = strchr (base, '.');
  if (dot)
    *dot = '\0';
  const gchar *filename = g_str_has_prefix (base, "lib") ? base + 3 : base;

  Json &p = root[gst_plugin_get_name (plugin)];
  p["description"] = Json::string (gst_plugin_get_description (plugin));
  p["filename"] = Json::string (filename);
  p["source"] = Json::string (gst_plugin_get_source (plugin));
  p["package"] = Json::string (gst_plugin_get_package (plugin));
  p["license"] = Json::string (gst_plugin_get_license (plugin));
  p["url"] = Json::string (gst_plugin_get_origin (plugin));
  g_free (base);

  Json &elements = p["elements"];
  Json &tracers = p["tracers"];
  Scan scan{&p["other-types"], {}};
  bool ok = true;
  GList *features = gst_registry_get_feature_list_by_plugin (
      gst_registry_get (), gst_plugin_get_name (plugin));
  for (GList *l = features; l; l = l->next) {
    auto *feature = (GstPluginFeature *)l->data;
    if (GST_IS_ELEMENT_FACTORY (feature)) {
      auto *factory = GST_ELEMENT_FACTORY (feature);
      if (!gst_element_factory_get_skip_documentation (factory))
        ok &= add_element (scan, elements, factory);
    } else if (GST_IS_TRACER_FACTORY (feature)) {
      tracers[GST_OBJECT_NAME (feature)] = Json ();
    }
  }
  gst_plugin_feature_list_free (features);
  gst_object_unref (plugin);
  return ok;
}

} // namespace

int
main (int argc, char *argv[])
{
  if (argc < 3) {
    g_printerr ("usage: %s OUTPUT.json PLUGIN.so...\n", argv[0]);
    return 2;
  }
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C"); /* %g with a '.' whatever the locale */
  gst_init (NULL, NULL);

  Json root;
  bool ok = true;
  for (int i = 2; i < argc; i++)
    ok &= add_plugin (root, argv[i]);

  std::string out;
  write_json (out, root, 0);
  GError *error = NULL;
  if (ok && !g_file_set_contents (argv[1], out.c_str (), out.size (), &error)) {
    g_printerr ("could not write %s: %s\n", argv[1], error->message);
    g_clear_error (&error);
    ok = false;
  }
  gst_deinit ();
  return ok ? 0 : 1;
}
