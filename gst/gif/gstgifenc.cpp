/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-gifenc
 * @title: gifenc
 *
 * Encodes raw video into GIF frames: one buffer per shown frame (graphic control extension,
 * image descriptor, local palette and LZW data), with the header, logical screen descriptor and
 * global palette in the caps' `codec_data` — what gifdemux delivers, so `gifmux` writes the
 * frames out as a file and `gifdec` decodes them directly.
 *
 * The global palette is learned from the first frame (and the `lookahead` frames behind it), so
 * the output caps are set when the first frame has been encoded. A frame's delay is only known
 * when the next frame arrives: gifenc holds one frame back, plus `lookahead` frames, and reports
 * that latency. Delays are the frames' timestamps on a centisecond grid, so rounding never
 * accumulates (30 fps gives 3, 3, 4 cs ...). A frame that would show for less than 2 cs
 * (browsers play 0 and 1 cs as 10) is dropped and the next frame takes its place and its time.
 * Timestamps that go backwards give the frame the minimum delay, with a warning.
 *
 * A new input size or format mid-stream starts a new GIF stream with new `codec_data`
 * (gifdec follows it; gifmux refuses it: a file has one screen).
 *
 * Size targets: #GstGifEnc:max-size makes the whole file (as gifmux writes it) fit a number of
 * bytes, sharing the budget out over the duration upstream reports; #GstGifEnc:bitrate holds a
 * live stream's average over 10 s. Both adapt the quality frame by frame, #GstGifEnc:quality
 * being the ceiling (docs/gifenc.md, "Which knob, when").
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=60 ! video/x-raw,width=320,height=240,framerate=15/1 ! gifenc ! gifmux ! filesink location=test.gif
 * ]| Makes a four-second animated GIF of a test pattern.
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin ! videoconvert ! videoscale ! videorate ! video/x-raw,width=480,framerate=15/1 ! gifenc colors=128 dither=bayer ! gifmux ! filesink location=out.gif
 * ]| Turns a video file into a GIF 480 pixels wide at 15 frames per second, with a 128-colour
 * palette and ordered dither.
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin ! videoconvert ! videoscale ! videorate ! video/x-raw,width=480,framerate=15/1 ! gifenc max-size=8000000 ! gifmux ! filesink location=out.gif
 * ]| The same GIF, made to fit in 8 MB.
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgifencprivate.h"
#include "gstgifmessages.h"

#include "common/gstmkbufferpool.h"
#include "common/gstmkoptions.h"

GST_DEBUG_CATEGORY (gst_gif_enc_debug);
#define GST_CAT_DEFAULT gst_gif_enc_debug

/* The last frame's display time when neither its duration nor the stream's frame interval is
 * known (what browsers use for a delay of 0). */
#define DEFAULT_FRAME_DURATION (100 * GST_MSECOND)

enum {
  PROP_0,
  PROP_FIRST_OPTION,
};

#define GIF_ENC_FORMATS                                                        \
  "{ RGBA, BGRA, ARGB, ABGR, RGBx, BGRx, xRGB, xBGR, RGB, BGR, GRAY8, RGB8P }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw, format = (string) " GIF_ENC_FORMATS ", "
                     "width = (int) [ 1, 65535 ], height = (int) [ 1, 65535 ], "
                     "framerate = (fraction) [ 0/1, MAX ]"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("image/gif, parsed = (boolean) true, "
                     "width = (int) [ 1, 65535 ], height = (int) [ 1, 65535 ], "
                     "framerate = (fraction) [ 0/1, MAX ]"));

static void gst_gif_enc_preset_init (GstPresetInterface *iface);

#define gst_gif_enc_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstGifEnc, gst_gif_enc, GST_TYPE_VIDEO_ENCODER,
    G_IMPLEMENT_INTERFACE (GST_TYPE_PRESET, gst_gif_enc_preset_init));
GST_ELEMENT_REGISTER_DEFINE (
    gifenc, "gifenc", GST_RANK_PRIMARY, GST_TYPE_GIF_ENC);

static void gst_gif_enc_finalize (GObject *object);
static void gst_gif_enc_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec);
static void gst_gif_enc_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);
static gboolean gst_gif_enc_start (GstVideoEncoder *enc);
static gboolean gst_gif_enc_stop (GstVideoEncoder *enc);
static gboolean gst_gif_enc_flush (GstVideoEncoder *enc);
static GstFlowReturn gst_gif_enc_finish (GstVideoEncoder *enc);
static gboolean gst_gif_enc_set_format (
    GstVideoEncoder *enc, GstVideoCodecState *state);
