/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_GIF_MUX (gst_gif_mux_get_type ())
G_DECLARE_FINAL_TYPE (GstGifMux, gst_gif_mux, GST, GIF_MUX, GstElement)
GST_ELEMENT_REGISTER_DECLARE (gifmux);

G_END_DECLS
