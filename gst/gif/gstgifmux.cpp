/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-gifmux
 * @title: gifmux
 *
 * Writes GIF frames, as gifenc or gifdemux deliver them, out as a GIF file: the header and
 * global palette from the caps' `codec_data`, a NETSCAPE2.0 loop extension, comments, every
 * frame record, and the trailer at the end of the stream. The output is written strictly in
 * order (it never seeks back), so it can go to a pipe, a socket or any sink.
 *
 * Frame records are rewritten to their graphic control extension and image, so a loop
 * extension, comments or application data a source file kept inside a frame are not copied:
 * `gifdemux ! gifmux` remuxes a file frame for frame without decoding, with a new loop count,
 * final delay or background index if asked.
 *
 * Comments come from #GstGifMux:comment and from GST_TAG_COMMENT tags (each text once); tags
 * that arrive after the first frame are written before the next frame.
 *
 * The last frame is only known at the end of the stream: gifmux holds one frame back, so
 * #GstGifMux:final-delay can change its delay.
 *
 * A GIF file has one header: caps with a different `codec_data` mid-stream are an error.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=30 ! video/x-raw,width=64,height=48,framerate=15/1 ! gifenc ! gifmux ! filesink location=test.gif
 * ]| Encodes a test pattern into a GIF file.
 * |[
 * gst-launch-1.0 filesrc location=a.gif ! gifdemux ! gifmux loop-count=0 final-delay=200 comment="remuxed" ! filesink location=b.gif
 * ]| Remuxes a GIF without decoding it: it loops forever, pauses two seconds on its last frame
 * and carries a comment.
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgifmux.h"
#include "gstgifmessages.h"

#include <cstring>
#include <string>
#include <vector>

#include "common/gstmkoptions.h"
#include "gif/comments.h"
#include "gif/muxer.h"
#include "gif/writer.h"

GST_DEBUG_CATEGORY_STATIC (gst_gif_mux_debug);
#define GST_CAT_DEFAULT gst_gif_mux_debug

enum {
  PROP_0,
  PROP_FIRST_OPTION,
};

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("image/gif, parsed = (boolean) true"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("image/gif"));

/* C++ members of the element, created in _init and deleted in _finalize. */
struct GifMuxState
{
  /* Properties, under the object lock. */
  mk::gif::MuxSettings settings;

  /* Streaming state, under the sink pad's stream lock. */
  mk::gif::MuxSettings active;     /* settings the file started with */
  std::vector<uint8_t> codec_data; /* as the caps gave it */
  bool have_caps = false;
  int stream_loop = -1;
  bool have_stream_loop = false;
  bool header_written = false;
  bool segment_sent = false;
  bool errored = false; /* an error was posted: later failures only return it */
  guint64 offset = 0;   /* bytes pushed since the file (re)started */

  /* Every distinct comment of the file, the property's first (bounded: CommentList); the
   * first `comments_written` of them are in the output. */
  mk::gif::CommentList comments;
  size_t comments_written = 0;

  /* The frame waiting for the next one (or EOS, which makes it the last): its graphic control
   * and its image bytes, shared with the input buffer. */
  GstBuffer *held = nullptr;
  mk::gif::GraphicControl held_control;
  GstClockTime held_pts = GST_CLOCK_TIME_NONE;
  GstClockTime held_duration = GST_CLOCK_TIME_NONE;
  guint64 frames = 0;
};

struct _GstGifMux
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;
  GifMuxState *state;
};

#define gst_gif_mux_parent_class parent_class
G_DEFINE_TYPE (GstGifMux, gst_gif_mux, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (
    gifmux, "gifmux", GST_RANK_PRIMARY, GST_TYPE_GIF_MUX);

static void gst_gif_mux_finalize (GObject *object);
static void gst_gif_mux_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec);
static void gst_gif_mux_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);
static GstStateChangeReturn gst_gif_mux_change_state (
    GstElement *element, GstStateChange transition);
static GstFlowReturn gst_gif_mux_chain (
    GstPad *pad, GstObject *parent, GstBuffer *buffer);
static gboolean gst_gif_mux_sink_event (
    GstPad *pad, GstObject *parent, GstEvent *event);
static gboolean gst_gif_mux_src_event (
    GstPad *pad, GstObject *parent, GstEvent *event);
static gboolean gst_gif_mux_src_query (
    GstPad *pad, GstObject *parent, GstQuery *query);