static GstFlowReturn gst_gif_enc_handle_frame (
    GstVideoEncoder *enc, GstVideoCodecFrame *frame);
static gboolean gst_gif_enc_propose_allocation (
    GstVideoEncoder *enc, GstQuery *query);

static void
gst_gif_enc_class_init (GstGifEncClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstVideoEncoderClass *enc_class = GST_VIDEO_ENCODER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_gif_enc_debug, "gifenc", 0, "GIF encoder");

  gobject_class->finalize = gst_gif_enc_finalize;
  gobject_class->set_property = gst_gif_enc_set_property;
  gobject_class->get_property = gst_gif_enc_get_property;
  gst_mk_options_install_properties (
      gobject_class, mk::gif::encoderOptions (), PROP_FIRST_OPTION);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "GIF encoder",
      "Codec/Encoder/Image", "Encodes raw video into GIF frames",
      "gst-mediakit developers");

  enc_class->start = GST_DEBUG_FUNCPTR (gst_gif_enc_start);
  enc_class->stop = GST_DEBUG_FUNCPTR (gst_gif_enc_stop);
  enc_class->flush = GST_DEBUG_FUNCPTR (gst_gif_enc_flush);
  enc_class->finish = GST_DEBUG_FUNCPTR (gst_gif_enc_finish);
  enc_class->set_format = GST_DEBUG_FUNCPTR (gst_gif_enc_set_format);
  enc_class->handle_frame = GST_DEBUG_FUNCPTR (gst_gif_enc_handle_frame);
  enc_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_gif_enc_propose_allocation);
}

/* GstPreset: GstVideoEncoder's (GStreamer's default) implementation, which reads the presets
 * we ship (presets/GstGifEnc.prs) and saves the user's own, over gifenc's own properties only:
 * the default also stores `name` and the base class's `qos`, and loading such a preset would
 * rename the element. (GLib starts this interface from the parent's table.) */
static gchar **
gst_gif_enc_preset_get_property_names (GstPreset *preset)
{
  guint n = 0;
  GParamSpec **specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (preset), &n);
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    if (specs[i]->owner_type == GST_TYPE_GIF_ENC)
      g_ptr_array_add (names, g_strdup (specs[i]->name));
  g_free (specs);
  g_ptr_array_add (names, nullptr);
  return (gchar **)g_ptr_array_free (names, FALSE);
}

static void
gst_gif_enc_preset_init (GstPresetInterface *iface)
{
  iface->get_property_names = gst_gif_enc_preset_get_property_names;
}

static void
gst_gif_enc_init (GstGifEnc *self)
{
  self->state = new GifEncState ();
  GST_PAD_SET_ACCEPT_TEMPLATE (GST_VIDEO_ENCODER_SINK_PAD (self));
}

