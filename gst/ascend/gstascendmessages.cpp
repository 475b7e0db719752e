/* gst-mediakit
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ascend message table. docs/troubleshooting.md is generated from it
 * (ninja -C build update-troubleshooting): change a text here, then regenerate.
 * The debug text of most of these is lib/dvpp's message as it is. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstascendmessages.h"

static const GstMkMessage ascend_messages[] = {
    {GST_ASCEND_MSG_RUNTIME_MISSING, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (LIBRARY, INIT),
        "The Ascend DVPP runtime could not be loaded: source CANN's "
        "set_env.sh, or set GST_ASCEND_MPI_LIB and GST_ASCEND_ACL_LIB to the "
        "paths of libacl_dvpp_mpi.so and libascendcl.so.",
        "the library it tried and dlopen's reason (\"cannot load the Ascend "
        "runtime library 'libacl_dvpp_mpi.so' (...)\"), or the symbols it "
        "lacks (\"the Ascend runtime is incomplete: ... lacks the required "
        "symbol(s) ...\")",
        "`libacl_dvpp_mpi.so` or `libascendcl.so` cannot be loaded, or a "
        "symbol ascendvenc needs is missing from it (a CANN without the "
        "hi_mpi VENC API).",
        "Source CANN's `set_env.sh` (`/usr/local/Ascend/ascend-toolkit/"
        "set_env.sh`), or set `GST_ASCEND_MPI_LIB` / `GST_ASCEND_ACL_LIB` to "
        "full paths; install a CANN version with the hi_mpi VENC API."},
    {GST_ASCEND_MSG_CHIP_UNSUPPORTED, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (LIBRARY, INIT),
        "This Ascend chip has no DVPP video encoder that ascendvenc supports.",
        "the chip's name and why (\"the first-generation Ascend310 has no "
        "hi_mpi video encoder ...\", \"Ascend910 has no video encoder ...\")",
        "The device is a first-generation Ascend 310 (older aclvenc API "
        "only) or a 910 (JPEG only).",
        "Use an Ascend 310B or 310P; see docs/ascendvenc.md, \"Supported "
        "chips\"."},
    {GST_ASCEND_MSG_DEVICE_NOT_FOUND, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, NOT_FOUND), "The Ascend device was not found.",
        "the runtime's message, then \"Check device-id against npu-smi "
        "info.\"",
        "`device-id` names no device, or the device cannot be opened "
        "(driver not loaded, no permission on `/dev/davinci*`).",
        "Check `npu-smi info` for the device ids, the driver, and the "
        "permissions on `/dev/davinci*`."},
    {GST_ASCEND_MSG_SETTINGS_UNSUPPORTED, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, SETTINGS),
        "The encoder does not support these settings.",
        "the call the runtime refused, e.g. \"hi_mpi_venc_create_chn failed: "
        "0x... (NOT_SUPPORT: not supported)\"",
        "The runtime answered \"not supported\" while opening or using the "
        "channel (a codec, profile or size this chip lacks).",
        "Try the other codec (downstream caps) or a smaller size; see the "
        "chip limits in docs/ascendvenc.md."},
    {GST_ASCEND_MSG_SETTINGS_INVALID, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, SETTINGS), "Invalid encoder settings: %s.",
        "the same message as `%s`",
        "A property or the input size is outside what the chip takes; `%s` "
        "names the value and the allowed range (e.g. \"width 120 is out of "
        "range (allowed: even, 128 to 4096)\"), or the runtime refused a "
        "parameter.",
        "Change the named property, or scale the input (`videoscale`, or a "
        "VPC element) into the allowed range."},
    {GST_ASCEND_MSG_BUSY, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, BUSY),
        "Every DVPP video encoder channel is in use.",
        "the channels tried, then \"Stop other encoders on this device "
        "(channels are shared by all processes), or pick another "
        "device-id.\"",
        "Opening the encoder found all VENC channels of the device taken, by "
        "any process (JPEG "
        "encoders count too). A crashed process can hold channels until the "
        "driver reclaims them.",
        "Stop other encoders on the device, or set `device-id` to another "
        "device."},
    {GST_ASCEND_MSG_NO_MEMORY, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, NO_SPACE_LEFT), "Out of DVPP memory.",
        "what could not be allocated, then \"Lower input-buffers or the "
        "resolution.\"",
        "DVPP (device) memory or host memory for the session ran out.",
        "Lower `input-buffers`, the resolution, or the number of encoders on "
        "the device."},
    {GST_ASCEND_MSG_TIMEOUT, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, ENCODE), "The video encoder stopped responding.",
        "what it waited for (\"the encoder's input queue stayed full for N "
        "ms\", \"N frames did not come back ...\"), then \"Raise send-timeout "
        "if the device is just slow.\"",
        "The encoder's input queue stayed full, or frames did not come back, "
        "for `send-timeout` ms.",
        "Usually a stalled device: check `dvpp_proc.log` / `msnpureport`. "
        "Raise `send-timeout` only if the device is just slow."},
    {GST_ASCEND_MSG_ENCODE_FAILED, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (STREAM, ENCODE), "The video encoder failed.",
        "the failing call and its error code, e.g. \"the encoder failed on "
        "frame 3 ...\", \"hi_mpi_venc_send_frame failed: 0x... (SYS_ERROR: "
        "system error)\", or an "
        "empty stream",
        "The runtime reported an error while encoding: a failed call (a "
        "frame refused as an invalid argument or with the encoder busy "
        "counts here too), an empty stream for a frame, or repeated failures "
        "on the encoder's event thread.",
        "Report it with a `GST_DEBUG=ascendvenc:6` log and `dvpp_proc.log`."},
    {GST_ASCEND_MSG_OPEN_FAILED, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, FAILED), "Could not open the video encoder.",
        "the failing call and its error code, e.g. \"hi_mpi_venc_create_chn "
        "failed: ...\", \"hi_mpi_sys_init failed: ...\"",
        "The runtime failed while setting up the device or the channel.",
        "Check the device with `npu-smi info` and `dvpp_proc.log`; run "
        "`scripts/check-on-board`; report it with a `GST_DEBUG=ascendvenc:6` "
        "log."},
    {GST_ASCEND_MSG_ENCODER_WARNING, "ascendvenc", GST_MK_POST_WARNING,
        GST_MK_CODE (STREAM, ENCODE),
        "The video encoder reported a problem; encoding goes on.",
        "the session's message",
        "A call on the encoder's event thread failed once (e.g. "
        "`hi_mpi_venc_get_stream`), or a stream came back for an unknown "
        "frame and was dropped; encoding goes on. Several failures in a row "
        "stop the encoder with \"The video encoder failed.\"",
        "Nothing, unless it repeats: then report it with a "
        "`GST_DEBUG=ascendvenc:6` log."},
    {GST_ASCEND_MSG_LIVE_CHANGE_REFUSED, "ascendvenc", GST_MK_POST_WARNING,
        GST_MK_CODE (RESOURCE, SETTINGS),
        "A setting changed while playing was refused; encoding goes on with "
        "the last good settings.",
        "why, then the settings in use, e.g. \"max-bitrate 2000 is out of "
        "range (allowed: 0, or at least bitrate (3000 kbit/s)); encoding goes "
        "on at bitrate 1000, max-bitrate 2000\", or the runtime's refusal "
        "(\"hi_mpi_venc_set_chn_attr failed: ...\")",
        "`bitrate` or `max-bitrate` was set while playing to a combination "
        "the rate control mode does not take (in vbr, avbr, qvbr and cvbr "
        "max-bitrate must be 0 or at least bitrate), or the runtime refused "
        "the new rate. Properties set in one `g_object_set` call are applied "
        "together; set separately, each change is checked on its own when "
        "the next frame is encoded.",
        "Set both in one `g_object_set` call (or between "
        "`g_object_freeze_notify` and `g_object_thaw_notify`), or in an order "
        "where each step is valid (raise max-bitrate before bitrate)."},
    {GST_ASCEND_MSG_NO_CODEC, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (CORE, NEGOTIATION), nullptr,
        "\"downstream accepts neither H.264 nor H.265 byte-stream\"",
        "Downstream takes neither `video/x-h264` nor `video/x-h265` with "
        "`stream-format=byte-stream, alignment=au`.",
        "Put `h264parse` / `h265parse` after ascendvenc to convert to the "
        "format downstream wants."},
    {GST_ASCEND_MSG_NOT_NEGOTIATED, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (CORE, NEGOTIATION), nullptr, "\"frame before caps\"",
        "A frame arrived before caps opened the encoder (or after caps it "
        "refused).",
        "Look for an earlier error from ascendvenc; otherwise upstream is at "
        "fault."},
    {GST_ASCEND_MSG_MAP_FAILED, "ascendvenc", GST_MK_POST_ERROR,
        GST_MK_CODE (RESOURCE, READ),
        "Could not read an input frame: it is smaller than its caps say, or "
        "its memory cannot be read.",
        "\"could not map the input frame\"",
        "An input frame could not be mapped for reading, to be copied into "
        "DVPP memory.",
        "Put `videoconvert` in front of ascendvenc; report it if that does "
        "not help."},
};

G_STATIC_ASSERT (G_N_ELEMENTS (ascend_messages) == GST_ASCEND_MSG_COUNT);

const GstMkMessage *
gst_ascend_messages (void)
{
  return ascend_messages;
}
