/* gst-mediakit
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every error and warning ascendvenc posts (see gst/common/gstmkmessages.h). Post with
 * GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_..., values...), (debug...)). */
#pragma once

#include "common/gstmkmessages.h"

typedef enum {
  GST_ASCEND_MSG_RUNTIME_MISSING,
  GST_ASCEND_MSG_CHIP_UNSUPPORTED,
  GST_ASCEND_MSG_DEVICE_NOT_FOUND,
  GST_ASCEND_MSG_SETTINGS_UNSUPPORTED,
  GST_ASCEND_MSG_SETTINGS_INVALID,
  GST_ASCEND_MSG_BUSY,
  GST_ASCEND_MSG_NO_MEMORY,
  GST_ASCEND_MSG_TIMEOUT,
  GST_ASCEND_MSG_ENCODE_FAILED,
  GST_ASCEND_MSG_OPEN_FAILED,
  GST_ASCEND_MSG_ENCODER_WARNING,
  GST_ASCEND_MSG_LIVE_CHANGE_REFUSED,
  GST_ASCEND_MSG_NO_CODEC,
  GST_ASCEND_MSG_NOT_NEGOTIATED,
  GST_ASCEND_MSG_MAP_FAILED,

  GST_ASCEND_MSG_COUNT
} GstAscendMessageId;

/* The table, GST_ASCEND_MSG_COUNT entries; entry i has id i. */
const GstMkMessage *gst_ascend_messages (void);

template <typename... Args>
static inline GstMkPosting
gst_ascend_message (GstAscendMessageId id, const Args &...values)
{
  return gst_mk_message_prepare (&gst_ascend_messages ()[id], values...);
}
