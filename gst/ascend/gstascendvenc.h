/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>
#include <gst/video/gstvideoencoder.h>

G_BEGIN_DECLS

#define GST_TYPE_ASCEND_VENC (gst_ascend_venc_get_type ())
G_DECLARE_FINAL_TYPE (
    GstAscendVenc, gst_ascend_venc, GST, ASCEND_VENC, GstVideoEncoder)
GST_ELEMENT_REGISTER_DECLARE (ascendvenc);

/* The custom meta (gst_buffer_get_custom_meta()) on every buffer ascendvenc outputs. Its
 * structure holds the frame's statistics:
 *   size        guint   bytes of the access unit
 *   frame-type  gchararray  "idr" or "p"
 *   start-qp    gint    the QP the frame started with, as the encoder reports it; -1: none
 *   mean-qp     gint    the frame's mean QP, as the encoder reports it; -1: none */
#define GST_ASCEND_VENC_FRAME_STATS_META "GstAscendVencFrameStatsMeta"

G_END_DECLS
