/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-gifdec
 * @title: gifdec
 *
 * Decodes GIF frames, as gifdemux delimits them, into full canvases of raw video: each output
 * frame is what a browser shows at that moment (disposal, transparency, interlacing and frames
 * reaching past the screen handled as browsers do). Alpha formats keep transparency; the others
 * show transparent pixels in #GstGifDec:background-color.
 *
 * A damaged frame is decoded as far as its data goes and counts against
 * #GstVideoDecoder:max-errors.
 *
 * Frames are drawn straight into the output buffers. An output buffer that downstream gave back
 * still holds the canvas it was pushed with: only what changed since is written into it
 * (#GstGifDec:stats counts these frames and those into which the canvas was copied). Output
 * memory is read-only downstream, so that it stays what gifdec wrote.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=a.gif ! gifdemux ! gifdec ! videoconvert ! autovideosink
 * ]| Plays an animated GIF.
 * |[
 * gst-launch-1.0 filesrc location=a.gif ! gifdemux ! gifdec ! videoconvert ! pngenc ! multifilesink location=frame-%03d.png
 * ]| Writes every canvas of a GIF as a PNG file.
 * |[
 * gst-launch-1.0 filesrc location=a.gif ! gifdemux ! gifdec background-color=0xffffffff ! video/x-raw,format=RGB ! videoconvert ! autovideosink
 * ]| Shows transparent pixels over white, in a format without alpha.
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgifdec.h"
#include "gstgifmessages.h"

#include <gst/video/video.h>

#include <atomic>

#include "common/gstmkbufferpool.h"
#include "common/gstmkoptions.h"
#include "gif/frame_decoder.h"
#include "gif/settings.h"

GST_DEBUG_CATEGORY_STATIC (gst_gif_dec_debug);
#define GST_CAT_DEFAULT gst_gif_dec_debug

enum {
  PROP_0,
  PROP_STATS,
  PROP_FIRST_OPTION,
};

#define GIF_DEC_FORMATS "{ RGBA, BGRA, ARGB, ABGR, RGBx, BGRx, RGB, BGR }"

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("image/gif, parsed = (boolean) true"));

static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (GIF_DEC_FORMATS)));

struct GifDecState
{
  mk::gif::DecodeSettings settings; /* under the object lock */
  mk::gif::FrameDecoder decoder;    /* under the stream lock */
  GstVideoCodecState *input_state = nullptr;
  bool need_reset = true;
  /* Under the stream lock: the output memory that holds the canvas after the last frame (a
   * reference to the memory only, so that its buffer still goes back to the pool), where its
   * first row starts and its stride; null when the decoder's own canvas holds it. */
  GstMemory *canvas_mem = nullptr;
  gsize canvas_offset = 0;
  gint canvas_stride = 0;
  /* The "stats" property: how output buffers were brought up to date. */
  std::atomic<guint64> frames_reused{0};
  std::atomic<guint64> frames_copied{0};
  std::atomic<guint64> frames_direct{0};
  std::atomic<guint64> bytes_copied{0};
  /* Damaged frames: the first is posted as a warning, the others are counted and summed up in
   * one warning at the end of the stream. */
  bool damage_reported = false;
  guint64 damaged_unreported = 0;
  bool no_buffers_said =
      false; /* GST_GIF_MSG_DEC_NO_OUTPUT_BUFFERS was posted */
};

struct _GstGifDec
{
  GstVideoDecoder parent;
  GifDecState *state;
};

#define gst_gif_dec_parent_class parent_class
G_DEFINE_TYPE (GstGifDec, gst_gif_dec, GST_TYPE_VIDEO_DECODER);
GST_ELEMENT_REGISTER_DEFINE (
    gifdec, "gifdec", GST_RANK_PRIMARY, GST_TYPE_GIF_DEC);

static void gst_gif_dec_finalize (GObject *object);
static void gst_gif_dec_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec);
static void gst_gif_dec_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);
static gboolean gst_gif_dec_start (GstVideoDecoder *dec);
static gboolean gst_gif_dec_stop (GstVideoDecoder *dec);
static gboolean gst_gif_dec_flush (GstVideoDecoder *dec);
static GstFlowReturn gst_gif_dec_finish (GstVideoDecoder *dec);
static gboolean gst_gif_dec_set_format (
    GstVideoDecoder *dec, GstVideoCodecState *state);
