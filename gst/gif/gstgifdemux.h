/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_GIF_DEMUX (gst_gif_demux_get_type ())
G_DECLARE_FINAL_TYPE (GstGifDemux, gst_gif_demux, GST, GIF_DEMUX, GstElement)
GST_ELEMENT_REGISTER_DECLARE (gifdemux);

G_END_DECLS