static void
gst_gif_mux_class_init (GstGifMuxClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_gif_mux_debug, "gifmux", 0, "GIF muxer");

  gobject_class->finalize = gst_gif_mux_finalize;
  gobject_class->set_property = gst_gif_mux_set_property;
  gobject_class->get_property = gst_gif_mux_get_property;
  gst_mk_options_install_properties (
      gobject_class, mk::gif::muxOptions (), PROP_FIRST_OPTION);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "GIF muxer",
      "Codec/Muxer", "Writes GIF frames out as an animated GIF file",
      "gst-mediakit developers");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_gif_mux_change_state);
}

static void
gst_gif_mux_init (GstGifMux *self)
{
  self->state = new GifMuxState ();
  mk::gif::muxOptions ().setDefaults (&self->state->settings);

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (
      self->sinkpad, GST_DEBUG_FUNCPTR (gst_gif_mux_chain));
  gst_pad_set_event_function (
      self->sinkpad, GST_DEBUG_FUNCPTR (gst_gif_mux_sink_event));
  GST_PAD_SET_ACCEPT_TEMPLATE (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_event_function (
      self->srcpad, GST_DEBUG_FUNCPTR (gst_gif_mux_src_event));
  gst_pad_set_query_function (
      self->srcpad, GST_DEBUG_FUNCPTR (gst_gif_mux_src_query));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

static void
gst_gif_mux_finalize (GObject *object)
{
  GstGifMux *self = GST_GIF_MUX (object);
  gst_clear_buffer (&self->state->held);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void gst_gif_mux_add_comment (GstGifMux *self, const gchar *text);

/* Starts the file again from its first byte: the header (with every comment known) goes out
 * again in a new segment, before the next frame. The frame held back is dropped. */
static void
gst_gif_mux_restart (GstGifMux *self)
{
  GifMuxState *st = self->state;
  st->header_written = false;
  st->segment_sent = false;
  st->offset = 0;
  st->comments_written = 0;
  gst_clear_buffer (&st->held);
  st->held_control = mk::gif::GraphicControl ();
  st->held_pts = GST_CLOCK_TIME_NONE;
  st->held_duration = GST_CLOCK_TIME_NONE;
  st->frames = 0;
}

/* Forgets the file: back to what a new one needs. */
static void
gst_gif_mux_reset (GstGifMux *self)
{
  GifMuxState *st = self->state;
  GST_OBJECT_LOCK (self);
  st->active = st->settings;
  GST_OBJECT_UNLOCK (self);
  gst_gif_mux_restart (self);
  st->codec_data.clear ();
  st->have_caps = false;
  st->stream_loop = -1;
  st->have_stream_loop = false;
  st->errored = false;
  st->comments.clear ();
  /* The property's comment goes first. */
  gst_gif_mux_add_comment (self, st->active.comment.c_str ());
}

static GstStateChangeReturn
gst_gif_mux_change_state (GstElement *element, GstStateChange transition)
{
  GstGifMux *self = GST_GIF_MUX (element);

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    gst_gif_mux_reset (self);
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret != GST_STATE_CHANGE_FAILURE &&
      transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_gif_mux_reset (self);
  return ret;
}

/* Adds a comment unless the file already has (or will have) the same text, or holds as many
 * comments as it keeps (CommentList's bound): O(1) whatever the number of comments. */
static void
gst_gif_mux_add_comment (GstGifMux *self, const gchar *text)
{
  GifMuxState *st = self->state;
  if (!text || !*text)
    return;
  size_t dropped = st->comments.dropped ();
  if (!st->comments.add ((const uint8_t *)text, strlen (text)) && dropped == 0)
    GST_INFO_OBJECT (self,
        "comment not added: a repeat, or past the %zu comments (%zu bytes) a "
        "file keeps; later ones are only counted",
        mk::gif::CommentList::kMaxComments,
        mk::gif::CommentList::kMaxCommentBytes);
}

/* Appends the comments not written yet. */
static void
gst_gif_mux_write_pending_comments (GstGifMux *self, std::vector<uint8_t> &out)
{
  GifMuxState *st = self->state;
  const std::vector<std::string> &kept = st->comments.kept ();
  for (; st->comments_written < kept.size (); st->comments_written++)
    mk::gif::writeComment (out, kept[st->comments_written]);
}

static bool
gst_gif_mux_comments_pending (GstGifMux *self)
{
  return self->state->comments_written < self->state->comments.kept ().size ();
}

/* Posts an error of the table once: after the first, the stream is failing anyway and the
 * same cause would be repeated for every buffer and event that follows. */
#define GST_GIF_MUX_ERROR(self, posting, debug)                                \
  G_STMT_START                                                                 \
  {                                                                            \
    if (!(self)->state->errored) {                                             \
      (self)->state->errored = true;                                           \
      GST_MK_POST (self, posting, debug);                                      \
    } else {                                                                   \
      GST_DEBUG_OBJECT (self, "not posting the error again");                  \
    }                                                                          \
  }                                                                            \
  G_STMT_END

/* Pushes `buffer` (taken) as the next bytes of the file. */
static GstFlowReturn
gst_gif_mux_push_buffer (GstGifMux *self, GstBuffer *buffer, GstClockTime pts,
    GstClockTime duration, bool header)
{
  GifMuxState *st = self->state;
  gsize size = gst_buffer_get_size (buffer);
  if (!st->segment_sent) {
    /* Bytes from offset 0, in order: the file is complete without any seek. */
    GstSegment segment;
    gst_segment_init (&segment, GST_FORMAT_BYTES);
    gst_pad_push_event (self->srcpad, gst_event_new_segment (&segment));
    st->segment_sent = true;
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  }
  GST_BUFFER_OFFSET (buffer) = st->offset;
  GST_BUFFER_OFFSET_END (buffer) = st->offset + size;
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) = duration;
  if (header)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_HEADER);
  st->offset += size;
  return gst_pad_push (self->srcpad, buffer);
}

static GstFlowReturn
gst_gif_mux_push_bytes (GstGifMux *self, const std::vector<uint8_t> &bytes,
    GstClockTime pts, GstClockTime duration, bool header)
{
  return gst_gif_mux_push_buffer (self,
      gst_buffer_new_memdup (bytes.data (), bytes.size ()), pts, duration,
      header);
}

/* The header: codec_data (with the background index asked for), loop extension, comments. */
static GstFlowReturn
gst_gif_mux_write_header (GstGifMux *self, GstClockTime pts)
{
  GifMuxState *st = self->state;
  std::vector<uint8_t> out = st->codec_data;

  if (st->active.background_index >= 0) {
    mk::Status status =
        mk::gif::setBackgroundIndex (out, st->active.background_index);
    if (!status)
      GST_WARNING_OBJECT (self, "%s", status.message ().c_str ());
  }
  int loop = mk::gif::resolveLoopCount (
      st->active.loop_count, st->stream_loop, st->have_stream_loop);
  if (loop >= 0)
    mk::gif::writeLoopExtension (out, (uint16_t)loop);
  GST_INFO_OBJECT (self, "header: %zu bytes of codec_data, loop %d",
      st->codec_data.size (), loop);
  gst_gif_mux_write_pending_comments (self, out);
  st->header_written = true;
  return gst_gif_mux_push_bytes (self, out, pts, 0, true);
}

/* Sends the frame held back: its graphic control extension, then its image bytes. */
static GstFlowReturn
gst_gif_mux_push_held (GstGifMux *self)
{
  GifMuxState *st = self->state;
  if (!st->held)
    return GST_FLOW_OK;
  GstBuffer *out = st->held;
  st->held = nullptr;
  if (st->held_control.present) {
    std::vector<uint8_t> gce;
    mk::gif::writeGraphicControl (gce, st->held_control);
    out = gst_buffer_append (
        gst_buffer_new_memdup (gce.data (), gce.size ()), out);
  }
  st->frames++;
  return gst_gif_mux_push_buffer (
      self, out, st->held_pts, st->held_duration, false);
}

/* The image bytes of a frame record as gifmux writes them, sharing the input's memory: the
 * image descriptor up to the last whole LZW sub-block, and a block terminator. */
static GstBuffer *
gst_gif_mux_image_bytes (GstBuffer *input, const mk::gif::FrameRecord &rec)
{
  static const guint8 terminator = 0;
  gsize size = rec.image_end - rec.image_offset + (rec.terminated ? 1 : 0);
  GstBuffer *out = gst_buffer_copy_region (
      input, GST_BUFFER_COPY_MEMORY, rec.image_offset, size);
  if (!rec.terminated)
    gst_buffer_append_memory (
        out, gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY,
                 (gpointer)&terminator, 1, 0, 1, nullptr, nullptr));
  return out;
}