static GstFlowReturn gst_gif_dec_handle_frame (
    GstVideoDecoder *dec, GstVideoCodecFrame *frame);
static gboolean gst_gif_dec_decide_allocation (
    GstVideoDecoder *dec, GstQuery *query);

static void
gst_gif_dec_class_init (GstGifDecClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstVideoDecoderClass *dec_class = GST_VIDEO_DECODER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_gif_dec_debug, "gifdec", 0, "GIF decoder");

  gobject_class->finalize = gst_gif_dec_finalize;
  gobject_class->set_property = gst_gif_dec_set_property;
  gobject_class->get_property = gst_gif_dec_get_property;
  gst_mk_options_install_properties (
      gobject_class, mk::gif::decodeOptions (), PROP_FIRST_OPTION);
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Output frames by how their buffer got the rest of the canvas: "
          "reused (it still held an earlier canvas: only the changes since "
          "were written), copied (the canvas was copied in), direct (the "
          "frame covers it all); and the canvas bytes copied",
          GST_TYPE_STRUCTURE,
          (GParamFlags)(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "GIF decoder",
      "Codec/Decoder/Image",
      "Decodes GIF frames into full canvases of raw video",
      "gst-mediakit developers");

  dec_class->start = GST_DEBUG_FUNCPTR (gst_gif_dec_start);
  dec_class->stop = GST_DEBUG_FUNCPTR (gst_gif_dec_stop);
  dec_class->flush = GST_DEBUG_FUNCPTR (gst_gif_dec_flush);
  dec_class->finish = GST_DEBUG_FUNCPTR (gst_gif_dec_finish);
  dec_class->set_format = GST_DEBUG_FUNCPTR (gst_gif_dec_set_format);
  dec_class->handle_frame = GST_DEBUG_FUNCPTR (gst_gif_dec_handle_frame);
  dec_class->decide_allocation =
      GST_DEBUG_FUNCPTR (gst_gif_dec_decide_allocation);
}

static void
gst_gif_dec_init (GstGifDec *self)
{
  self->state = new GifDecState ();
  mk::gif::decodeOptions ().setDefaults (&self->state->settings);
  gst_video_decoder_set_packetized (GST_VIDEO_DECODER (self), TRUE);
  gst_video_decoder_set_use_default_pad_acceptcaps (
      GST_VIDEO_DECODER (self), TRUE);
  GST_PAD_SET_ACCEPT_TEMPLATE (GST_VIDEO_DECODER_SINK_PAD (self));
}

