/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifenc's rate control (max-size, bitrate): mk::gif::RateController chooses each frame's
 * quality from what the frames before it cost; here the element asks upstream for the duration
 * and codes the frames one by one (no look-ahead: the settings refuse both). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgifencprivate.h"
#include "gstgifmessages.h"

#define GST_CAT_DEFAULT gst_gif_enc_debug

/* The stream's duration in time, or -1: asked upstream in time, else in bytes and converted by
 * upstream (a parser such as rawvideoparse knows its frame size long before it estimates a
 * duration in time). */
static gint64
gst_gif_enc_query_duration (GstGifEnc *self)
{
  GstPad *sink = GST_VIDEO_ENCODER_SINK_PAD (self);
  gint64 duration = -1, bytes = -1;
  if (gst_pad_peer_query_duration (sink, GST_FORMAT_TIME, &duration) &&
      duration >= 0)
    return duration;
  if (gst_pad_peer_query_duration (sink, GST_FORMAT_BYTES, &bytes) &&
      bytes > 0 &&
      gst_pad_peer_query_convert (
          sink, GST_FORMAT_BYTES, bytes, GST_FORMAT_TIME, &duration) &&
      duration >= 0)
    return duration;
  return -1;
}

/* Rate control for a stream with max-size or bitrate, made at its first frame: max-size shares
 * the budget out over the display time still to come, the duration upstream reports less what
 * the segment skipped before the first frame. Without a duration max-size is a ceiling alone. */
void
gst_gif_enc_rate_start (GstGifEnc *self)
{
  GifEncState *st = self->state;
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  const mk::gif::EncoderSettings &s = st->encoder->config ().settings;
  mk::gif::RateTarget target;
  gint64 duration;

  if (s.max_size <= 0 && s.bitrate <= 0)
    return;
  target.max_bytes = s.max_size;
  target.bitrate_kbps = s.bitrate;
  target.max_quality = s.quality;
  if (s.max_size > 0) {
    duration = gst_gif_enc_query_duration (self);
    if (duration >= 0) {
      GstClockTime origin = enc->input_segment.start;
      gint64 skipped = 0;
      if (GST_CLOCK_TIME_IS_VALID (origin) && st->held_start > origin)
        skipped = (gint64)(st->held_start - origin);
      target.duration_cs = MAX (0, duration - skipped) / (gint64)NS_PER_CS;
      GST_INFO_OBJECT (self,
          "max-size %" G_GINT64_FORMAT " bytes over %" G_GINT64_FORMAT " cs",
          target.max_bytes, target.duration_cs);
    } else {
      GST_MK_POST (self,
          gst_gif_message (GST_GIF_MSG_ENC_NO_DURATION, s.quality),
          ("no duration from upstream"));
    }
  }
  mk::Result<mk::gif::RateController> created =
      mk::gif::RateController::create (target);
  /* Encoder::create checked these settings already. */
  if (created)
    st->rate.emplace (created.value ());
  else
    GST_WARNING_OBJECT (
        self, "no rate control: %s", created.status ().message ().c_str ());
}

/* Codes the held frame under rate control (max-size or bitrate; no look-ahead, checked with the
 * settings: the controller learns each frame's cost before it decides the next) and sends it;
 * it shows until `end` at the latest. Unmaps `vframe`. */
