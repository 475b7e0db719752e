/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifenc's insides, shared by its two files: gstgifenc.cpp (the element: caps, delays, the
 * look-ahead path that codes frames as the encoder returns them, sending) and gstgifencrate.cpp
 * (rate control: max-size and bitrate, the duration asked upstream, frames coded one by one at
 * the quality the controller chooses). */
#pragma once

#include "gstgifenc.h"

#include <gst/video/video.h>

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "gif/encoder.h"
#include "gif/encoder_options.h"
#include "gif/frame_timing.h"
#include "gif/rate_control.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gif_enc_debug);

#define NS_PER_CS (10 * GST_MSECOND)

/* C++ members of the element, created in _init and deleted in _finalize. */
struct GifEncState
{
  /* Properties, under the object lock. */
  mk::gif::EncoderSettings settings;
  /* The options set explicitly (mk::gif::encoderOptionBit): quality does not steer them. */
  uint64_t explicit_options = 0;

  /* Streaming state, under the stream lock. */
  GstVideoCodecState *input_state = nullptr;
  std::unique_ptr<mk::gif::Encoder> encoder;
  std::vector<uint8_t> out; /* reused for every frame record */
  bool caps_set = false;    /* output caps carry this encoder's codec_data */
  mk::gif::DelayAccumulator delays;

  /* The frame whose delay waits for the next frame's timestamp. */
  GstVideoCodecFrame *held = nullptr;
  GstClockTime held_start = GST_CLOCK_TIME_NONE;
  GstClockTime interval = GST_CLOCK_TIME_NONE; /* last seen start-to-start */
  bool force_key = false; /* a dropped frame asked for a key frame */
  /* The settings error was posted: upstream may offer the caps again (a harness does, with
   * every frame); it is said once per start. */
  bool settings_error_said = false;
  bool backwards_said =
      false; /* the warning for timestamps going backwards was posted */
  /* Frames closed and not finished yet, oldest first: those in the encoder's look-ahead queue,
   * and the frames merged away between them (finished in order, as dropped frames: 1.22's
   * finish_frame needs an output state even to drop a frame, so none goes before the caps). */
  struct Pending
  {
    GstVideoCodecFrame *frame;
    bool merged;      /* dropped: shows under the minimum delay */
    guint16 delay_cs; /* the delay it was coded with */
    GstClockTime end; /* when it stops showing at the latest */
  };
  std::deque<Pending> pending;
  guint64 frames_out = 0;
  guint64 frames_merged = 0;
  /* max-size or bitrate: this stream's rate control, made at its first frame. */
  std::optional<mk::gif::RateController> rate;
};

struct _GstGifEnc
{
  GstVideoEncoder parent;
  GifEncState *state;
};

/* gstgifenc.cpp */
gboolean gst_gif_enc_set_output_caps (GstGifEnc *self);
GstFlowReturn gst_gif_enc_send (GstGifEnc *self, GstVideoCodecFrame *frame,
    guint16 delay_cs, GstClockTime end);
GstFlowReturn gst_gif_enc_encode_failed (
    GstGifEnc *self, GstVideoCodecFrame *frame, const mk::Status &status);
GstFlowReturn gst_gif_enc_finish_merged (GstGifEnc *self);

/* gstgifencrate.cpp */
void gst_gif_enc_rate_start (GstGifEnc *self);
GstFlowReturn gst_gif_enc_encode_rated (GstGifEnc *self,
    GstVideoCodecFrame *frame, GstVideoFrame *vframe,
    const mk::gif::InputFrame &in, bool force, guint16 delay_cs,
    GstClockTime end);
