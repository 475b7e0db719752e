/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/gstmkoptions.h"

#include <string>

GST_DEBUG_CATEGORY_STATIC (gst_mk_options_debug);
#define GST_CAT_DEFAULT gst_mk_options_debug

namespace {

void
ensure_debug_category (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_mk_options_debug, "mkoptions", 0,
        "mk::OptionTable to GObject properties");
    g_once_init_leave (&done, 1);
  }
}

/* "GstGifEnc" + "alpha-threshold" -> "GstGifEncAlphaThreshold" */
std::string
type_name_for (GObjectClass *klass, const mk::Option &option)
{
  std::string name = G_OBJECT_CLASS_NAME (klass);
  bool upper = true;
  for (const char *p = option.name; *p; p++) {
    if (*p == '-') {
      upper = true;
      continue;
    }
    name += upper ? g_ascii_toupper (*p) : *p;
    upper = false;
  }
  return name;
}

/* Registers (or finds, if this class was set up before) the enum or flags GType of an option.
 * The value arrays are never freed: GType keeps them for the life of the process. */
GType
register_constants_type (GObjectClass *klass, const mk::Option &option)
{
  const bool is_enum = option.type == mk::OptionType::kEnum;
  std::string name = type_name_for (klass, option);
  GType type = g_type_from_name (name.c_str ());
  if (type != 0) {
    if (G_TYPE_FUNDAMENTAL (type) != (is_enum ? G_TYPE_ENUM : G_TYPE_FLAGS)) {
      GST_ERROR ("type %s exists and is not an %s", name.c_str (),
          is_enum ? "enum" : "flags");
      return 0;
    }
    return type;
  }

  const size_t n = option.constant_count;
  if (is_enum) {
    GEnumValue *values = g_new0 (GEnumValue, n + 1);
    for (size_t i = 0; i < n; i++) {
      values[i].value = (gint)option.constants[i].value;
      values[i].value_name = option.constants[i].nick;
      values[i].value_nick = option.constants[i].name;
    }
    type = g_enum_register_static (g_intern_string (name.c_str ()), values);
  } else {
    GFlagsValue *values = g_new0 (GFlagsValue, n + 1);
    for (size_t i = 0; i < n; i++) {
      values[i].value = (guint)option.constants[i].value;
      values[i].value_name = option.constants[i].nick;
      values[i].value_nick = option.constants[i].name;
    }
    type = g_flags_register_static (g_intern_string (name.c_str ()), values);
  }
  gst_type_mark_as_plugin_api (type, (GstPluginAPIFlags)0);
  return type;
}

GParamFlags
param_flags_for (const mk::Option &option)
{
  guint flags = G_PARAM_STATIC_STRINGS;
  flags |= (option.flags & mk::kOptionReadOnly) ? G_PARAM_READABLE
                                                : G_PARAM_READWRITE;
  if (option.flags & mk::kOptionMutableReady)
    flags |= GST_PARAM_MUTABLE_READY;
  if (option.flags & mk::kOptionMutablePaused)
    flags |= GST_PARAM_MUTABLE_PAUSED;
  if (option.flags & mk::kOptionMutablePlaying)
    flags |= GST_PARAM_MUTABLE_PLAYING;
  return (GParamFlags)flags;
}

GParamSpec *
param_spec_for (GObjectClass *klass, const mk::Option &o)
{
  const GParamFlags flags = param_flags_for (o);
  switch (o.type) {
    case mk::OptionType::kBool:
      return g_param_spec_boolean (
          o.name, o.nick, o.help, o.int_default != 0, flags);
    case mk::OptionType::kInt:
      return g_param_spec_int (o.name, o.nick, o.help, (gint)o.int_min,
          (gint)o.int_max, (gint)o.int_default, flags);
    case mk::OptionType::kInt64:
      return g_param_spec_int64 (
          o.name, o.nick, o.help, o.int_min, o.int_max, o.int_default, flags);
    case mk::OptionType::kUint:
      return g_param_spec_uint (o.name, o.nick, o.help, (guint)o.int_min,
          (guint)o.int_max, (guint)o.int_default, flags);
    case mk::OptionType::kDouble:
      return g_param_spec_double (o.name, o.nick, o.help, o.double_min,
          o.double_max, o.double_default, flags);
    case mk::OptionType::kString:
      return g_param_spec_string (
          o.name, o.nick, o.help, o.string_default, flags);
    case mk::OptionType::kEnum: {
      GType type = register_constants_type (klass, o);
      if (!type)
        return nullptr;
      return g_param_spec_enum (
          o.name, o.nick, o.help, type, (gint)o.int_default, flags);
    }
    case mk::OptionType::kFlags: {
      GType type = register_constants_type (klass, o);
      if (!type)
        return nullptr;
      return g_param_spec_flags (
          o.name, o.nick, o.help, type, (guint)o.int_default, flags);
    }
  }
  return nullptr;
}

} // namespace