static void
gst_gif_dec_finalize (GObject *object)
{
  GstGifDec *self = GST_GIF_DEC (object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static gboolean
gst_gif_dec_start (GstVideoDecoder *dec)
{
  GstGifDec *self = GST_GIF_DEC (dec);
  self->state->need_reset = true;
  self->state->damage_reported = false;
  self->state->damaged_unreported = 0;
  self->state->no_buffers_said = false;
  return TRUE;
}

static gboolean
gst_gif_dec_stop (GstVideoDecoder *dec)
{
  GstGifDec *self = GST_GIF_DEC (dec);
  g_clear_pointer (&self->state->input_state, gst_video_codec_state_unref);
  g_clear_pointer (&self->state->canvas_mem, gst_memory_unref);
  self->state->decoder = mk::gif::FrameDecoder ();
  return TRUE;
}

static gboolean
gst_gif_dec_flush (GstVideoDecoder *dec)
{
  GstGifDec *self = GST_GIF_DEC (dec);
  self->state->need_reset = true;
  return TRUE;
}

/* End of stream: the damaged frames that were only counted, in one warning. */
static GstFlowReturn
gst_gif_dec_finish (GstVideoDecoder *dec)
{
  GstGifDec *self = GST_GIF_DEC (dec);
  GifDecState *st = self->state;
  if (st->damaged_unreported > 0)
    GST_MK_POST (self,
        gst_gif_message (
            GST_GIF_MSG_DEC_DAMAGED_FRAMES, st->damaged_unreported + 1),
        ("the first was reported on its own"));
  st->damage_reported = false;
  st->damaged_unreported = 0;
  return GST_FLOW_OK;
}

static bool
to_pixel_format (GstVideoFormat format, mk::gif::PixelFormat *out)
{
  switch (format) {
    case GST_VIDEO_FORMAT_RGBA:
      *out = mk::gif::PixelFormat::kRGBA;
      return true;
    case GST_VIDEO_FORMAT_BGRA:
      *out = mk::gif::PixelFormat::kBGRA;
      return true;
    case GST_VIDEO_FORMAT_ARGB:
      *out = mk::gif::PixelFormat::kARGB;
      return true;
    case GST_VIDEO_FORMAT_ABGR:
      *out = mk::gif::PixelFormat::kABGR;
      return true;
    case GST_VIDEO_FORMAT_RGBx:
      *out = mk::gif::PixelFormat::kRGBx;
      return true;
    case GST_VIDEO_FORMAT_BGRx:
      *out = mk::gif::PixelFormat::kBGRx;
      return true;
    case GST_VIDEO_FORMAT_RGB:
      *out = mk::gif::PixelFormat::kRGB;
      return true;
    case GST_VIDEO_FORMAT_BGR:
      *out = mk::gif::PixelFormat::kBGR;
      return true;
    default:
      return false;
  }
}

/* The first format downstream accepts, in its order of preference. */
static GstVideoFormat
gst_gif_dec_pick_format (GstGifDec *self)
{
  GstPad *srcpad = GST_VIDEO_DECODER_SRC_PAD (self);
  GstCaps *templ = gst_pad_get_pad_template_caps (srcpad);
  GstCaps *peer = gst_pad_peer_query_caps (srcpad, templ);
  GstVideoFormat format = GST_VIDEO_FORMAT_RGBA;

  gst_caps_unref (templ);
  if (peer && !gst_caps_is_empty (peer)) {
    peer = gst_caps_fixate (peer);
    const gchar *name =
        gst_structure_get_string (gst_caps_get_structure (peer, 0), "format");
    if (name)
      format = gst_video_format_from_string (name);
  }
  if (peer)
    gst_caps_unref (peer);
  mk::gif::PixelFormat unused;
  if (!to_pixel_format (format, &unused))
    format = GST_VIDEO_FORMAT_RGBA;
  return format;
}

static gboolean
gst_gif_dec_set_format (GstVideoDecoder *dec, GstVideoCodecState *state)
{
  GstGifDec *self = GST_GIF_DEC (dec);
  GifDecState *st = self->state;

  if (!state->codec_data) {
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEC_NO_CODEC_DATA),
        ("gifdec decodes frames as gifdemux or gifenc deliver them: put "
         "gifdemux in front of it"));
    return FALSE;
  }

  mk::gif::DecodeSettings settings;
  GST_OBJECT_LOCK (self);
  settings = st->settings;
  GST_OBJECT_UNLOCK (self);

  GstVideoFormat format = gst_gif_dec_pick_format (self);
  mk::gif::DecoderOptions options;
  to_pixel_format (format, &options.format);
  options.background_rgb = settings.background_color & 0xffffff;
  options.max_canvas_pixels = (guint64)settings.max_canvas_pixels;
  st->decoder.setOptions (options);

  GstMapInfo map;
  gst_buffer_map (state->codec_data, &map, GST_MAP_READ);
  mk::Status status = st->decoder.setCodecData (map.data, map.size);
  gst_buffer_unmap (state->codec_data, &map);
  if (!status)
    goto bad_codec_data;

  if (settings.use_screen_background) {
    const mk::gif::ScreenInfo &screen = st->decoder.screen ();
    const mk::gif::Palette &pal = screen.global_palette;
    if (screen.background_index < pal.size) {
      const uint8_t *rgb = pal.rgb + 3 * screen.background_index;
      options.background_rgb =
          (uint32_t (rgb[0]) << 16) | (rgb[1] << 8) | rgb[2];
      st->decoder.setOptions (options);
      gst_buffer_map (state->codec_data, &map, GST_MAP_READ);
      status = st->decoder.setCodecData (map.data, map.size);
      gst_buffer_unmap (state->codec_data, &map);
      if (!status)
        goto bad_codec_data;
    }
  }

  {
    const mk::gif::ScreenInfo &screen = st->decoder.screen ();
    GstVideoCodecState *out = gst_video_decoder_set_output_state (
        dec, format, screen.width, screen.height, state);
    /* The frame rate is gifdemux's: the animation's when it is constant, else 0/1
     * (each frame carries its own duration). */
    gst_video_codec_state_unref (out);
    GST_INFO_OBJECT (self, "decoding %ux%u into %s", screen.width,
        screen.height, gst_video_format_to_string (format));
  }

  if (st->input_state)
    gst_video_codec_state_unref (st->input_state);
  st->input_state = gst_video_codec_state_ref (state);
  st->need_reset = true;
  g_clear_pointer (&st->canvas_mem, gst_memory_unref);
  return gst_video_decoder_negotiate (dec);

  /* ERRORS */
bad_codec_data:
  if (status.code () == mk::Errc::kNoMemory)
    GST_MK_POST (self,
        gst_gif_message (GST_GIF_MSG_DEC_NO_MEMORY, status.message ()),
        ("setting up the canvas"));
  else if (status.code () == mk::Errc::kUnsupported)
    GST_MK_POST (self,
        gst_gif_message (GST_GIF_MSG_DEC_TOO_LARGE, status.message ()),
        ("raise the max-canvas-pixels property to accept it"));
  else
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEC_BAD_HEADER),
        ("%s", status.message ().c_str ()));
  return FALSE;
}