static GstFlowReturn
gst_gif_mux_chain (
    GstPad *pad G_GNUC_UNUSED, GstObject *parent, GstBuffer *buffer)
{
  GstGifMux *self = GST_GIF_MUX (parent);
  GifMuxState *st = self->state;
  GstFlowReturn ret = GST_FLOW_OK;
  GstMapInfo map;

  if (!st->have_caps) {
    gst_buffer_unref (buffer);
    GST_GIF_MUX_ERROR (self, gst_gif_message (GST_GIF_MSG_MUX_NOT_NEGOTIATED),
        ("frame before caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (gst_buffer_get_size (buffer) == 0) {
    /* A gap (GST_BUFFER_FLAG_GAP) or an empty buffer holds no frame: nothing to write (the
     * delays are the records' own). */
    GST_DEBUG_OBJECT (self, "skipping an empty buffer at %" GST_TIME_FORMAT,
        GST_TIME_ARGS (GST_BUFFER_PTS (buffer)));
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref (buffer);
    GST_GIF_MUX_ERROR (self, gst_gif_message (GST_GIF_MSG_MUX_MAP_FAILED),
        ("could not map input buffer"));
    return GST_FLOW_ERROR;
  }
  mk::Result<mk::gif::FrameRecord> rec =
      mk::gif::parseFrameRecord (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstClockTime duration = GST_BUFFER_DURATION (buffer);

  if (!rec) {
    gst_buffer_unref (buffer);
    GST_GIF_MUX_ERROR (self, gst_gif_message (GST_GIF_MSG_MUX_DAMAGED_FRAME),
        ("frame %" G_GUINT64_FORMAT ": %s", st->frames + (st->held != nullptr),
            rec.status ().message ().c_str ()));
    return GST_FLOW_ERROR;
  }
  if (!rec->terminated)
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_MUX_TRUNCATED_FRAME),
        ("frame %" G_GUINT64_FORMAT, st->frames + (st->held != nullptr)));
  if (rec->dropped_blocks > 0)
    GST_DEBUG_OBJECT (
        self, "left %d extensions out of a frame record", rec->dropped_blocks);
  GstBuffer *image = gst_gif_mux_image_bytes (buffer, *rec);
  gst_buffer_unref (buffer);

  if (!st->header_written)
    ret = gst_gif_mux_write_header (self, pts);
  if (ret == GST_FLOW_OK)
    ret = gst_gif_mux_push_held (self);
  if (ret == GST_FLOW_OK && gst_gif_mux_comments_pending (self)) {
    /* Comments may sit between frames: later tags are not lost. */
    std::vector<uint8_t> out;
    gst_gif_mux_write_pending_comments (self, out);
    ret = gst_gif_mux_push_bytes (self, out, pts, 0, false);
  }
  gst_clear_buffer (&st->held);
  st->held = image;
  st->held_control = rec->control;
  st->held_pts = pts;
  st->held_duration = duration;
  return ret;
}

/* End of stream: the held frame is the last one (final-delay applies), then the trailer. */
static gboolean
gst_gif_mux_finish_file (GstGifMux *self)
{
  GifMuxState *st = self->state;
  GstFlowReturn ret = GST_FLOW_OK;

  if (!st->header_written) {
    GST_GIF_MUX_ERROR (self, gst_gif_message (GST_GIF_MSG_MUX_NO_FRAMES),
        ("end of stream before the first frame"));
    return FALSE;
  }
  if (st->held && st->active.final_delay >= 0) {
    GST_DEBUG_OBJECT (self, "last frame: delay %u cs -> %d cs",
        st->held_control.delay_cs, st->active.final_delay);
    /* A record without one gets a graphic control extension with the defaults. */
    st->held_control.present = true;
    st->held_control.delay_cs = (uint16_t)st->active.final_delay;
  }
  ret = gst_gif_mux_push_held (self);
  std::vector<uint8_t> out;
  gst_gif_mux_write_pending_comments (self, out);
  mk::gif::writeTrailer (out);
  if (ret == GST_FLOW_OK)
    ret = gst_gif_mux_push_bytes (self, out, GST_CLOCK_TIME_NONE, 0, false);
  GST_INFO_OBJECT (self,
      "wrote %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " bytes",
      st->frames, st->offset);
  return ret == GST_FLOW_OK || ret == GST_FLOW_FLUSHING;
}

static gboolean
gst_gif_mux_set_caps (GstGifMux *self, GstCaps *caps)
{
  GifMuxState *st = self->state;
  GstStructure *s = gst_caps_get_structure (caps, 0);
  const GValue *v = gst_structure_get_value (s, "codec_data");
  GstBuffer *buf = v && G_VALUE_HOLDS (v, GST_TYPE_BUFFER)
                       ? gst_value_get_buffer (v)
                       : nullptr;
  if (!buf) {
    GST_GIF_MUX_ERROR (self, gst_gif_message (GST_GIF_MSG_MUX_NO_CODEC_DATA),
        ("gifmux writes frames as gifenc or gifdemux deliver them; caps "
         "%" GST_PTR_FORMAT,
            caps));
    return FALSE;
  }

  GstMapInfo map;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return FALSE;
  std::vector<uint8_t> header (map.data, map.data + map.size);
  gst_buffer_unmap (buf, &map);

  mk::Result<mk::gif::ScreenInfo> screen =
      mk::gif::parseCodecData (header.data (), header.size ());
  if (!screen) {
    GST_GIF_MUX_ERROR (self, gst_gif_message (GST_GIF_MSG_MUX_BAD_CODEC_DATA),
        ("%s", screen.status ().message ().c_str ()));
    return FALSE;
  }

  if (st->header_written) {
    if (header != st->codec_data) {
      GST_GIF_MUX_ERROR (self, gst_gif_message (GST_GIF_MSG_MUX_HEADER_CHANGED),
          ("new codec_data for a %dx%d screen after %" G_GUINT64_FORMAT
           " frames",
              screen->width, screen->height,
              st->frames + (st->held != nullptr)));
      return FALSE;
    }
    return TRUE;
  }

  st->codec_data.swap (header);
  int loop = -1;
  st->have_stream_loop = gst_structure_get_int (s, "loop-count", &loop);
  st->stream_loop = loop;
  st->have_caps = true;

  GstCaps *out = gst_caps_new_simple ("image/gif", "width", G_TYPE_INT,
      screen->width, "height", G_TYPE_INT, screen->height, nullptr);
  GST_INFO_OBJECT (self, "caps %" GST_PTR_FORMAT, out);
  gboolean ok = gst_pad_set_caps (self->srcpad, out);
  gst_caps_unref (out);
  return ok;
}

static void
gst_gif_mux_collect_tags (GstGifMux *self, GstTagList *tags)
{
  guint n = gst_tag_list_get_tag_size (tags, GST_TAG_COMMENT);
  for (guint i = 0; i < n; i++) {
    const gchar *text = nullptr;
    if (gst_tag_list_peek_string_index (tags, GST_TAG_COMMENT, i, &text))
      gst_gif_mux_add_comment (self, text);
  }
}

static gboolean
gst_gif_mux_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstGifMux *self = GST_GIF_MUX (parent);
  gboolean ok = TRUE;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS: {
      GstCaps *caps;
      gst_event_parse_caps (event, &caps);
      ok = gst_gif_mux_set_caps (self, caps);
      gst_event_unref (event);
      return ok;
    }
    case GST_EVENT_SEGMENT:
      /* Ours is a byte segment, sent with the first data. */
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP:
      /* What was written is gone downstream (filesink truncates its file; the segment is
       * dropped): the file starts again from its header, with the frames after the flush. */
      GST_DEBUG_OBJECT (self,
          "flushed after %" G_GUINT64_FORMAT " bytes: starting the file again",
          self->state->offset);
      gst_gif_mux_restart (self);
      break;
    case GST_EVENT_TAG: {
      GstTagList *tags;
      gst_event_parse_tag (event, &tags);
      gst_gif_mux_collect_tags (self, tags);
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_EOS:
      if (!gst_gif_mux_finish_file (self)) {
        gst_event_unref (event);
        return FALSE;
      }
      break;
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_gif_mux_src_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_SEEK) {
    GST_DEBUG_OBJECT (parent, "a muxer cannot seek");
    gst_event_unref (event);
    return FALSE;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_gif_mux_src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_SEEKING) {
    GstFormat format;
    gst_query_parse_seeking (query, &format, nullptr, nullptr, nullptr);
    gst_query_set_seeking (query, format, FALSE, 0, -1);
    return TRUE;
  }
  return gst_pad_query_default (pad, parent, query);
}

/* ---------------------------------------------------------------- properties */

static void
gst_gif_mux_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstGifMux *self = GST_GIF_MUX (object);
  GST_OBJECT_LOCK (self);
  gboolean handled = gst_mk_options_set_property (mk::gif::muxOptions (),
      &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_gif_mux_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstGifMux *self = GST_GIF_MUX (object);
  GST_OBJECT_LOCK (self);
  gboolean handled = gst_mk_options_get_property (mk::gif::muxOptions (),
      &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}
