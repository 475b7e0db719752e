// SPDX-License-Identifier: LGPL-2.1-or-later
#include "dvpp/venc_options.h"

namespace mk {
namespace dvpp {

namespace {

using S = EncoderSettings;

constexpr OptionConst kRcModes[] = {
    {"cbr", "CBR", static_cast<int>(RcMode::kCbr), "Constant bitrate."},
    {"vbr", "VBR", static_cast<int>(RcMode::kVbr), "Variable bitrate up to max-bitrate."},
    {"avbr", "AVBR", static_cast<int>(RcMode::kAvbr),
     "Adaptive variable bitrate: lower rate on static scenes."},
    {"qvbr", "QVBR", static_cast<int>(RcMode::kQvbr),
     "Quality-defined variable bitrate, capped at max-bitrate."},
    {"cvbr", "CVBR", static_cast<int>(RcMode::kCvbr),
     "Constrained variable bitrate: variable short-term, bitrate long-term."},
    {"fixqp", "Fixed QP", static_cast<int>(RcMode::kFixQp),
     "No rate control: every frame at i-qp / p-qp."},
};

constexpr OptionConst kSceneModes[] = {
    {"still", "Still", static_cast<int>(SceneMode::kStill),
     "The camera does not move, or moves on a regular path (SCENE_0)."},
    {"motion-high-bitrate", "Motion, High Bitrate", static_cast<int>(SceneMode::kMotionHighBitrate),
     "Much motion at a high bitrate (SCENE_1)."},
    {"motion-medium-bitrate", "Motion, Medium Bitrate",
     static_cast<int>(SceneMode::kMotionMediumBitrate),
     "Regular, continuous motion at a medium bitrate, hard to encode (SCENE_2)."},
};

constexpr OptionConst kIntraRefreshModes[] = {
    {"off", "Off", static_cast<int>(IntraRefresh::kOff), "Only IDR frames refresh the picture."},
    {"rows", "Rows", static_cast<int>(IntraRefresh::kRows),
     "Rows of intra blocks sweep down the picture over intra-refresh-period frames."},
    {"columns", "Columns", static_cast<int>(IntraRefresh::kColumns),
     "Columns of intra blocks sweep across the picture over intra-refresh-period frames."},
};

// Mutable in PLAYING: applied together by EncoderSession::reconfigure().
constexpr unsigned kLive = kOptionMutablePlaying;

constexpr Option kOptions[] = {
    optInt<&S::device_id>("device-id", "Device ID", "Ascend device (NPU) index to encode on.", 0, 0,
                          1023),
    optInt<&S::channel_id>("channel-id", "Channel ID",
                           "VENC channel to open, or -1 for the first free one; a taken id "
                           "moves on to the next free one.",
                           -1, -1, 255),
    optUint<&S::bitrate>("bitrate", "Bitrate",
                         "Target bitrate in kbit/s (changeable while playing).", 2000, 2, 614400,
                         kLive),
    optUint<&S::max_bitrate>("max-bitrate", "Max Bitrate",
                             "Peak bitrate in kbit/s for vbr, avbr, qvbr and cvbr; 0: same as "
                             "bitrate (changeable while playing).",
                             0, 0, 614400, kLive),
    optEnum<&S::rc_mode>("rc-mode", "Rate Control", "Rate control mode.", RcMode::kCbr, kRcModes),
    optUint<&S::gop_size>("gop-size", "GOP Size",
                          "Frames from one IDR frame to the next, or 0 for IDR frames only on "
                          "request (force-key-unit).",
                          30, 0, 65536),
    optInt<&S::qp_min>("qp-min", "Min QP",
                       "Lowest quantiser for cbr and vbr, or -1 for the driver's default.", -1, -1,
                       51),
    optInt<&S::qp_max>("qp-max", "Max QP",
                       "Highest quantiser for cbr and vbr, or -1 for the driver's default.", -1, -1,
                       51),
    optUint<&S::i_qp>("i-qp", "I QP", "Quantiser of I frames with rc-mode=fixqp.", 30, 0, 51),
    optUint<&S::p_qp>("p-qp", "P QP", "Quantiser of P frames with rc-mode=fixqp.", 32, 0, 51),
    optUint<&S::input_buffers>("input-buffers", "Input Buffers",
                               "Frames of DVPP memory queued for the encoder; more absorbs "
                               "jitter, fewer lowers latency.",
                               8, 1, 64),
    optInt<&S::send_timeout_ms>("send-timeout", "Send Timeout",
                                "Longest wait in ms for the encoder to accept a frame or to "
                                "return the frames in flight before it is declared stuck.",
                                10000, 1, 600000),
    optEnum<&S::scene_mode>("scene-mode", "Scene Mode",
                            "How the picture moves, for the encoder's tuning.", SceneMode::kStill,
                            kSceneModes),
    optString<&S::level>("level", "Level",
                         "H.264/H.265 level written into the stream (\"4.1\", \"1b\"...), "
                         "checked against the size and frame rate; auto: the level downstream "
                         "caps ask for, or else the encoder's.",
                         "auto"),
    optEnum<&S::intra_refresh>("intra-refresh", "Intra Refresh",
                               "Refresh the picture with sweeping intra blocks instead of IDR "
                               "spikes (an optional runtime call, see the element's page).",
                               IntraRefresh::kOff, kIntraRefreshModes),
    optUint<&S::intra_refresh_period>("intra-refresh-period", "Intra Refresh Period",
                                      "Frames to refresh the whole picture with intra-refresh.", 30,
                                      1, 65536),
};

constexpr OptionTable kTable(kOptions);

}  // namespace

const OptionTable &encoderOptions() noexcept {
  return kTable;
}

}  // namespace dvpp
}  // namespace mk