void
gst_mk_options_install_properties (
    GObjectClass *klass, const mk::OptionTable &table, guint first_prop_id)
{
  ensure_debug_category ();
  g_return_if_fail (G_IS_OBJECT_CLASS (klass));
  g_return_if_fail (first_prop_id > 0);

  mk::Status st = table.validate ();
  if (!st) {
    GST_ERROR ("%s: not installing options: %s", G_OBJECT_CLASS_NAME (klass),
        st.message ().c_str ());
    return;
  }

  for (size_t i = 0; i < table.size (); i++) {
    GParamSpec *pspec = param_spec_for (klass, table[i]);
    if (!pspec) {
      GST_ERROR ("%s: no property for option '%s'", G_OBJECT_CLASS_NAME (klass),
          table[i].name);
      continue;
    }
    g_object_class_install_property (klass, first_prop_id + (guint)i, pspec);
  }
}

const mk::Option *
gst_mk_options_lookup (
    const mk::OptionTable &table, guint first_prop_id, guint prop_id)
{
  /* ids below first_prop_id wrap around to large indices */
  const guint index = prop_id - first_prop_id;
  if (prop_id < first_prop_id || index >= table.size ())
    return nullptr;
  return &table[index];
}

gboolean
gst_mk_options_set_property (const mk::OptionTable &table, void *settings,
    guint first_prop_id, guint prop_id, const GValue *value)
{
  const mk::Option *option =
      gst_mk_options_lookup (table, first_prop_id, prop_id);
  if (!option)
    return FALSE;

  const mk::Option &o = *option;
  mk::Status st;
  switch (o.type) {
    case mk::OptionType::kBool:
      st = table.setBool (settings, o, g_value_get_boolean (value));
      break;
    case mk::OptionType::kInt:
      st = table.setInteger (settings, o, g_value_get_int (value));
      break;
    case mk::OptionType::kInt64:
      st = table.setInteger (settings, o, g_value_get_int64 (value));
      break;
    case mk::OptionType::kUint:
      st = table.setInteger (settings, o, g_value_get_uint (value));
      break;
    case mk::OptionType::kDouble:
      st = table.setDouble (settings, o, g_value_get_double (value));
      break;
    case mk::OptionType::kString: {
      const gchar *s = g_value_get_string (value);
      st = table.setString (settings, o, s ? s : "");
      break;
    }
    case mk::OptionType::kEnum:
      st = table.setInteger (settings, o, g_value_get_enum (value));
      break;
    case mk::OptionType::kFlags:
      st = table.setInteger (settings, o, g_value_get_flags (value));
      break;
  }
  if (!st) {
    ensure_debug_category ();
    GST_WARNING ("%s", st.message ().c_str ());
  }
  return TRUE;
}

gboolean
gst_mk_options_get_property (const mk::OptionTable &table, const void *settings,
    guint first_prop_id, guint prop_id, GValue *value)
{
  const mk::Option *option =
      gst_mk_options_lookup (table, first_prop_id, prop_id);
  if (!option)
    return FALSE;

  /* Option::load writes the option type's value type (see core/options.h). */
  const mk::Option &o = *option;
  switch (o.type) {
    case mk::OptionType::kBool: {
      bool v = false;
      o.load (settings, &v);
      g_value_set_boolean (value, v);
      break;
    }
    case mk::OptionType::kInt: {
      int v = 0;
      o.load (settings, &v);
      g_value_set_int (value, v);
      break;
    }
    case mk::OptionType::kInt64: {
      int64_t v = 0;
      o.load (settings, &v);
      g_value_set_int64 (value, v);
      break;
    }
    case mk::OptionType::kUint: {
      unsigned v = 0;
      o.load (settings, &v);
      g_value_set_uint (value, v);
      break;
    }
    case mk::OptionType::kDouble: {
      double v = 0;
      o.load (settings, &v);
      g_value_set_double (value, v);
      break;
    }
    case mk::OptionType::kString: {
      std::string v;
      o.load (settings, &v);
      g_value_set_string (value, v.c_str ());
      break;
    }
    case mk::OptionType::kEnum: {
      int v = 0;
      o.load (settings, &v);
      g_value_set_enum (value, v);
      break;
    }
    case mk::OptionType::kFlags: {
      unsigned v = 0;
      o.load (settings, &v);
      g_value_set_flags (value, v);
      break;
    }
  }
  return TRUE;
}
