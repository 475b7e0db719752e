/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:plugin-gifkit
 * @title: gifkit
 *
 * GIF decoding and encoding: gifdemux splits a GIF file into frames, gifdec turns frames into
 * raw video, gifenc turns raw video into GIF frames and gifmux writes them out as a file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "common/gstmklog.h"
#include "gstgifdec.h"
#include "gstgifdemux.h"
#include "gstgifenc.h"
#include "gstgifmux.h"
#include "gstgiftypefind.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ok = FALSE;

  gst_mk_log_init ();
  ok |= GST_ELEMENT_REGISTER (gifdemux, plugin);
  ok |= GST_ELEMENT_REGISTER (gifdec, plugin);
  ok |= GST_ELEMENT_REGISTER (gifenc, plugin);
  ok |= GST_ELEMENT_REGISTER (gifmux, plugin);
  ok |= GST_TYPE_FIND_REGISTER (gifkit_gif, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, gifkit,
    "GIF demuxer, decoder, encoder and muxer", plugin_init, VERSION,
    GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
