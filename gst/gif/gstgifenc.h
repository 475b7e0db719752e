/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>
#include <gst/video/gstvideoencoder.h>

G_BEGIN_DECLS

#define GST_TYPE_GIF_ENC (gst_gif_enc_get_type ())
G_DECLARE_FINAL_TYPE (GstGifEnc, gst_gif_enc, GST, GIF_ENC, GstVideoEncoder)
GST_ELEMENT_REGISTER_DECLARE (gifenc);

G_END_DECLS
