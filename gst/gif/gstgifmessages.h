/* gst-mediakit
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every error and warning the gifkit elements post (see gst/common/gstmkmessages.h). Post with
 * GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_..., values...), (debug...)). */
#pragma once

#include "common/gstmkmessages.h"

typedef enum {
  GST_GIF_MSG_DEMUX_NOT_GIF,
  GST_GIF_MSG_DEMUX_TOO_LARGE,
  GST_GIF_MSG_DEMUX_BAD_HEADER,
  GST_GIF_MSG_DEMUX_DAMAGED,
  GST_GIF_MSG_DEMUX_TRUNCATED,
  GST_GIF_MSG_DEMUX_NO_IMAGES,
  GST_GIF_MSG_DEMUX_DATA_REFUSED,
  GST_GIF_MSG_DEMUX_SCAN_DATA_REFUSED,
  GST_GIF_MSG_DEMUX_READ_FAILED,
  GST_GIF_MSG_DEMUX_MAP_FAILED,

  GST_GIF_MSG_DEC_NO_CODEC_DATA,
  GST_GIF_MSG_DEC_TOO_LARGE,
  GST_GIF_MSG_DEC_BAD_HEADER,
  GST_GIF_MSG_DEC_DAMAGED_FRAME,
  GST_GIF_MSG_DEC_NOT_NEGOTIATED,
  GST_GIF_MSG_DEC_MAP_INPUT_FAILED,
  GST_GIF_MSG_DEC_MAP_OUTPUT_FAILED,
  GST_GIF_MSG_DEC_NO_MEMORY,
  GST_GIF_MSG_DEC_NO_OUTPUT_BUFFERS,
  GST_GIF_MSG_DEC_DAMAGED_FRAMES,

  GST_GIF_MSG_ENC_BAD_FORMAT,
  GST_GIF_MSG_ENC_BAD_SETTINGS,
  GST_GIF_MSG_ENC_ENCODE_FAILED,
  GST_GIF_MSG_ENC_DOWNSTREAM_REFUSED,
  GST_GIF_MSG_ENC_NOT_NEGOTIATED,
  GST_GIF_MSG_ENC_MAP_FAILED,

  GST_GIF_MSG_MUX_NO_CODEC_DATA,
  GST_GIF_MSG_MUX_BAD_CODEC_DATA,
  GST_GIF_MSG_MUX_HEADER_CHANGED,
  GST_GIF_MSG_MUX_DAMAGED_FRAME,
  GST_GIF_MSG_MUX_TRUNCATED_FRAME,
  GST_GIF_MSG_MUX_NO_FRAMES,
  GST_GIF_MSG_MUX_NOT_NEGOTIATED,
  GST_GIF_MSG_MUX_MAP_FAILED,

  GST_GIF_MSG_COUNT
} GstGifMessageId;

/* The table, GST_GIF_MSG_COUNT entries; entry i has id i. */
const GstMkMessage *gst_gif_messages (void);

template <typename... Args>
static inline GstMkPosting
gst_gif_message (GstGifMessageId id, const Args &...values)
{
  return gst_mk_message_prepare (&gst_gif_messages ()[id], values...);
}