static void
gst_gif_enc_finalize (GObject *object)
{
  GstGifEnc *self = GST_GIF_ENC (object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Forgets the frame held back and the stream's clock (a flush or a stop). */
static void
gst_gif_enc_drop_held (GstGifEnc *self)
{
  GifEncState *st = self->state;
  if (st->held)
    gst_video_codec_frame_unref (st->held);
  st->held = nullptr;
  for (const GifEncState::Pending &p : st->pending)
    gst_video_codec_frame_unref (p.frame);
  st->pending.clear ();
  if (st->encoder)
    st->encoder->discard ();
  st->held_start = GST_CLOCK_TIME_NONE;
  st->interval = GST_CLOCK_TIME_NONE;
  st->delays.reset ();
  st->backwards_said = false;
}

static gboolean
gst_gif_enc_start (GstVideoEncoder *enc)
{
  GstGifEnc *self = GST_GIF_ENC (enc);
  gst_gif_enc_drop_held (self);
  self->state->frames_out = 0;
  self->state->frames_merged = 0;
  self->state->settings_error_said = false;
  return TRUE;
}

static gboolean
gst_gif_enc_stop (GstVideoEncoder *enc)
{
  GstGifEnc *self = GST_GIF_ENC (enc);
  GifEncState *st = self->state;
  gst_gif_enc_drop_held (self);
  g_clear_pointer (&st->input_state, gst_video_codec_state_unref);
  st->encoder.reset ();
  st->rate.reset ();
  st->out = std::vector<uint8_t> ();
  st->caps_set = false;
  st->force_key = false;
  return TRUE;
}

static gboolean
gst_gif_enc_flush (GstVideoEncoder *enc)
{
  GstGifEnc *self = GST_GIF_ENC (enc);
  gst_gif_enc_drop_held (self);
  /* Downstream may have lost the canvas the next delta frame would build on. */
  self->state->force_key = true;
  return TRUE;
}

static bool
to_input_format (GstVideoFormat format, mk::gif::PixelFormat *out)
{
  using mk::gif::PixelFormat;
  switch (format) {
    case GST_VIDEO_FORMAT_RGBA:
      *out = PixelFormat::kRGBA;
      return true;
    case GST_VIDEO_FORMAT_BGRA:
      *out = PixelFormat::kBGRA;
      return true;
    case GST_VIDEO_FORMAT_ARGB:
      *out = PixelFormat::kARGB;
      return true;
    case GST_VIDEO_FORMAT_ABGR:
      *out = PixelFormat::kABGR;
      return true;
    case GST_VIDEO_FORMAT_RGBx:
      *out = PixelFormat::kRGBx;
      return true;
    case GST_VIDEO_FORMAT_BGRx:
      *out = PixelFormat::kBGRx;
      return true;
    case GST_VIDEO_FORMAT_xRGB:
      *out = PixelFormat::kxRGB;
      return true;
    case GST_VIDEO_FORMAT_xBGR:
      *out = PixelFormat::kxBGR;
      return true;
    case GST_VIDEO_FORMAT_RGB:
      *out = PixelFormat::kRGB;
      return true;
    case GST_VIDEO_FORMAT_BGR:
      *out = PixelFormat::kBGR;
      return true;
    case GST_VIDEO_FORMAT_GRAY8:
      *out = PixelFormat::kGray8;
      return true;
    case GST_VIDEO_FORMAT_RGB8P:
      *out = PixelFormat::kRGB8P;
      return true;
    default:
      return false;
  }
}

static GstFlowReturn gst_gif_enc_close_held (
    GstGifEnc *self, GstClockTime end, bool last);

/* When the held frame stops showing if no frame follows it: its own duration, else the stream's
 * frame interval, else 1/10 s. */
static GstClockTime
gst_gif_enc_held_end (GstGifEnc *self)
{
  GifEncState *st = self->state;
  if (GST_CLOCK_TIME_IS_VALID (st->held->duration) && st->held->duration > 0)
    return st->held_start + st->held->duration;
  if (GST_CLOCK_TIME_IS_VALID (st->interval) && st->interval > 0)
    return st->held_start + st->interval;
  GstVideoInfo *info = st->input_state ? &st->input_state->info : nullptr;
  if (info && GST_VIDEO_INFO_FPS_N (info) > 0)
    return st->held_start + gst_util_uint64_scale (GST_SECOND,
                                GST_VIDEO_INFO_FPS_D (info),
                                GST_VIDEO_INFO_FPS_N (info));
  return st->held_start + DEFAULT_FRAME_DURATION;
}

static GstFlowReturn gst_gif_enc_output (GstGifEnc *self);

/* Codes and sends every frame in the encoder's look-ahead. */
static GstFlowReturn
gst_gif_enc_drain_lookahead (GstGifEnc *self)
{
  GifEncState *st = self->state;
  if (!st->encoder)
    return GST_FLOW_OK;
  st->encoder->drain ();
  return gst_gif_enc_output (self);
}

static GstFlowReturn
gst_gif_enc_drain (GstGifEnc *self)
{
  GifEncState *st = self->state;
  GstFlowReturn ret = GST_FLOW_OK;
  if (st->held)
    ret = gst_gif_enc_close_held (self, gst_gif_enc_held_end (self), true);
  if (ret == GST_FLOW_OK)
    ret = gst_gif_enc_drain_lookahead (self);
  GST_DEBUG_OBJECT (self,
      "drained: %" G_GUINT64_FORMAT " frames out, %" G_GUINT64_FORMAT
      " merged into their successors",
      st->frames_out, st->frames_merged);
  return ret;
}

static GstFlowReturn
gst_gif_enc_finish (GstVideoEncoder *enc)
{
  return gst_gif_enc_drain (GST_GIF_ENC (enc));
}

static gboolean
gst_gif_enc_set_format (GstVideoEncoder *enc, GstVideoCodecState *state)
{
  GstGifEnc *self = GST_GIF_ENC (enc);
  GifEncState *st = self->state;
  GstVideoInfo *info = &state->info;
  mk::gif::EncoderConfig config;

  if (!to_input_format (GST_VIDEO_INFO_FORMAT (info), &config.format)) {
    /* The template keeps these out; a bug elsewhere should still read well. */
    GST_MK_POST (self,
        gst_gif_message (GST_GIF_MSG_ENC_BAD_FORMAT,
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info))),
        ("caps %" GST_PTR_FORMAT, state->caps));
    return FALSE;
  }
  config.width = GST_VIDEO_INFO_WIDTH (info);
  config.height = GST_VIDEO_INFO_HEIGHT (info);

  if (st->encoder && st->encoder->config ().width == config.width &&
      st->encoder->config ().height == config.height &&
      st->encoder->config ().format == config.format) {
    /* Same screen and layout (a new frame rate, colorimetry...): the stream goes on, with
     * output caps that say the new rate. */
    GST_DEBUG_OBJECT (self, "caps changed, same size and format: continuing");
    /* The frames in the look-ahead go out under the caps they came with. */
    gst_gif_enc_drain_lookahead (self);
    st->caps_set = false;
  } else {
    if (st->encoder) {
      /* A GIF has one screen size: finish this stream, start another. */
      GST_INFO_OBJECT (self,
          "input changed to %dx%d %s: starting a new GIF stream", config.width,
          config.height,
          gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info)));
      gst_gif_enc_drain (self);
      st->rate.reset ();
      st->delays.reset ();
      st->interval = GST_CLOCK_TIME_NONE;
    }
    GST_OBJECT_LOCK (self);
    config.settings = st->settings;
    config.explicit_options = st->explicit_options;
    GST_OBJECT_UNLOCK (self);
    mk::Result<std::unique_ptr<mk::gif::Encoder>> created =
        mk::gif::Encoder::create (config);
    if (!created) {
      if (!st->settings_error_said)
        GST_MK_POST (self,
            gst_gif_message (
                GST_GIF_MSG_ENC_BAD_SETTINGS, created.status ().message ()),
            ("Encoder::create for %dx%d", config.width, config.height));
      st->settings_error_said = true;
      return FALSE;
    }
    st->encoder = std::move (created.value ());
    st->caps_set = false;
    GST_INFO_OBJECT (self, "encoding %dx%d %s", config.width, config.height,
        gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info)));
  }

  if (st->input_state)
    gst_video_codec_state_unref (st->input_state);
  st->input_state = gst_video_codec_state_ref (state);

  /* One frame is held back until the next one gives its delay, and `lookahead` more wait in the
   * encoder. A variable frame rate (0/1) gives no time for that: no latency is reported (a live
   * source of variable rate should say its rate, or use lookahead=0). */
  if (GST_VIDEO_INFO_FPS_N (info) > 0) {
    GstClockTime latency =
        gst_util_uint64_scale (GST_SECOND * (1 + st->encoder->lookahead ()),
            GST_VIDEO_INFO_FPS_D (info), GST_VIDEO_INFO_FPS_N (info));
    gst_video_encoder_set_latency (enc, latency, latency);
  } else if (st->encoder->lookahead () > 0) {
    GST_INFO_OBJECT (self,
        "variable frame rate: the %zu frames of look-ahead add a latency "
        "gifenc cannot report",
        st->encoder->lookahead ());
  }
  return TRUE;
}

