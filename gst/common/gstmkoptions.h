/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mk::OptionTable -> GObject properties. An element declares its options once, as a table in
 * lib/, and this bridge turns each option into a GParamSpec (name, nick, blurb, range, default,
 * enum/flags GTypes) and routes set_property/get_property through the table (by option, never
 * by name), so gst-inspect-1.0 and gst-launch-1.0 see ordinary properties. C++ only (takes an
 * mk::OptionTable). */
#pragma once

#include <gst/gst.h>

#include "core/options.h"

/* Call from class_init. Option i becomes property id first_prop_id + i; ids below first_prop_id
 * stay free for the element's own properties. enum and flags options get GTypes named after the
 * class and the option ("GstGifEnc" + "dither" -> "GstGifEncDither"), registered once and marked
 * as plugin API; their values carry the constant's name as nick and its nick as value_name.
 * Read-only options become G_PARAM_READABLE, the others G_PARAM_READWRITE; kOptionMutable* map
 * to GST_PARAM_MUTABLE_*. Strings are used as G_PARAM_STATIC_STRINGS: the table's strings must
 * be static (string literals in a static constexpr table are). An invalid table (see
 * mk::OptionTable::validate) is logged as an error and installs nothing. */
void gst_mk_options_install_properties (
    GObjectClass *klass, const mk::OptionTable &table, guint first_prop_id);

/* The option behind property id prop_id (installed with first_prop_id), or NULL when prop_id is
 * not one of the table's. An element reads its flags (kOptionMutablePlaying...) to know whether
 * a change may reach a running stream. */
const mk::Option *gst_mk_options_lookup (
    const mk::OptionTable &table, guint first_prop_id, guint prop_id);

/* For set_property / get_property: FALSE when prop_id is not one of the table's, so the element
 * handles its own properties (or warns about an invalid id) after these return FALSE.
 * GObject has already checked the value against the pspec; a NULL string sets "". A value the
 * table still refuses is logged as a warning and not applied.
 * Locking: neither function locks. The element holds its object lock (GST_OBJECT_LOCK) around
 * the call, and its streaming thread reads the settings struct under the same lock. */
gboolean gst_mk_options_set_property (const mk::OptionTable &table,
    void *settings, guint first_prop_id, guint prop_id, const GValue *value);
gboolean gst_mk_options_get_property (const mk::OptionTable &table,
    const void *settings, guint first_prop_id, guint prop_id, GValue *value);
