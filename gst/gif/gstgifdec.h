/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>
#include <gst/video/gstvideodecoder.h>

G_BEGIN_DECLS

#define GST_TYPE_GIF_DEC (gst_gif_dec_get_type ())
G_DECLARE_FINAL_TYPE (GstGifDec, gst_gif_dec, GST, GIF_DEC, GstVideoDecoder)
GST_ELEMENT_REGISTER_DECLARE (gifdec);

G_END_DECLS