/* Which canvas an output memory holds (a FrameDecoder canvas id), as a tag that lives and dies
 * with the memory: a pool that drops a buffer drops the tag with it. */
struct CanvasTag
{
  guint64 id;
};

static GQuark
canvas_tag_quark (void)
{
  static const GQuark quark = g_quark_from_static_string ("GstGifDecCanvas");
  return quark;
}

static guint64
canvas_tag_get (GstMemory *mem)
{
  CanvasTag *tag = (CanvasTag *)gst_mini_object_get_qdata (
      GST_MINI_OBJECT_CAST (mem), canvas_tag_quark ());
  return tag ? tag->id : 0;
}

static void
canvas_tag_set (GstMemory *mem, guint64 id)
{
  CanvasTag *tag = (CanvasTag *)gst_mini_object_get_qdata (
      GST_MINI_OBJECT_CAST (mem), canvas_tag_quark ());
  if (!tag) {
    tag = g_new (CanvasTag, 1);
    gst_mini_object_set_qdata (
        GST_MINI_OBJECT_CAST (mem), canvas_tag_quark (), tag, g_free);
  }
  tag->id = id;
}

/* The memory of an output buffer from our own pool, which nobody but gifdec writes: the kind
 * whose contents can be trusted when the pool hands it back. Null for any other buffer. */
static GstMemory *
reusable_memory (GstBuffer *buffer)
{
  if (!buffer->pool || !GST_IS_MK_BUFFER_POOL (buffer->pool) ||
      gst_buffer_n_memory (buffer) != 1)
    return nullptr;
  return gst_buffer_peek_memory (buffer, 0);
}

static void
gst_gif_dec_count (GifDecState *st, const mk::gif::FrameReport &report)
{
  switch (report.update) {
    case mk::gif::CanvasUpdate::kInPlace:
    case mk::gif::CanvasUpdate::kUpdated:
      st->frames_reused++;
      break;
    case mk::gif::CanvasUpdate::kCopied:
      st->frames_copied++;
      break;
    case mk::gif::CanvasUpdate::kOverwritten:
      st->frames_direct++;
      break;
    case mk::gif::CanvasUpdate::kNone:
      return;
  }
  st->bytes_copied += report.bytes_copied;
}

/* Decodes `in` into `vframe` (mapped for writing; null: a late frame, into the decoder's own
 * canvas), whose memory is `out_mem` when it is reusable. Reads the canvas after the previous
 * frame from st->canvas_mem when it is elsewhere. Fails to map only the source: *map_failed. */
