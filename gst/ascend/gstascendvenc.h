/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>
#include <gst/video/gstvideoencoder.h>

G_BEGIN_DECLS

#define GST_TYPE_ASCEND_VENC (gst_ascend_venc_get_type ())
G_DECLARE_FINAL_TYPE (
    GstAscendVenc, gst_ascend_venc, GST, ASCEND_VENC, GstVideoEncoder)
GST_ELEMENT_REGISTER_DECLARE (ascendvenc);

G_END_DECLS