/* Output caps, once the first frame gave the global palette. */
gboolean
gst_gif_enc_set_output_caps (GstGifEnc *self)
{
  GifEncState *st = self->state;
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  const std::vector<uint8_t> &header = st->encoder->codecData ();
  GstBuffer *codec_data =
      gst_buffer_new_memdup (header.data (), header.size ());
  const GstVideoInfo *in = &st->input_state->info;

  /* Width, height, frame rate and pixel aspect ratio are the input's, as an encoder keeps them
   * (each frame still carries its own delay; frames under 2 cs are merged). loop-count 0: the
   * encoder has no opinion, so the usual "forever". */
  GstCaps *caps = gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN,
      TRUE, "width", G_TYPE_INT, GST_VIDEO_INFO_WIDTH (in), "height",
      G_TYPE_INT, GST_VIDEO_INFO_HEIGHT (in), "framerate", GST_TYPE_FRACTION,
      GST_VIDEO_INFO_FPS_N (in), GST_VIDEO_INFO_FPS_D (in),
      "pixel-aspect-ratio", GST_TYPE_FRACTION, GST_VIDEO_INFO_PAR_N (in),
      GST_VIDEO_INFO_PAR_D (in), "loop-count", G_TYPE_INT, 0, "codec_data",
      GST_TYPE_BUFFER, codec_data, nullptr);
  GstVideoCodecState *out =
      gst_video_encoder_set_output_state (enc, caps, st->input_state);
  gst_buffer_replace (&out->codec_data, codec_data);
  gst_video_codec_state_unref (out);
  gst_buffer_unref (codec_data);

  if (!gst_video_encoder_negotiate (enc))
    return FALSE;
  st->caps_set = true;
  return TRUE;
}