static mk::Status
gst_gif_dec_decode (GstGifDec *self, const GstMapInfo &in,
    GstVideoFrame *vframe, GstMemory *out_mem, mk::gif::FrameReport *report,
    bool *map_failed)
{
  GifDecState *st = self->state;
  GstMapInfo src_map;
  bool src_mapped = false;
  mk::gif::CanvasView source;
  *map_failed = false;

  if (st->canvas_mem && (!vframe || st->canvas_mem != out_mem)) {
    if (!gst_memory_map (st->canvas_mem, &src_map, GST_MAP_READ)) {
      *map_failed = true;
      return mk::Status (mk::Errc::kIo, "could not map the previous output");
    }
    src_mapped = true;
    source.data = src_map.data + st->canvas_offset;
    source.stride = (size_t)st->canvas_stride;
  }

  mk::gif::CanvasTarget target;
  if (vframe && out_mem) {
    target.data = (uint8_t *)GST_VIDEO_FRAME_PLANE_DATA (vframe, 0);
    target.stride = (size_t)GST_VIDEO_FRAME_PLANE_STRIDE (vframe, 0);
    target.holds = canvas_tag_get (out_mem);
  }
  mk::Status status = st->decoder.decodeInto (
      in.data, in.size, target, src_mapped ? &source : nullptr, report);
  if (src_mapped)
    gst_memory_unmap (st->canvas_mem, &src_map);
  if (report->update == mk::gif::CanvasUpdate::kNone)
    return status; /* nothing drawn: the canvas is where it was */

  if (target.data) {
    /* The canvas is in this memory now; downstream may read it, not write it (a writer gets a
     * copy), so it still holds this canvas when the pool gives it back. */
    canvas_tag_set (out_mem, report->canvas_id);
    if (st->canvas_mem != out_mem) {
      g_clear_pointer (&st->canvas_mem, gst_memory_unref);
      st->canvas_mem = gst_memory_ref (out_mem);
    }
    st->canvas_offset = target.data - vframe->map[0].data;
    st->canvas_stride = (gint)target.stride;
    gst_gif_dec_count (st, *report);
  } else {
    g_clear_pointer (&st->canvas_mem, gst_memory_unref);
    if (vframe) {
      /* Downstream's own buffer: the whole canvas is copied out. */
      st->decoder.copyCanvasTo (
          (uint8_t *)GST_VIDEO_FRAME_PLANE_DATA (vframe, 0),
          GST_VIDEO_FRAME_PLANE_STRIDE (vframe, 0));
      st->frames_copied++;
      st->bytes_copied +=
          st->decoder.minStride () * st->decoder.screen ().height;
    }
  }
  return status;
}

