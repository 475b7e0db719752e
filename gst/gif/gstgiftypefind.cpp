/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A typefinder that says what a GIF file is to gifdemux: `image/gif, parsed=(boolean)false`.
 * The core typefinder says `image/gif`, which decodebin must match as a subset of a demuxer's
 * sink template; a file is never a parsed stream, and saying so lets decodebin pick gifdemux
 * while gifdemux never accepts a parsed stream (gifenc's output). The signature alone decides,
 * so that a damaged header (cut short, a 0x0 screen) reaches gifdemux and its clear error,
 * not gst-libav's avdemux_gif, which hangs on some of them. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgiftypefind.h"

#include "gif/reader.h"

#define GIF_CAPS "image/gif, parsed=(boolean)false"

static void
gif_type_find (GstTypeFind *tf, gpointer)
{
  const guint8 *data = gst_type_find_peek (tf, 0, mk::gif::kSignatureBytes);
  if (data && mk::gif::looksLikeGif (data, mk::gif::kSignatureBytes))
    gst_type_find_suggest_simple (tf, GST_TYPE_FIND_MAXIMUM, "image/gif",
        "parsed", G_TYPE_BOOLEAN, FALSE, nullptr);
}

static gboolean
gif_type_find_register (GstPlugin *plugin)
{
  GstCaps *caps = gst_caps_from_string (GIF_CAPS);
  gboolean ok = gst_type_find_register (plugin, "gifkit/gif",
      GST_RANK_PRIMARY + 1, gif_type_find, "gif", caps, nullptr, nullptr);
  gst_caps_unref (caps); /* the factory keeps its own reference */
  return ok;
}

GST_TYPE_FIND_REGISTER_DEFINE_CUSTOM (gifkit_gif, gif_type_find_register);