/* Sends `frame` with the record in st->out, shown for `delay_cs` and until `end` at the
 * latest. */
GstFlowReturn
gst_gif_enc_send (GstGifEnc *self, GstVideoCodecFrame *frame, guint16 delay_cs,
    GstClockTime end)
{
  GifEncState *st = self->state;
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  frame->output_buffer =
      gst_video_encoder_allocate_output_buffer (enc, st->out.size ());
  gst_buffer_fill (frame->output_buffer, 0, st->out.data (), st->out.size ());
  /* The delay is on the centisecond grid, the timestamps are not: the buffer ends where the
   * next frame (or, for the last, the input) starts, never after it. */
  frame->duration = (GstClockTime)delay_cs * NS_PER_CS;
  if (GST_CLOCK_TIME_IS_VALID (frame->pts) && end > frame->pts)
    frame->duration = MIN (frame->duration, end - frame->pts);
  st->frames_out++;
  return gst_video_encoder_finish_frame (enc, frame);
}

/* The encoder could not code `frame`: said, and the frame finished. */
GstFlowReturn
gst_gif_enc_encode_failed (
    GstGifEnc *self, GstVideoCodecFrame *frame, const mk::Status &status)
{
  GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_ENC_ENCODE_FAILED),
      ("frame %u: %s", frame->system_frame_number, status.message ().c_str ()));
  gst_video_encoder_finish_frame (GST_VIDEO_ENCODER (self), frame);
  return GST_FLOW_ERROR;
}

/* Finishes the merged frames at the head of the pending queue, once the caps exist. */
GstFlowReturn
gst_gif_enc_finish_merged (GstGifEnc *self)
{
  GifEncState *st = self->state;
  GstFlowReturn ret = GST_FLOW_OK;
  while (st->caps_set && !st->pending.empty () && st->pending.front ().merged) {
    GstVideoCodecFrame *frame = st->pending.front ().frame;
    st->pending.pop_front ();
    /* 1.22 drops a frame with finish_frame and no output buffer. */
    GstFlowReturn r =
        gst_video_encoder_finish_frame (GST_VIDEO_ENCODER (self), frame);
    if (ret == GST_FLOW_OK)
      ret = r;
  }
  return ret;
}

/* Codes and sends the frames the encoder has ready (all of them after its drain()), oldest
 * first, each after the merged frames that came before it. */