static GstFlowReturn
gst_gif_dec_handle_frame (GstVideoDecoder *dec, GstVideoCodecFrame *frame)
{
  GstGifDec *self = GST_GIF_DEC (dec);
  GifDecState *st = self->state;
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo in;
  GstVideoFrame vframe;
  mk::gif::FrameReport report;
  mk::Status status;
  bool output = true;
  bool map_failed = false;

  if (!st->decoder.configured ()) {
    gst_video_decoder_drop_frame (dec, frame);
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEC_NOT_NEGOTIATED),
        ("frame before caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  if (GST_BUFFER_FLAG_IS_SET (frame->input_buffer, GST_BUFFER_FLAG_DISCONT))
    st->need_reset = true;
  if (st->need_reset && GST_VIDEO_CODEC_FRAME_IS_SYNC_POINT (frame)) {
    st->decoder.reset ();
    st->need_reset = false;
  }

  /* Late under QoS: the canvas must still be updated for later frames, but the frame itself
   * need not be copied out. */
  if (gst_video_decoder_get_max_decode_time (dec, frame) < 0)
    output = false;

  if (!gst_buffer_map (frame->input_buffer, &in, GST_MAP_READ)) {
    gst_video_decoder_drop_frame (dec, frame);
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEC_MAP_INPUT_FAILED),
        ("could not map input buffer"));
    return GST_FLOW_ERROR;
  }

  if (output) {
    ret = gst_video_decoder_allocate_output_frame (dec, frame);
    if (ret != GST_FLOW_OK) {
      gst_buffer_unmap (frame->input_buffer, &in);
      gst_video_decoder_drop_frame (dec, frame);
      /* The pool could not grow (downstream holds every buffer it has, and memory for
       * another canvas is not there): an error nobody else posts. */
      if (ret == GST_FLOW_ERROR && !st->no_buffers_said) {
        GstVideoCodecState *out_state =
            gst_video_decoder_get_output_state (dec);
        gchar *what = g_strdup_printf ("%" G_GSIZE_FORMAT
                                       " bytes each, one more than downstream "
                                       "gave back",
            GST_VIDEO_INFO_SIZE (&out_state->info));
        gst_video_codec_state_unref (out_state);
        st->no_buffers_said = true;
        GST_MK_POST (self,
            gst_gif_message (GST_GIF_MSG_DEC_NO_OUTPUT_BUFFERS, what),
            ("the output buffer pool could not give a buffer"));
        g_free (what);
      }
      return ret;
    }
    GstMemory *out_mem = reusable_memory (frame->output_buffer);
    /* Ours again (downstream gave it back): writable for gifdec alone. */
    if (out_mem)
      GST_MINI_OBJECT_FLAG_UNSET (out_mem, GST_MEMORY_FLAG_READONLY);
    GstVideoCodecState *out_state = gst_video_decoder_get_output_state (dec);
    gboolean mapped = gst_video_frame_map (
        &vframe, &out_state->info, frame->output_buffer, GST_MAP_WRITE);
    gst_video_codec_state_unref (out_state);
    if (mapped) {
      status =
          gst_gif_dec_decode (self, in, &vframe, out_mem, &report, &map_failed);
      gst_video_frame_unmap (&vframe);
      if (out_mem)
        GST_MINI_OBJECT_FLAG_SET (out_mem, GST_MEMORY_FLAG_READONLY);
    }
    if (!mapped || map_failed) {
      gst_buffer_unmap (frame->input_buffer, &in);
      gst_video_decoder_drop_frame (dec, frame);
      GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEC_MAP_OUTPUT_FAILED),
          ("could not map %s buffer",
              mapped ? "the previous output" : "output"));
      return GST_FLOW_ERROR;
    }
  } else {
    status =
        gst_gif_dec_decode (self, in, nullptr, nullptr, &report, &map_failed);
    if (map_failed) {
      gst_buffer_unmap (frame->input_buffer, &in);
      gst_video_decoder_drop_frame (dec, frame);
      GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEC_MAP_OUTPUT_FAILED),
          ("could not map the previous output buffer"));
      return GST_FLOW_ERROR;
    }
  }
  gst_buffer_unmap (frame->input_buffer, &in);

  if (status.code () == mk::Errc::kNoMemory) {
    gst_video_decoder_drop_frame (dec, frame);
    GST_MK_POST (self,
        gst_gif_message (GST_GIF_MSG_DEC_NO_MEMORY, status.message ()),
        ("decoding a frame"));
    return GST_FLOW_ERROR;
  }
  if (!status) {
    /* Drawn as far as the data went (damaged LZW), or nothing written at all (a buffer
     * holding no image): only the former may go out. A file may damage every frame: past the
     * first, the warnings are counted, not posted (the errors past max-errors still are). */
    bool drawn = report.update != mk::gif::CanvasUpdate::kNone;
    bool warn = !st->damage_reported;
    st->damage_reported = true;
    if (!warn)
      st->damaged_unreported++;
    GST_MK_DECODER_ERROR_FULL (self, 1,
        gst_gif_message (GST_GIF_MSG_DEC_DAMAGED_FRAME),
        ("frame %u: %s", report.info.index, status.message ().c_str ()), warn,
        ret);
    if (ret != GST_FLOW_OK || !drawn || !output) {
      gst_video_decoder_drop_frame (dec, frame);
      return ret;
    }
    /* Best effort: the frame as far as its data went. */
  }
  if (!output)
    return gst_video_decoder_drop_frame (dec, frame);
  return gst_video_decoder_finish_frame (dec, frame);
}