GstFlowReturn
gst_gif_enc_encode_rated (GstGifEnc *self, GstVideoCodecFrame *frame,
    GstVideoFrame *vframe, const mk::gif::InputFrame &in, bool force,
    guint16 delay_cs, GstClockTime end)
{
  GifEncState *st = self->state;
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  mk::gif::RateDecision decision;
  bool over =
      false; /* the file is over max-size: only the first frame can do that */

  st->out.clear ();
  {
    decision = st->rate->next (delay_cs);
    /* A key frame cannot be a repeat (nor be capped: the first frame's size is checked after). */
    if (force || st->rate->elapsedCs () == 0)
      decision.action = mk::gif::RateAction::kCode;
    if (decision.action == mk::gif::RateAction::kDrop) {
      gst_video_frame_unmap (vframe);
      st->rate->coded (decision, delay_cs, 0);
      GST_LOG_OBJECT (self, "frame %u left out: max-size is reached",
          frame->system_frame_number);
      return gst_video_encoder_finish_frame (enc, frame);
    }
    st->encoder->setQuality (decision.quality);
  }
  {
    mk::Result<mk::gif::EncodedFrame> res =
        decision.action == mk::gif::RateAction::kRepeat
            ? st->encoder->repeat (delay_cs, st->out)
            : st->encoder->encode (
                  in, delay_cs, force, st->out, decision.max_bytes);
    if (res && st->rate && st->rate->elapsedCs () == 0) {
      /* The first frame's global palette serves the stream: learn it at about the quality the
       * budget allows (a new encoder; nothing has gone out yet). */
      int q = st->rate->firstQuality (st->out.size (), delay_cs);
      if (q < decision.quality) {
        mk::Result<std::unique_ptr<mk::gif::Encoder>> fresh =
            mk::gif::Encoder::create (st->encoder->config ());
        if (fresh) {
          st->encoder = std::move (fresh.value ());
          st->encoder->setQuality (q);
          decision.quality = q;
          st->out.clear ();
          res = st->encoder->encode (in, delay_cs, force, st->out);
        }
      }
    }
    gst_video_frame_unmap (vframe);
    if (!res)
      return gst_gif_enc_encode_failed (self, frame, res.status ());
    st->force_key = false;
    if (st->rate) {
      if (res->repeated)
        decision.action = mk::gif::RateAction::kRepeat;
      if (st->rate->elapsedCs () == 0)
        st->rate->setFixedBytes (mk::gif::RateController::fixedBytesFor (
            st->encoder->codecData ().size ()));
      st->rate->coded (decision, delay_cs, st->out.size ());
      GST_LOG_OBJECT (self,
          "frame %u: %s at quality %d, file %" G_GINT64_FORMAT " bytes",
          frame->system_frame_number,
          decision.action == mk::gif::RateAction::kRepeat ? "repeat" : "coded",
          decision.quality, st->rate->spent ());
      over = st->rate->target ().max_bytes > 0 &&
             st->rate->spent () > st->rate->target ().max_bytes;
    }
    if (res->key)
      GST_VIDEO_CODEC_FRAME_SET_SYNC_POINT (frame);
    else
      GST_VIDEO_CODEC_FRAME_UNSET_SYNC_POINT (frame);
    GST_LOG_OBJECT (self, "frame %u: %u cs, %s, %dx%d at %d,%d, %zu bytes%s",
        frame->system_frame_number, delay_cs, res->key ? "key" : "delta",
        res->rect.width, res->rect.height, res->rect.x, res->rect.y,
        st->out.size (), res->local_palette ? ", local palette" : "");
  }

  if (!st->caps_set && !gst_gif_enc_set_output_caps (self)) {
    gst_video_encoder_finish_frame (enc, frame);
    GST_MK_POST (
        self, gst_gif_message (GST_GIF_MSG_ENC_DOWNSTREAM_REFUSED), (nullptr));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  /* the frames merged away before this one (none other is pending without look-ahead) */
  gst_gif_enc_finish_merged (self);
  if (over)
    goto too_small;

  return gst_gif_enc_send (self, frame, delay_cs, end);

  /* ERRORS */
too_small:
  /* (after the caps, so that the frame can be finished) */
  GST_MK_POST (self,
      gst_gif_message (GST_GIF_MSG_ENC_MAX_SIZE_TOO_SMALL,
          st->rate->target ().max_bytes, st->rate->spent ()),
      ("frame %u at quality %d", frame->system_frame_number, decision.quality));
  gst_video_encoder_finish_frame (enc, frame);
  return GST_FLOW_ERROR;
}