static GstFlowReturn
gst_gif_enc_output (GstGifEnc *self)
{
  GifEncState *st = self->state;
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  GstFlowReturn ret = gst_gif_enc_finish_merged (self);

  while (ret == GST_FLOW_OK && st->encoder->ready ()) {
    /* Merged frames are still ahead only before the caps exist. */
    auto it = st->pending.begin ();
    while (it != st->pending.end () && it->merged)
      ++it;
    if (it == st->pending.end ())
      goto lost_frame;
    GifEncState::Pending p = *it;
    st->pending.erase (it);
    GstVideoCodecFrame *frame = p.frame;

    st->out.clear ();
    mk::Result<mk::gif::EncodedFrame> res = st->encoder->pull (st->out);
    if (!res)
      return gst_gif_enc_encode_failed (self, frame, res.status ());
    if (res->key)
      GST_VIDEO_CODEC_FRAME_SET_SYNC_POINT (frame);
    else
      GST_VIDEO_CODEC_FRAME_UNSET_SYNC_POINT (frame);
    GST_LOG_OBJECT (self, "frame %u: %u cs, %s, %dx%d at %d,%d, %zu bytes%s",
        frame->system_frame_number, p.delay_cs, res->key ? "key" : "delta",
        res->rect.width, res->rect.height, res->rect.x, res->rect.y,
        st->out.size (), res->local_palette ? ", local palette" : "");

    if (!st->caps_set && !gst_gif_enc_set_output_caps (self)) {
      gst_video_encoder_finish_frame (enc, frame);
      GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_ENC_DOWNSTREAM_REFUSED),
          (nullptr));
      return GST_FLOW_NOT_NEGOTIATED;
    }
    ret = gst_gif_enc_finish_merged (self);

    GstFlowReturn r = gst_gif_enc_send (self, frame, p.delay_cs, p.end);
    if (ret == GST_FLOW_OK)
      ret = r;
  }
  if (ret == GST_FLOW_OK)
    ret = gst_gif_enc_finish_merged (self);
  return ret;

  /* ERRORS */
lost_frame:
  /* The encoder holds a frame we have no record of: a bug of ours. */
  GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_ENC_ENCODE_FAILED),
      ("%zu frames queued in the encoder, none pending",
          st->encoder->queued ()));
  return GST_FLOW_ERROR;
}

/* Hands the held frame, with `delay_cs`, to the encoder's look-ahead queue (it shows until
 * `end` at the latest), then sends what the encoder has ready. */
static GstFlowReturn
gst_gif_enc_encode_held (GstGifEnc *self, guint16 delay_cs, GstClockTime end)
{
  GifEncState *st = self->state;
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  GstVideoCodecFrame *frame = st->held;
  GstVideoFrame vframe;
  mk::gif::InputFrame in;
  bool force;

  st->held = nullptr;
  if (!gst_video_frame_map (
          &vframe, &st->input_state->info, frame->input_buffer, GST_MAP_READ))
    goto map_failed;
  in.data = (const uint8_t *)GST_VIDEO_FRAME_PLANE_DATA (&vframe, 0);
  in.stride = (size_t)GST_VIDEO_FRAME_PLANE_STRIDE (&vframe, 0);
  if (GST_VIDEO_FRAME_FORMAT (&vframe) == GST_VIDEO_FORMAT_RGB8P)
    in.palette = (const uint32_t *)GST_VIDEO_FRAME_PLANE_DATA (&vframe, 1);

  force = st->force_key || GST_VIDEO_CODEC_FRAME_IS_FORCE_KEYFRAME (frame);
  if (!st->rate)
    gst_gif_enc_rate_start (self);
  if (st->rate)
    return gst_gif_enc_encode_rated (
        self, frame, &vframe, in, force, delay_cs, end);
  {
    /* The encoder copies the frame: the input buffer goes back to its pool at once. */
    mk::Status pushed = st->encoder->push (in, delay_cs, force);
    gst_video_frame_unmap (&vframe);
    if (!pushed)
      return gst_gif_enc_encode_failed (self, frame, pushed);
  }
  st->force_key = false;
  /* The encoder copied the pixels: waiting in the look-ahead, the frame lets its input buffer go
   * back upstream (a bounded upstream pool would stall otherwise), and with it its metas. */
  if (st->encoder->lookahead () > 0)
    gst_buffer_replace (&frame->input_buffer, nullptr);
  st->pending.push_back ({frame, false, delay_cs, end});
  return gst_gif_enc_output (self);

  /* ERRORS */
map_failed:
  /* (said before finish_frame, which may free the frame) */
  GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_ENC_MAP_FAILED),
      ("could not map input frame %u", frame->system_frame_number));
  gst_video_encoder_finish_frame (enc, frame);
  return GST_FLOW_ERROR;
}

/* Closes the held frame, shown until `end`: sends it with its delay, or drops it when it would
 * show for less than the minimum delay (the next frame then starts in its place). */