/* Ours, last in first out: the buffer downstream gave back last, which holds the latest
 * canvas, is the next one out. */
static GstBufferPool *
gst_gif_dec_new_pool (void)
{
  GstBufferPool *pool = gst_mk_buffer_pool_new ();
  gst_mk_buffer_pool_set_lifo (GST_MK_BUFFER_POOL (pool), TRUE);
  return pool;
}

static gboolean
gst_gif_dec_decide_allocation (GstVideoDecoder *dec, GstQuery *query)
{
  GstBufferPool *pool = nullptr;
  guint size = 0, min = 0, max = 0;
  GstCaps *caps = nullptr;

  gst_query_parse_allocation (query, &caps, nullptr);
  GstVideoInfo info;
  if (caps && gst_video_info_from_caps (&info, caps)) {
    if (gst_query_get_n_allocation_pools (query) == 0) {
      /* Downstream offers no pool: use ours, backed by an mk::BufferPool. One canvas is
       * allocated up front (more only while downstream holds buffers), one canvas less than two
       * for a sink that releases each buffer at once (8192x4096: 128 MiB). */
      pool = gst_gif_dec_new_pool ();
      gst_query_add_allocation_pool (query, pool, (guint)info.size, 1, 0);
      gst_object_unref (pool);
    } else {
      /* A plain system-memory pool (a video filter's proposal) brings nothing ours lacks, and
       * only with ours do buffers come back still holding the canvas: ours, with its limits. */
      gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);
      if (pool && (G_OBJECT_TYPE (pool) == GST_TYPE_VIDEO_BUFFER_POOL ||
                      G_OBJECT_TYPE (pool) == GST_TYPE_BUFFER_POOL)) {
        gst_object_unref (pool);
        pool = gst_gif_dec_new_pool ();
        gst_query_set_nth_allocation_pool (
            query, 0, pool, MAX (size, (guint)info.size), min, max);
      }
      g_clear_object (&pool);
    }
  }

  if (!GST_VIDEO_DECODER_CLASS (parent_class)->decide_allocation (dec, query))
    return FALSE;

  gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);
  if (!pool)
    return TRUE;
  GstStructure *config = gst_buffer_pool_get_config (pool);
  if (gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE, nullptr))
    gst_buffer_pool_config_add_option (
        config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  gst_buffer_pool_set_config (pool, config);
  /* GstVideoDecoder 1.22 activates the pool without looking at the result: a pool that cannot
   * start (its first buffers cannot be allocated) would answer every frame with FLUSHING, and
   * the pipeline would wait for ever. Start it here, where a failure can be said. */
  gboolean active = gst_buffer_pool_set_active (pool, TRUE);
  gst_object_unref (pool);
  if (!active) {
    GST_GIF_DEC (dec)->state->no_buffers_said = true;
    gchar *what = g_strdup_printf ("%u bytes each, %u at the start", size, min);
    GST_MK_POST (dec, gst_gif_message (GST_GIF_MSG_DEC_NO_OUTPUT_BUFFERS, what),
        ("the output buffer pool did not start"));
    g_free (what);
    return FALSE;
  }
  return TRUE;
}

static void
gst_gif_dec_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstGifDec *self = GST_GIF_DEC (object);
  GST_OBJECT_LOCK (self);
  gboolean handled = gst_mk_options_set_property (mk::gif::decodeOptions (),
      &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_gif_dec_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstGifDec *self = GST_GIF_DEC (object);
  if (prop_id == PROP_STATS) {
    GifDecState *st = self->state;
    g_value_take_boxed (
        value, gst_structure_new ("application/x-gifdec-stats", "frames-reused",
                   G_TYPE_UINT64, st->frames_reused.load (), "frames-copied",
                   G_TYPE_UINT64, st->frames_copied.load (), "frames-direct",
                   G_TYPE_UINT64, st->frames_direct.load (), "bytes-copied",
                   G_TYPE_UINT64, st->bytes_copied.load (), nullptr));
    return;
  }
  GST_OBJECT_LOCK (self);
  gboolean handled = gst_mk_options_get_property (mk::gif::decodeOptions (),
      &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}