static GstFlowReturn
gst_gif_enc_close_held (GstGifEnc *self, GstClockTime end, bool last)
{
  GifEncState *st = self->state;
  mk::gif::DelayStep step = st->delays.close ((gint64)end, last);

  if (step.backwards && !st->backwards_said) {
    st->backwards_said = true;
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_ENC_TIMESTAMP_BACKWARDS),
        ("timestamp %" GST_TIME_FORMAT
         " is before the previous frame's %" GST_TIME_FORMAT
         ": showing that frame for %u cs",
            GST_TIME_ARGS (end), GST_TIME_ARGS (st->held_start),
            step.delay_cs));
  } else if (step.backwards) {
    GST_INFO_OBJECT (self,
        "timestamp %" GST_TIME_FORMAT
        " is before the previous frame's %" GST_TIME_FORMAT
        ": showing that frame for %u cs",
        GST_TIME_ARGS (end), GST_TIME_ARGS (st->held_start), step.delay_cs);
  }
  if (step.clamped)
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_ENC_DELAY_CLAMPED),
        ("frame %u shows for %" GST_TIME_FORMAT, st->held->system_frame_number,
            GST_TIME_ARGS (end - st->held_start)));
  if (step.merge) {
    GstVideoCodecFrame *frame = st->held;
    st->held = nullptr;
    /* A requested key frame stays requested for the frame that replaces this one. */
    if (GST_VIDEO_CODEC_FRAME_IS_FORCE_KEYFRAME (frame))
      st->force_key = true;
    GST_LOG_OBJECT (self, "frame %u shows under %u cs: merged into the next",
        frame->system_frame_number, mk::gif::kMinDelayCs);
    st->frames_merged++;
    /* Finished in its turn, after the frames before it still in the look-ahead. */
    st->pending.push_back ({frame, true, 0, end});
    return gst_gif_enc_finish_merged (self);
  }
  return gst_gif_enc_encode_held (self, step.delay_cs, end);
}

static GstFlowReturn
gst_gif_enc_handle_frame (GstVideoEncoder *enc, GstVideoCodecFrame *frame)
{
  GstGifEnc *self = GST_GIF_ENC (enc);
  GifEncState *st = self->state;
  GstFlowReturn ret = GST_FLOW_OK;
  GstClockTime start;

  if (!st->encoder) {
    gst_video_encoder_finish_frame (enc, frame);
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_ENC_NOT_NEGOTIATED),
        ("frame before caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  /* Streams without timestamps play at their durations (or 10 fps). */
  if (GST_CLOCK_TIME_IS_VALID (frame->pts))
    start = frame->pts;
  else if (st->held)
    start = gst_gif_enc_held_end (self);
  else
    start = 0;

  if (st->held) {
    if (start > st->held_start)
      st->interval = start - st->held_start;
    ret = gst_gif_enc_close_held (self, start, false);
  }
  if (!st->delays.started ())
    st->delays.start ((gint64)start);

  st->held = frame;
  st->held_start = start;
  return ret;
}

static gboolean
gst_gif_enc_propose_allocation (GstVideoEncoder *enc, GstQuery *query)
{
  GstCaps *caps = nullptr;
  GstVideoInfo info;

  gst_query_parse_allocation (query, &caps, nullptr);
  /* Offered even when not asked for: the harness and many sources use it if present. */
  if (caps && gst_video_info_from_caps (&info, caps)) {
    GstBufferPool *pool = gst_mk_buffer_pool_new ();
    GstStructure *config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (config, caps, (guint)info.size, 2, 0);
    gst_buffer_pool_config_add_option (
        config, GST_BUFFER_POOL_OPTION_VIDEO_META);
    if (gst_buffer_pool_set_config (pool, config))
      gst_query_add_allocation_pool (query, pool, (guint)info.size, 2, 0);
    gst_object_unref (pool);
  }
  /* Strides and offsets come from the meta: upstream may hand padded frames. */
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, nullptr);

  return GST_VIDEO_ENCODER_CLASS (parent_class)
      ->propose_allocation (enc, query);
}

/* ---------------------------------------------------------------- properties */

static void
gst_gif_enc_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstGifEnc *self = GST_GIF_ENC (object);
  GST_OBJECT_LOCK (self);
  gboolean handled = gst_mk_options_set_property (mk::gif::encoderOptions (),
      &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  if (const mk::Option *option = gst_mk_options_lookup (
          mk::gif::encoderOptions (), PROP_FIRST_OPTION, prop_id))
    self->state->explicit_options |= mk::gif::encoderOptionBit (*option);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_gif_enc_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstGifEnc *self = GST_GIF_ENC (object);
  GST_OBJECT_LOCK (self);
  gboolean handled = gst_mk_options_get_property (mk::gif::encoderOptions (),
      &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}
