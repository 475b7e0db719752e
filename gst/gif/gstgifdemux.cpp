/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-gifdemux
 * @title: gifdemux
 *
 * Splits a GIF file into frames: one buffer per frame (its graphic control extension, image
 * descriptor, local palette and LZW data, exactly as in the file), timestamped from the frame
 * delays, with the header, logical screen descriptor and global palette in the caps'
 * `codec_data`. `gifdec` turns the frames into raw video, `gifmux` writes them back to a file.
 *
 * In pull mode (a file) gifdemux first scans the whole file without decoding it, so it knows the
 * duration and can seek to any frame. In push mode (a pipe, a network stream) it sends each frame
 * as soon as it is complete.
 *
 * Delays: a delay below #GstGifDemux:min-delay becomes #GstGifDemux:default-delay, as browsers
 * (and FFmpeg) show a delay of 0 or 1 centiseconds as 10, so animations play at the speed their
 * authors saw.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=a.gif ! gifdemux ! gifdec ! videoconvert ! autovideosink
 * ]| Plays an animated GIF once, timed as a browser shows it.
 * |[
 * gst-launch-1.0 filesrc location=a.gif ! gifdemux honor-loop=true ! gifdec ! videoconvert ! autovideosink
 * ]| Plays it as often as its loop extension says (forever for a count of 0).
 * |[
 * cat a.gif | gst-launch-1.0 fdsrc ! gifdemux ! gifdec ! videoconvert ! pngenc ! multifilesink location=frame-%03d.png
 * ]| Reads a GIF from a pipe (push mode) and writes each frame as a PNG file.
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgifdemux.h"
#include "gstgifmessages.h"

#include <gst/base/gstadapter.h>

#include <cstring>
#include <mutex>
#include <string>

#include "common/gstmkoptions.h"
#include "gif/comments.h"
#include "gif/reader.h"
#include "gif/settings.h"
#include "gif/timeline.h"

GST_DEBUG_CATEGORY_STATIC (gst_gif_demux_debug);
#define GST_CAT_DEFAULT gst_gif_demux_debug

/* Bytes asked of upstream per pull while scanning. */
#define SCAN_CHUNK_SIZE (64 * 1024)

enum {
  PROP_0,
  PROP_FIRST_OPTION,
};

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS ("image/gif, parsed = (boolean) false"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("image/gif, parsed = (boolean) true, "
                     "width = (int) [ 1, 65535 ], height = (int) [ 1, 65535 ], "
                     "framerate = (fraction) [ 0/1, MAX ]"));

/* C++ members of the element, created in _init and deleted in _finalize. */
struct GifDemuxState
{
  /* Properties, under the object lock. */
  mk::gif::DemuxSettings settings;

  /* Streaming state, under the sink pad's stream lock. The streaming thread writes the
   * timeline, the segment, index_complete and the pending seek also under `index_lock`, which
   * seeks and queries from other threads take to read them: a push-mode seek must not wait for
   * the stream lock, which the streaming thread holds while blocked downstream (preroll, clock
   * wait) until the seek's flush frees it. Never held across a push or a post. */
  std::mutex index_lock;
  mk::gif::Reader reader;
  mk::gif::Timeline timeline;
  mk::gif::DemuxSettings active; /* settings the stream started with */
  bool pull_mode = false;
  bool have_header = false;
  mk::gif::ScreenInfo screen;
  GstBuffer *codec_data = nullptr;
  int loop_count = -1; /* raw NETSCAPE field, -1 without a loop extension */
  GstTagList *tags = nullptr;
  bool tags_pending = false;
  mk::gif::CommentList comments; /* what the tags hold: bounded */

  GstSegment segment;
  bool segment_pending = true;
  guint32 segment_seqnum = GST_SEQNUM_INVALID;
  bool discont = true;

  /* pull mode */
  bool scanned = false;
  size_t next_frame = 0;
  guint64 play = 0; /* current play of the animation (honor-loop) */

  /* push mode */
  bool index_complete = false;
  guint64 push_base =
      0; /* file offset of the first byte of the current byte segment */
  bool pending_seek = false;
  GstSegment pending_segment;
  /* With an upstream that seeks in bytes (a file, HTTP with ranges: the data comes as fast as it
   * is read), the file is first read ahead into `ahead` and indexed (kReading), so that the
   * duration and frame rate are known before the first frame; then those bytes are played
   * (kDone). Beyond kReadAheadBytes, or from an upstream that cannot seek, frames go out as
   * their records complete (kNone). */
  enum class PushScan { kUnknown, kReading, kDone, kNone };
  PushScan push_scan = PushScan::kUnknown;
  GstAdapter *ahead = nullptr;
  /* The first flow other than OK a chain call returned (downstream refused, or the data
   * became unreadable): no frame goes out after it, not even at EOS. */
  GstFlowReturn push_flow = GST_FLOW_OK;
  /* The reader's message when the file is damaged before its first frame: the reason given
   * with "contains no images". */
  std::string damage;
  /* A frame was cut short by the end of the file: the reader's end-of-data error that follows
   * says nothing more. */
  bool truncated_said = false;
  /* EOS went downstream from the chain function (damage ended the stream early): the EOS
   * upstream may still send is not passed on a second time. */
  bool eos_sent = false;
  /* Pull mode inside an autoplugger (see gst_gif_demux_sink_activate): errors of the scan are
   * held while it runs, and the first one is posted from the streaming thread. */
  bool hold_errors = false;
  GstMkPosting held = {nullptr, nullptr};
  gchar *held_debug = nullptr;
};

/* How much of a file push mode reads ahead to index it before playing. */
#define READ_AHEAD_BYTES (32 * 1024 * 1024)

struct _GstGifDemux
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;
  GifDemuxState *state;
};

#define gst_gif_demux_parent_class parent_class
G_DEFINE_TYPE (GstGifDemux, gst_gif_demux, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (
    gifdemux, "gifdemux", GST_RANK_PRIMARY, GST_TYPE_GIF_DEMUX);

static void gst_gif_demux_finalize (GObject *object);
static void gst_gif_demux_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec);
static void gst_gif_demux_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);
static GstStateChangeReturn gst_gif_demux_change_state (
    GstElement *element, GstStateChange transition);
static gboolean gst_gif_demux_sink_activate (GstPad *pad, GstObject *parent);
static gboolean gst_gif_demux_sink_activate_mode (
    GstPad *pad, GstObject *parent, GstPadMode mode, gboolean active);
static GstFlowReturn gst_gif_demux_chain (
    GstPad *pad, GstObject *parent, GstBuffer *buffer);
static gboolean gst_gif_demux_sink_event (
    GstPad *pad, GstObject *parent, GstEvent *event);
static gboolean gst_gif_demux_src_event (
    GstPad *pad, GstObject *parent, GstEvent *event);
static gboolean gst_gif_demux_src_query (
    GstPad *pad, GstObject *parent, GstQuery *query);
static void gst_gif_demux_loop (GstPad *pad);

/* GST_MK_POST, except that an error is held instead while `hold_errors` is set. */
#define GIF_DEMUX_POST(self, posting, debug)                                   \
  G_STMT_START                                                                 \
  {                                                                            \
    GstMkPosting __held_p = posting;                                           \
    if ((self)->state->hold_errors &&                                          \
        __held_p.message->kind == GST_MK_POST_ERROR)                           \
      gst_gif_demux_hold_error (                                               \
          self, __held_p, _gst_element_error_printf debug);                    \
    else                                                                       \
      GST_MK_POST (self, __held_p, debug);                                     \
  }                                                                            \
  G_STMT_END

static void
gst_gif_demux_clear_held_error (GifDemuxState *st)
{
  g_free (st->held.text);
  st->held = {nullptr, nullptr};
  g_clear_pointer (&st->held_debug, g_free);
}

/* Keeps the first error (takes `posting` and `debug`). */
static void
gst_gif_demux_hold_error (GstGifDemux *self, GstMkPosting posting, gchar *debug)
{
  GifDemuxState *st = self->state;
  GST_INFO_OBJECT (self,
      "error held until an autoplugger has taken us: %s (%s)",
      GST_STR_NULL (posting.text), GST_STR_NULL (debug));
  if (st->held.message) {
    g_free (posting.text);
    g_free (debug);
    return;
  }
  st->held = posting;
  st->held_debug = debug;
}

static void
gst_gif_demux_class_init (GstGifDemuxClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (gst_gif_demux_debug, "gifdemux", 0, "GIF demuxer");

  gobject_class->finalize = gst_gif_demux_finalize;
  gobject_class->set_property = gst_gif_demux_set_property;
  gobject_class->get_property = gst_gif_demux_get_property;
  gst_mk_options_install_properties (
      gobject_class, mk::gif::demuxOptions (), PROP_FIRST_OPTION);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "GIF demuxer",
      "Codec/Demuxer", "Splits a GIF file into timestamped frames",
      "gst-mediakit developers");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_gif_demux_change_state);
}

static void
gst_gif_demux_init (GstGifDemux *self)
{
  self->state = new GifDemuxState ();
  self->state->ahead = gst_adapter_new ();
  mk::gif::demuxOptions ().setDefaults (&self->state->settings);
  gst_segment_init (&self->state->segment, GST_FORMAT_TIME);

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_activate_function (
      self->sinkpad, GST_DEBUG_FUNCPTR (gst_gif_demux_sink_activate));
  gst_pad_set_activatemode_function (
      self->sinkpad, GST_DEBUG_FUNCPTR (gst_gif_demux_sink_activate_mode));
  gst_pad_set_chain_function (
      self->sinkpad, GST_DEBUG_FUNCPTR (gst_gif_demux_chain));
  gst_pad_set_event_function (
      self->sinkpad, GST_DEBUG_FUNCPTR (gst_gif_demux_sink_event));
  /* The typefinder says "image/gif" with no parsed field: intersect, not subset. */
  GST_PAD_SET_ACCEPT_INTERSECT (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
}

static void
gst_gif_demux_finalize (GObject *object)
{
  GstGifDemux *self = GST_GIF_DEMUX (object);

  gst_clear_buffer (&self->state->codec_data);
  if (self->state->tags)
    gst_tag_list_unref (self->state->tags);
  gst_gif_demux_clear_held_error (self->state);
  g_object_unref (self->state->ahead);
  delete self->state;
  self->state = nullptr;

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Forgets the stream: back to what a new file needs. */
static void
gst_gif_demux_reset (GstGifDemux *self)
{
  GifDemuxState *st = self->state;

  GST_OBJECT_LOCK (self);
  st->active = st->settings;
  GST_OBJECT_UNLOCK (self);

  mk::gif::ReaderLimits limits;
  limits.max_canvas_pixels = (guint64)st->active.max_canvas_pixels;
  st->reader = mk::gif::Reader (limits);
  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    st->timeline = mk::gif::Timeline (st->active.delayPolicy ());
    gst_segment_init (&st->segment, GST_FORMAT_TIME);
    st->index_complete = false;
    st->pending_seek = false;
  }
  st->have_header = false;
  st->screen = mk::gif::ScreenInfo ();
  gst_clear_buffer (&st->codec_data);
  st->loop_count = -1;
  if (st->tags)
    gst_tag_list_unref (st->tags);
  st->tags = nullptr;
  st->tags_pending = false;
  st->comments.clear ();
  st->segment_pending = true;
  /* The segment's seqnum, which the EOS that ends it carries too. */
  st->segment_seqnum = gst_util_seqnum_next ();
  st->discont = true;
  st->scanned = false;
  st->next_frame = 0;
  st->play = 0;
  st->push_base = 0;
  st->push_scan = GifDemuxState::PushScan::kUnknown;
  gst_adapter_clear (st->ahead);
  st->damage.clear ();
  st->truncated_said = false;
  st->eos_sent = false;
  st->push_flow = GST_FLOW_OK;
  gst_gif_demux_clear_held_error (st);
}

static void
gst_gif_demux_remove_src_pad (GstGifDemux *self)
{
  if (self->srcpad) {
    gst_element_remove_pad (GST_ELEMENT (self), self->srcpad);
    self->srcpad = nullptr;
  }
}

static GstStateChangeReturn
gst_gif_demux_change_state (GstElement *element, GstStateChange transition)
{
  GstGifDemux *self = GST_GIF_DEMUX (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    gst_gif_demux_reset (self);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    gst_gif_demux_remove_src_pad (self);
    gst_gif_demux_reset (self);
  }
  return ret;
}

/* How many times the animation plays: 0 = forever. An animation that takes no time (every
 * delay 0 after the policy) plays once: replayed, it would be frames without end at one
 * timestamp. */
static guint64
gst_gif_demux_plays (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  if (!st->active.honor_loop || st->loop_count < 0 ||
      st->timeline.totalNs () == 0)
    return 1;
  if (st->loop_count == 0)
    return 0;
  return (guint64)st->loop_count + 1;
}

/* The duration of the whole presentation, or NONE when it is not known (push mode before the
 * end of the file) or endless (honor-loop with a loop count of 0). */
static GstClockTime
gst_gif_demux_duration (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  if (!st->pull_mode && !st->index_complete)
    return GST_CLOCK_TIME_NONE;
  guint64 plays = gst_gif_demux_plays (self);
  if (plays == 0)
    return GST_CLOCK_TIME_NONE;
  return st->timeline.totalNs () * plays;
}

static void
gst_gif_demux_add_comment (GstGifDemux *self, const mk::gif::Extension &ext)
{
  GifDemuxState *st = self->state;
  /* Tags change (and a tag event goes out) only for a comment the bounded list keeps. */
  if (!st->comments.add (ext.payload.data (), ext.payload.size ())) {
    GST_LOG_OBJECT (self,
        "comment not added to the tags (a repeat, or %zu kept)",
        st->comments.kept ().size ());
    return;
  }
  const std::string &text = st->comments.kept ().back ();
  gchar *valid = g_utf8_make_valid (text.c_str (), (gssize)text.size ());
  st->tags = st->tags ? gst_tag_list_make_writable (st->tags)
                      : gst_tag_list_new_empty ();
  gst_tag_list_add (
      st->tags, GST_TAG_MERGE_APPEND, GST_TAG_COMMENT, valid, nullptr);
  g_free (valid);
  st->tags_pending = true;
}

static GstCaps *
gst_gif_demux_make_caps (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  int par_n = 1, par_d = 1;
  if (st->screen.aspect != 0) {
    /* The aspect byte gives width/height of a pixel as (aspect + 15) / 64. */
    par_n = st->screen.aspect + 15;
    par_d = 64;
  }
  /* A constant rate once every delay is known (the pull-mode scan, or a push-mode indexing
   * pass); 0/1 (variable) otherwise. */
  mk::gif::FrameRate rate;
  if (st->scanned || st->index_complete)
    rate = st->timeline.frameRate ();
  return gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN, TRUE,
      "width", G_TYPE_INT, (int)st->screen.width, "height", G_TYPE_INT,
      (int)st->screen.height, "framerate", GST_TYPE_FRACTION, (int)rate.num,
      (int)rate.den, "pixel-aspect-ratio", GST_TYPE_FRACTION, par_n, par_d,
      "loop-count", G_TYPE_INT, st->loop_count, "codec_data", GST_TYPE_BUFFER,
      st->codec_data, nullptr);
}

/* Creates and announces the source pad once the header, and what precedes the first frame, is
 * known: the caps carry the loop count, which comes after the header. */
static void
gst_gif_demux_ensure_src_pad (GstGifDemux *self)
{
  if (self->srcpad)
    return;

  GstPad *pad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (gst_gif_demux_src_event));
  gst_pad_set_query_function (pad, GST_DEBUG_FUNCPTR (gst_gif_demux_src_query));
  gst_pad_use_fixed_caps (pad);
  gst_pad_set_active (pad, TRUE);

  gchar *stream_id =
      gst_pad_create_stream_id (pad, GST_ELEMENT_CAST (self), nullptr);
  GstEvent *start = gst_event_new_stream_start (stream_id);
  gst_event_set_group_id (start, gst_util_group_id_next ());
  gst_pad_push_event (pad, start);
  g_free (stream_id);

  GstCaps *caps = gst_gif_demux_make_caps (self);
  GST_INFO_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);
  gst_pad_set_caps (pad, caps);
  gst_caps_unref (caps);

  self->srcpad = pad;
  gst_element_add_pad (GST_ELEMENT (self), pad);
  gst_element_no_more_pads (GST_ELEMENT (self));

  GstTagList *container =
      gst_tag_list_new (GST_TAG_CONTAINER_FORMAT, "GIF", nullptr);
  self->state->tags = self->state->tags
                          ? gst_tag_list_make_writable (self->state->tags)
                          : gst_tag_list_new_empty ();
  gst_tag_list_insert (self->state->tags, container, GST_TAG_MERGE_KEEP);
  gst_tag_list_unref (container);
  self->state->tags_pending = true;
}

/* An EOS ending the current segment: it carries the segment's seqnum. */
static GstEvent *
gst_gif_demux_new_eos (GstGifDemux *self)
{
  GstEvent *eos = gst_event_new_eos ();
  gst_event_set_seqnum (eos, self->state->segment_seqnum);
  return eos;
}

static void
gst_gif_demux_push_pending_events (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  if (st->segment_pending) {
    GstEvent *seg = gst_event_new_segment (&st->segment);
    gst_event_set_seqnum (seg, st->segment_seqnum);
    gst_pad_push_event (self->srcpad, seg);
    st->segment_pending = false;
  }
  if (st->tags_pending && st->tags) {
    st->tags = gst_tag_list_make_writable (st->tags);
    gst_tag_list_set_scope (st->tags, GST_TAG_SCOPE_GLOBAL);
    gst_pad_push_event (
        self->srcpad, gst_event_new_tag (gst_tag_list_ref (st->tags)));
    st->tags_pending = false;
  }
}

/* Timestamps and flags a frame buffer from its timeline entry, in play `play`. */
static void
gst_gif_demux_stamp (
    GstGifDemux *self, GstBuffer *buffer, size_t index, guint64 play)
{
  GifDemuxState *st = self->state;
  const mk::gif::TimelineEntry &e = st->timeline[index];
  GST_BUFFER_PTS (buffer) = play * st->timeline.totalNs () + e.pts_ns;
  GST_BUFFER_DTS (buffer) = GST_BUFFER_PTS (buffer);
  GST_BUFFER_DURATION (buffer) = st->timeline.durationNs (index);
  GST_BUFFER_OFFSET (buffer) = index;
  GST_BUFFER_OFFSET_END (buffer) = index + 1;
  if (e.key)
    GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  else
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  if (st->discont) {
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
    st->discont = false;
  }
}

static GstFlowReturn
gst_gif_demux_push_frame (GstGifDemux *self, GstBuffer *buffer)
{
  GifDemuxState *st = self->state;
  gst_gif_demux_push_pending_events (self);
  if (GST_BUFFER_PTS_IS_VALID (buffer)) {
    std::lock_guard<std::mutex> lock (st->index_lock);
    st->segment.position = GST_BUFFER_PTS (buffer);
  }
  GST_LOG_OBJECT (self,
      "frame %" G_GUINT64_FORMAT " pts %" GST_TIME_FORMAT
      " size %" G_GSIZE_FORMAT,
      GST_BUFFER_OFFSET (buffer), GST_TIME_ARGS (GST_BUFFER_PTS (buffer)),
      gst_buffer_get_size (buffer));
  return gst_pad_push (self->srcpad, buffer);
}

/* Posts the error for a stream whose header could not be read. */
static void
gst_gif_demux_header_error (GstGifDemux *self, const mk::Status &status)
{
  if (!self->state->reader.signatureSeen ())
    GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_NOT_GIF),
        ("%s", status.message ().c_str ()));
  else if (status.code () == mk::Errc::kUnsupported)
    GIF_DEMUX_POST (self,
        gst_gif_message (GST_GIF_MSG_DEMUX_TOO_LARGE, status.message ()),
        ("raise the max-canvas-pixels property to accept it"));
  else
    GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_BAD_HEADER),
        ("%s", status.message ().c_str ()));
}

enum class ParseOutcome { kNeedData, kEnd, kError, kFlow };

/* Runs the reader over what it has been given. With `push_frames`, frames are sent downstream
 * at once (push mode); otherwise they are only indexed (the pull-mode scan). */
static ParseOutcome
gst_gif_demux_parse (GstGifDemux *self, bool push_frames, GstFlowReturn *flow)
{
  GifDemuxState *st = self->state;
  *flow = GST_FLOW_OK;

  for (;;) {
    mk::Result<mk::gif::Event> ev = st->reader.next ();
    if (!ev) {
      const mk::Status &status = ev.status ();
      if (!st->have_header) {
        gst_gif_demux_header_error (self, status);
        *flow = GST_FLOW_ERROR;
        return ParseOutcome::kError;
      }
      /* Said once: the pass that sends frames says it where the damage is, and with no
       * frame before it the "no images" error says it. */
      if (st->timeline.empty ())
        st->damage = status.message ();
      else if (st->push_scan != GifDemuxState::PushScan::kReading &&
               !st->truncated_said)
        GIF_DEMUX_POST (self,
            gst_gif_message (GST_GIF_MSG_DEMUX_DAMAGED, st->timeline.size ()),
            ("%s", status.message ().c_str ()));
      GST_INFO_OBJECT (self, "damaged: %s", status.message ().c_str ());
      return ParseOutcome::kError;
    }
    switch (*ev) {
      case mk::gif::Event::kNeedData:
        return ParseOutcome::kNeedData;
      case mk::gif::Event::kEnd:
        return ParseOutcome::kEnd;
      case mk::gif::Event::kHeader: {
        st->screen = st->reader.screen ();
        st->have_header = true;
        gst_clear_buffer (&st->codec_data);
        st->codec_data = gst_buffer_new_memdup (
            st->reader.eventData (), st->reader.eventSize ());
        GST_INFO_OBJECT (self, "GIF %ux%u, global palette of %u colours",
            st->screen.width, st->screen.height,
            st->screen.global_palette.size);
        break;
      }
      case mk::gif::Event::kExtension: {
        const mk::gif::Extension &ext = st->reader.extension ();
        /* After the push-mode read-ahead the comments are known already. */
        if (ext.kind == mk::gif::ExtensionKind::kComment &&
            st->push_scan != GifDemuxState::PushScan::kDone)
          gst_gif_demux_add_comment (self, ext);
        else if (ext.kind == mk::gif::ExtensionKind::kLoop &&
                 ext.has_loop_count && st->timeline.empty ())
          st->loop_count = ext.loop_count;
        break;
      }
      case mk::gif::Event::kFrame: {
        const mk::gif::FrameInfo &f = st->reader.frame ();
        guint64 offset = st->push_base + f.record.offset;
        size_t index = st->timeline.frameAtOffset (offset);
        if (index == st->timeline.size ()) {
          if (!st->timeline.empty () &&
              offset < st->timeline[st->timeline.size () - 1].offset) {
            GST_WARNING_OBJECT (self,
                "frame at offset %" G_GUINT64_FORMAT
                " is not in the index; dropped",
                offset);
            break;
          }
          std::lock_guard<std::mutex> lock (st->index_lock);
          st->timeline.append (
              offset, (uint32_t)f.record.size, f.control.delay_cs, f.key);
        }
        if (f.truncated && st->push_scan != GifDemuxState::PushScan::kReading) {
          GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_TRUNCATED),
              ("frame %zu ends at offset %" G_GUINT64_FORMAT, index,
                  offset + f.record.size));
          st->truncated_said = true;
        }
        if (!push_frames)
          break;
        gst_gif_demux_ensure_src_pad (self);
        GstBuffer *buffer = gst_buffer_new_memdup (
            st->reader.eventData (), st->reader.eventSize ());
        gst_gif_demux_stamp (self, buffer, index, 0);
        *flow = gst_gif_demux_push_frame (self, buffer);
        if (*flow != GST_FLOW_OK)
          return ParseOutcome::kFlow;
        break;
      }
    }
  }
}

/* ---------------------------------------------------------------- push mode */

/* Whether upstream seeks in bytes (then the file is read ahead and indexed first). */
static gboolean
gst_gif_demux_upstream_seekable (GstGifDemux *self)
{
  GstQuery *q = gst_query_new_seeking (GST_FORMAT_BYTES);
  gboolean seekable = FALSE;
  if (gst_pad_peer_query (self->sinkpad, q))
    gst_query_parse_seeking (q, nullptr, &seekable, nullptr, nullptr);
  gst_query_unref (q);
  return seekable && self->state->push_base == 0;
}

/* Push mode has seen every frame: the duration is known (once). */
static void
gst_gif_demux_index_complete (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    if (st->index_complete)
      return;
    st->index_complete = true;
  }
  gst_element_post_message (
      GST_ELEMENT (self), gst_message_new_duration_changed (GST_OBJECT (self)));
}

/* Posts "contains no images", with how far the demuxer read and what damage stopped it. */
static void
gst_gif_demux_no_images (GstGifDemux *self, const std::string &how_far)
{
  const std::string &damage = self->state->damage;
  GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_NO_IMAGES),
      ("%s%s%s", how_far.c_str (), damage.empty () ? "" : "; ",
          damage.c_str ()));
}

/* Damage in push mode: what came before it was sent and the rest cannot be read, so the
 * stream ends here. EOS goes downstream now, since upstream need not send one after
 * GST_FLOW_EOS (a queue drops it). */
static GstFlowReturn
gst_gif_demux_end_early (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  gst_gif_demux_index_complete (self);
  if (!self->srcpad) {
    gst_gif_demux_no_images (
        self, "damaged after " + std::to_string (st->reader.bytesPushed ()) +
                  " bytes");
    return GST_FLOW_ERROR;
  }
  gst_gif_demux_push_pending_events (self);
  gst_pad_push_event (self->srcpad, gst_gif_demux_new_eos (self));
  st->eos_sent = true;
  return GST_FLOW_EOS;
}

/* Ends the read-ahead: plays the bytes read so far through a new reader, sending frames.
 * `complete` when the whole file was read (its trailer, damage, or EOS): the index is then
 * complete. Otherwise (over READ_AHEAD_BYTES) the rest streams in as from a pipe. The reader is
 * not finished here: at EOS the caller does that. */
static GstFlowReturn
gst_gif_demux_play_ahead (GstGifDemux *self, bool complete)
{
  GifDemuxState *st = self->state;
  if (complete && st->timeline.empty ()) {
    gst_gif_demux_no_images (
        self, "read " + std::to_string (st->reader.bytesPushed ()) + " bytes");
    return GST_FLOW_ERROR;
  }
  if (complete)
    gst_gif_demux_index_complete (self);
  GST_INFO_OBJECT (self, "read ahead %" G_GSIZE_FORMAT " bytes, %zu frames%s",
      gst_adapter_available (st->ahead), st->timeline.size (),
      complete ? " (all of it)" : "; streaming the rest");
  mk::gif::ReaderLimits limits;
  limits.max_canvas_pixels = (guint64)st->active.max_canvas_pixels;
  st->reader = mk::gif::Reader (limits);
  st->push_scan = complete ? GifDemuxState::PushScan::kDone
                           : GifDemuxState::PushScan::kNone;
  st->discont = true;
  gsize size = gst_adapter_available (st->ahead);
  if (size == 0)
    return GST_FLOW_OK;
  GstBuffer *all = gst_adapter_take_buffer (st->ahead, size);
  GstMapInfo map;
  GstFlowReturn flow = GST_FLOW_OK;
  if (!gst_buffer_map (all, &map, GST_MAP_READ)) {
    gst_buffer_unref (all);
    GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_MAP_FAILED),
        ("could not map the %" G_GSIZE_FORMAT " bytes read ahead", size));
    return GST_FLOW_ERROR;
  }
  /* (the reader reads the pushed bytes in place: they stay mapped until parsed) */
  mk::Status pushed = st->reader.push (map.data, map.size);
  if (!pushed)
    GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_DATA_REFUSED),
        ("%s", pushed.message ().c_str ()));
  else if (gst_gif_demux_parse (self, true, &flow) == ParseOutcome::kError &&
           flow == GST_FLOW_OK)
    flow = gst_gif_demux_end_early (self);
  gst_buffer_unmap (all, &map);
  gst_buffer_unref (all);
  return pushed ? flow : GST_FLOW_ERROR;
}

static GstFlowReturn
gst_gif_demux_chain (
    GstPad *pad G_GNUC_UNUSED, GstObject *parent, GstBuffer *buffer)
{
  GstGifDemux *self = GST_GIF_DEMUX (parent);
  GifDemuxState *st = self->state;
  GstFlowReturn flow = GST_FLOW_OK;
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref (buffer);
    GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_MAP_FAILED),
        ("could not map input buffer"));
    return GST_FLOW_ERROR;
  }
  if (st->push_scan == GifDemuxState::PushScan::kUnknown)
    st->push_scan = gst_gif_demux_upstream_seekable (self)
                        ? GifDemuxState::PushScan::kReading
                        : GifDemuxState::PushScan::kNone;
  bool reading = st->push_scan == GifDemuxState::PushScan::kReading;
  if (reading)
    gst_adapter_push (st->ahead, gst_buffer_ref (buffer));
  mk::Status pushed = st->reader.push (map.data, map.size);
  if (!pushed) {
    GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_DATA_REFUSED),
        ("%s", pushed.message ().c_str ()));
    flow = GST_FLOW_ERROR;
  } else {
    ParseOutcome out = gst_gif_demux_parse (self, !reading, &flow);
    if (reading && flow != GST_FLOW_ERROR &&
        (out == ParseOutcome::kEnd || out == ParseOutcome::kError)) {
      flow = gst_gif_demux_play_ahead (self, true);
    } else if (reading && flow != GST_FLOW_ERROR &&
               gst_adapter_available (st->ahead) > READ_AHEAD_BYTES) {
      flow = gst_gif_demux_play_ahead (self, false);
    } else if (out == ParseOutcome::kError && flow == GST_FLOW_OK) {
      flow = gst_gif_demux_end_early (self);
    }
  }
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  if (st->push_flow == GST_FLOW_OK)
    st->push_flow = flow;
  return flow;
}

/* End of input in push mode: flush what the reader holds, then end the stream. */
static void
gst_gif_demux_push_eos (GstGifDemux *self, GstEvent *event)
{
  GifDemuxState *st = self->state;
  GstFlowReturn flow = st->push_flow;

  if (st->eos_sent) {
    gst_event_unref (event);
    return;
  }
  st->reader.finish ();
  if (st->push_flow != GST_FLOW_OK) {
    /* After a refusal or an error, what is left is not sent, and no error is posted twice. */
  } else if (st->push_scan == GifDemuxState::PushScan::kReading) {
    /* The whole file came before its trailer: index what is there, then play it. */
    gst_gif_demux_parse (self, false, &flow);
    if (flow != GST_FLOW_ERROR && st->have_header)
      flow = gst_gif_demux_play_ahead (self, true);
    if (flow == GST_FLOW_OK) {
      st->reader.finish ();
      if (gst_gif_demux_parse (self, true, &flow) == ParseOutcome::kError &&
          flow == GST_FLOW_OK)
        flow = gst_gif_demux_end_early (self);
    }
    if (st->eos_sent) {
      gst_event_unref (event);
      return;
    }
  } else {
    gst_gif_demux_parse (self, true, &flow);
  }
  gst_gif_demux_index_complete (self);
  if (!self->srcpad) {
    /* (after GST_FLOW_ERROR, the error is posted already) */
    if (flow != GST_FLOW_ERROR && st->have_header)
      gst_gif_demux_no_images (
          self, "end of stream after " +
                    std::to_string (st->reader.bytesPushed ()) + " bytes");
    else if (flow != GST_FLOW_ERROR)
      GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_NOT_GIF),
          ("no GIF header before the end of the "
           "stream"));
    gst_event_unref (event);
    return;
  }
  gst_gif_demux_push_pending_events (self);
  gst_event_unref (event);
  gst_pad_push_event (self->srcpad, gst_gif_demux_new_eos (self));
}

static gboolean
gst_gif_demux_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstGifDemux *self = GST_GIF_DEMUX (parent);
  GifDemuxState *st = self->state;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT: {
      const GstSegment *segment;
      gst_event_parse_segment (event, &segment);
      std::lock_guard<std::mutex> lock (st->index_lock);
      if (segment->format == GST_FORMAT_BYTES && st->have_header &&
          st->pending_seek) {
        /* The answer to our byte seek: frames start again at segment->start. */
        st->push_base = segment->start;
        st->reader.resetBody (st->screen);
        st->segment = st->pending_segment;
        st->segment_seqnum = gst_event_get_seqnum (event);
        st->segment_pending = true;
        st->discont = true;
        st->pending_seek = false;
      }
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_CAPS:
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_EOS:
      if (st->pull_mode) {
        gst_event_unref (event);
        return TRUE;
      }
      gst_gif_demux_push_eos (self, event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP:
      st->push_flow = GST_FLOW_OK;
      st->eos_sent = false;
      if (st->push_scan == GifDemuxState::PushScan::kReading) {
        /* Upstream was moved under the read-ahead: what was read is no longer the start
         * of the file; stream from here on. */
        gst_adapter_clear (st->ahead);
        st->push_scan = GifDemuxState::PushScan::kNone;
      }
      if (!st->pull_mode && st->have_header) {
        st->reader.resetBody (st->screen);
        st->discont = true;
      }
      break;
    default:
      break;
  }
  if (!self->srcpad) {
    gst_event_unref (event);
    return TRUE;
  }
  return gst_pad_event_default (pad, parent, event);
}

/* ---------------------------------------------------------------- pull mode */

/* Reads the whole file once through the reader without decoding, to learn its frames, delays,
 * loop count and comments. Returns FALSE (with an error posted) when there is nothing to play. */
static gboolean
gst_gif_demux_scan (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  guint64 offset = 0;
  GstFlowReturn flow = GST_FLOW_OK;
  ParseOutcome out = ParseOutcome::kNeedData;

  while (out == ParseOutcome::kNeedData) {
    GstBuffer *chunk = nullptr;
    GstFlowReturn ret =
        gst_pad_pull_range (self->sinkpad, offset, SCAN_CHUNK_SIZE, &chunk);
    if (ret == GST_FLOW_EOS ||
        (ret == GST_FLOW_OK && gst_buffer_get_size (chunk) == 0)) {
      gst_clear_buffer (&chunk);
      st->reader.finish ();
      out = gst_gif_demux_parse (self, false, &flow);
      break;
    }
    if (ret != GST_FLOW_OK) {
      if (ret == GST_FLOW_FLUSHING)
        return FALSE;
      GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_READ_FAILED),
          ("pull_range at %" G_GUINT64_FORMAT " returned %s", offset,
              gst_flow_get_name (ret)));
      return FALSE;
    }
    GstMapInfo map;
    gst_buffer_map (chunk, &map, GST_MAP_READ);
    mk::Status pushed = st->reader.push (map.data, map.size);
    if (pushed)
      out = gst_gif_demux_parse (self, false, &flow);
    gst_buffer_unmap (chunk, &map);
    offset += gst_buffer_get_size (chunk);
    gst_buffer_unref (chunk);
    if (!pushed) {
      GIF_DEMUX_POST (self,
          gst_gif_message (GST_GIF_MSG_DEMUX_SCAN_DATA_REFUSED),
          ("%s", pushed.message ().c_str ()));
      break;
    }
  }
  if (flow == GST_FLOW_ERROR)
    return FALSE;
  if (st->timeline.empty ()) {
    gst_gif_demux_no_images (
        self, "scanned " + std::to_string (offset) + " bytes");
    return FALSE;
  }
  if (st->reader.trailerSeen () && st->reader.bytesAfterTrailer () > 0)
    GST_INFO_OBJECT (self,
        "ignoring %" G_GUINT64_FORMAT " bytes after the "
        "trailer",
        st->reader.bytesAfterTrailer ());
  GST_INFO_OBJECT (self,
      "%zu frames, %" GST_TIME_FORMAT " per play, loop "
      "count %d",
      st->timeline.size (), GST_TIME_ARGS (st->timeline.totalNs ()),
      st->loop_count);
  st->scanned = true;
  if (st->active.honor_loop && st->loop_count >= 0 &&
      st->timeline.totalNs () == 0)
    GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_LOOP_NO_TIME),
        ("loop count %d, %zu frames, every delay 0", st->loop_count,
            st->timeline.size ()));
  gst_gif_demux_ensure_src_pad (self);
  gst_element_post_message (
      GST_ELEMENT (self), gst_message_new_duration_changed (GST_OBJECT (self)));
  return TRUE;
}

static void
gst_gif_demux_pause (GstGifDemux *self, GstFlowReturn ret)
{
  GifDemuxState *st = self->state;
  GST_DEBUG_OBJECT (self, "pausing task: %s", gst_flow_get_name (ret));
  gst_pad_pause_task (self->sinkpad);
  if (ret == GST_FLOW_EOS) {
    if (!self->srcpad)
      return;
    if (st->segment.flags & GST_SEGMENT_FLAG_SEGMENT) {
      gint64 stop = GST_CLOCK_TIME_IS_VALID (st->segment.stop)
                        ? (gint64)st->segment.stop
                        : (gint64)st->segment.position;
      GstMessage *msg = gst_message_new_segment_done (
          GST_OBJECT (self), GST_FORMAT_TIME, stop);
      gst_message_set_seqnum (msg, st->segment_seqnum);
      gst_element_post_message (GST_ELEMENT (self), msg);
      GstEvent *done = gst_event_new_segment_done (GST_FORMAT_TIME, stop);
      gst_event_set_seqnum (done, st->segment_seqnum);
      gst_pad_push_event (self->srcpad, done);
    } else {
      gst_pad_push_event (self->srcpad, gst_gif_demux_new_eos (self));
    }
  } else if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) {
    GST_ELEMENT_FLOW_ERROR (self, ret);
    if (self->srcpad)
      gst_pad_push_event (self->srcpad, gst_gif_demux_new_eos (self));
  }
}

static void
gst_gif_demux_loop (GstPad *pad)
{
  GstGifDemux *self = GST_GIF_DEMUX (gst_pad_get_parent (pad));
  GifDemuxState *st = self->state;
  GstFlowReturn ret = GST_FLOW_OK;

  if (st->held.message) {
    /* The autoplugger drops the errors of an element it is still trying: wait until it has
     * taken us (it unlocks our state right after it stops filtering our errors). There is no
     * signal for that; the wait lasts as long as the autoplugger's bookkeeping. */
    if (gst_element_is_locked_state (GST_ELEMENT (self))) {
      g_usleep (1000);
      gst_object_unref (self);
      return;
    }
    gst_mk_message_post (GST_ELEMENT (self), st->held, st->held_debug, __FILE__,
        GST_FUNCTION, __LINE__);
    st->held = {nullptr, nullptr};
    st->held_debug = nullptr;
    gst_pad_pause_task (pad);
    gst_object_unref (self);
    return;
  }

  if (!st->scanned && !gst_gif_demux_scan (self)) {
    gst_pad_pause_task (pad);
    gst_object_unref (self);
    return;
  }

  if (st->next_frame >= st->timeline.size ()) {
    guint64 plays = gst_gif_demux_plays (self);
    if (plays != 0 && st->play + 1 >= plays) {
      gst_gif_demux_pause (self, GST_FLOW_EOS);
      gst_object_unref (self);
      return;
    }
    /* The next play starts from an empty canvas, as browsers do. */
    st->play++;
    st->next_frame = 0;
  }

  {
    size_t index = st->next_frame;
    const mk::gif::TimelineEntry &e = st->timeline[index];
    guint64 pts = st->play * st->timeline.totalNs () + e.pts_ns;
    if (GST_CLOCK_TIME_IS_VALID (st->segment.stop) && pts >= st->segment.stop) {
      gst_gif_demux_pause (self, GST_FLOW_EOS);
      gst_object_unref (self);
      return;
    }
    GstBuffer *buffer = nullptr;
    ret = gst_pad_pull_range (pad, e.offset, e.size, &buffer);
    if (ret == GST_FLOW_OK && gst_buffer_get_size (buffer) < e.size) {
      /* The file shrank since the scan. */
      gst_buffer_unref (buffer);
      ret = GST_FLOW_EOS;
    }
    if (ret == GST_FLOW_OK) {
      gst_gif_demux_stamp (self, buffer, index, st->play);
      st->next_frame++;
      ret = gst_gif_demux_push_frame (self, buffer);
    }
  }
  if (ret != GST_FLOW_OK)
    gst_gif_demux_pause (self, ret);
  gst_object_unref (self);
}

static gboolean
gst_gif_demux_sink_activate (GstPad *pad, GstObject *parent G_GNUC_UNUSED)
{
  GstQuery *query = gst_query_new_scheduling ();
  gboolean pull = FALSE;

  if (gst_pad_peer_query (pad, query))
    pull = gst_query_has_scheduling_mode_with_flags (
        query, GST_PAD_MODE_PULL, GST_SCHEDULING_FLAG_SEEKABLE);
  gst_query_unref (query);

  /* No fallback to push mode when pull activation fails: that failure is a file that cannot
   * be played, already reported. */
  if (pull)
    return gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE);
  return gst_pad_activate_mode (pad, GST_PAD_MODE_PUSH, TRUE);
}

static gboolean
gst_gif_demux_sink_activate_mode (
    GstPad *pad, GstObject *parent, GstPadMode mode, gboolean active)
{
  GstGifDemux *self = GST_GIF_DEMUX (parent);

  switch (mode) {
    case GST_PAD_MODE_PULL:
      if (active) {
        self->state->pull_mode = true;
        /* Scan in the state change itself: a file that is not a playable GIF fails the change
         * at once (its error message on the bus), instead of erroring later from the streaming
         * thread. gst-launch-1.0 1.22 can miss an error posted before its main loop runs (its
         * bus sync handler quits a loop not yet running) and then waits forever; a failed state
         * change it always sees.
         * Except inside an autoplugger (decodebin, parsebin: they lock the state of the
         * element they try): it drops the error of an element that fails to start and tries
         * the next one (gst-libav's avdemux_gif, which hangs on some damaged headers). There
         * the start succeeds, and the streaming thread posts the error once the autoplugger
         * has taken the element. */
        if (!self->state->scanned) {
          self->state->hold_errors =
              gst_element_is_locked_state (GST_ELEMENT (self));
          gboolean scanned = gst_gif_demux_scan (self);
          self->state->hold_errors = false;
          if (!scanned && !self->state->held.message)
            return FALSE;
        }
        return gst_pad_start_task (
            pad, (GstTaskFunction)gst_gif_demux_loop, pad, nullptr);
      }
      return gst_pad_stop_task (pad);
    case GST_PAD_MODE_PUSH:
      if (active)
        self->state->pull_mode = false;
      return TRUE;
    default:
      return FALSE;
  }
}

/* ---------------------------------------------------------------- seeking */

/* Picks the frame to start from for a seek to `target` (inside play `play`), moving the segment
 * to that key frame when the seek asks for key units. Returns the frame index. */
static size_t
gst_gif_demux_seek_frame (
    GstGifDemux *self, GstSegment *seg, GstSeekFlags flags, guint64 play)
{
  GifDemuxState *st = self->state;
  const mk::gif::Timeline &tl = st->timeline;
  guint64 base = play * tl.totalNs ();
  guint64 target = seg->position > base ? seg->position - base : 0;
  size_t frame = tl.frameAt (target);
  size_t key = tl.keyAtOrBefore (frame);

  if (flags & GST_SEEK_FLAG_KEY_UNIT) {
    size_t after = tl.keyAtOrAfter (frame);
    if (after < tl.size ()) {
      if (flags & GST_SEEK_FLAG_SNAP_AFTER &&
          !(flags & GST_SEEK_FLAG_SNAP_BEFORE))
        key = after;
      else if ((flags & GST_SEEK_FLAG_SNAP_NEAREST) ==
                   GST_SEEK_FLAG_SNAP_NEAREST &&
               tl[after].pts_ns - target < target - tl[key].pts_ns)
        key = after;
    }
    guint64 t = base + tl[key].pts_ns;
    seg->start = seg->position = seg->time = t;
  }
  return key;
}

/* A TIME seek, as parsed from the event. */
struct SeekRequest
{
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;

  /* Only forward seeks in TIME are served. */
  bool parse (GstEvent *event)
  {
    gst_event_parse_seek (
        event, &rate, &format, &flags, &start_type, &start, &stop_type, &stop);
    return format == GST_FORMAT_TIME && rate > 0.0;
  }

  /* The segment after this seek, starting from `current`. */
  GstSegment apply (const GstSegment &current) const
  {
    GstSegment seg = current;
    gboolean update;
    gst_segment_do_seek (
        &seg, rate, format, flags, start_type, start, stop_type, stop, &update);
    return seg;
  }
};

static gboolean
gst_gif_demux_handle_pull_seek (GstGifDemux *self, GstEvent *event)
{
  GifDemuxState *st = self->state;
  SeekRequest req;

  if (!req.parse (event)) {
    GST_DEBUG_OBJECT (self, "only forward seeks in TIME are supported");
    return FALSE;
  }
  GstSeekFlags flags = req.flags;
  guint32 seqnum = gst_event_get_seqnum (event);
  bool flush = (flags & GST_SEEK_FLAG_FLUSH) != 0;

  if (flush) {
    GstEvent *fs = gst_event_new_flush_start ();
    gst_event_set_seqnum (fs, seqnum);
    gst_pad_push_event (self->sinkpad, gst_event_ref (fs));
    if (self->srcpad)
      gst_pad_push_event (self->srcpad, fs);
    else
      gst_event_unref (fs);
  } else {
    gst_pad_pause_task (self->sinkpad);
  }

  GST_PAD_STREAM_LOCK (self->sinkpad);

  if (flush) {
    GstEvent *fstop = gst_event_new_flush_stop (TRUE);
    gst_event_set_seqnum (fstop, seqnum);
    gst_pad_push_event (self->sinkpad, fstop);
  }
  /* A seek before the first frame: scan now so the seek can be served. */
  if (!st->scanned && !gst_gif_demux_scan (self)) {
    GST_PAD_STREAM_UNLOCK (self->sinkpad);
    return FALSE;
  }

  GstSegment seg = req.apply (st->segment);

  guint64 per_play = st->timeline.totalNs ();
  guint64 plays = gst_gif_demux_plays (self);
  guint64 play = per_play ? seg.position / per_play : 0;
  if (plays != 0 && play >= plays)
    play = plays - 1;
  size_t frame = gst_gif_demux_seek_frame (self, &seg, flags, play);
  GST_DEBUG_OBJECT (self,
      "seek to %" GST_TIME_FORMAT ": play %" G_GUINT64_FORMAT
      ", decode from frame %zu",
      GST_TIME_ARGS (seg.position), play, frame);

  if (flush && self->srcpad) {
    GstEvent *fstop = gst_event_new_flush_stop (TRUE);
    gst_event_set_seqnum (fstop, seqnum);
    gst_pad_push_event (self->srcpad, fstop);
  }

  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    st->segment = seg;
  }
  st->segment_pending = true;
  st->segment_seqnum = seqnum;
  st->discont = true;
  st->next_frame = frame;
  st->play = play;

  if (seg.flags & GST_SEGMENT_FLAG_SEGMENT) {
    GstMessage *msg = gst_message_new_segment_start (
        GST_OBJECT (self), GST_FORMAT_TIME, (gint64)seg.position);
    gst_message_set_seqnum (msg, seqnum);
    gst_element_post_message (GST_ELEMENT (self), msg);
  }

  gst_pad_start_task (self->sinkpad, (GstTaskFunction)gst_gif_demux_loop,
      self->sinkpad, nullptr);
  GST_PAD_STREAM_UNLOCK (self->sinkpad);
  return TRUE;
}

/* Push mode: a TIME seek becomes a BYTES seek upstream to the key frame's record, for frames
 * already indexed (or any frame once the whole file has been seen). */
static gboolean
gst_gif_demux_handle_push_seek (GstGifDemux *self, GstEvent *event)
{
  GifDemuxState *st = self->state;
  SeekRequest req;

  if (!req.parse (event))
    return FALSE;
  GstSeekFlags flags = req.flags;

  /* Not the stream lock: the streaming thread may hold it, blocked downstream, until the
   * flush that upstream sends for this very seek frees it. */
  guint64 offset;
  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    if (st->timeline.empty ())
      return FALSE;
    GstSegment seg = req.apply (st->segment);
    if (!st->index_complete && seg.position >= st->timeline.totalNs ()) {
      GST_DEBUG_OBJECT (self, "cannot seek past what has been indexed in push "
                              "mode");
      return FALSE;
    }
    size_t frame = gst_gif_demux_seek_frame (self, &seg, flags, 0);
    st->pending_segment = seg;
    st->pending_seek = true;
    offset = st->timeline[frame].offset;
  }

  /* Upstream plays bytes at rate 1; the rate goes in our TIME segment. */
  GstEvent *byte_seek = gst_event_new_seek (1.0, GST_FORMAT_BYTES,
      (GstSeekFlags)(flags & (GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE)),
      GST_SEEK_TYPE_SET, (gint64)offset, GST_SEEK_TYPE_NONE, -1);
  gst_event_set_seqnum (byte_seek, gst_event_get_seqnum (event));
  gboolean ok = gst_pad_push_event (self->sinkpad, byte_seek);
  if (!ok) {
    std::lock_guard<std::mutex> lock (st->index_lock);
    st->pending_seek = false;
  }
  return ok;
}

static gboolean
gst_gif_demux_src_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstGifDemux *self = GST_GIF_DEMUX (parent);

  if (GST_EVENT_TYPE (event) == GST_EVENT_SEEK) {
    gdouble rate;
    gst_event_parse_seek (
        event, &rate, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    if (rate < 0.0) {
      /* Refused: see docs/gifdemux.md (memory that grows with the animation). */
      GIF_DEMUX_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_NO_REVERSE),
          ("seek at rate %g", rate));
      gst_event_unref (event);
      return FALSE;
    }
    gboolean ok = self->state->pull_mode
                      ? gst_gif_demux_handle_pull_seek (self, event)
                      : gst_gif_demux_handle_push_seek (self, event);
    gst_event_unref (event);
    return ok;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_gif_demux_src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  GstGifDemux *self = GST_GIF_DEMUX (parent);
  GifDemuxState *st = self->state;
  GstFormat format;

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_DURATION: {
      gst_query_parse_duration (query, &format, nullptr);
      if (format != GST_FORMAT_TIME)
        break;
      GstClockTime d;
      {
        std::lock_guard<std::mutex> lock (st->index_lock);
        d = gst_gif_demux_duration (self);
      }
      if (!GST_CLOCK_TIME_IS_VALID (d))
        return FALSE;
      gst_query_set_duration (query, GST_FORMAT_TIME, (gint64)d);
      return TRUE;
    }
    case GST_QUERY_POSITION: {
      gst_query_parse_position (query, &format, nullptr);
      if (format != GST_FORMAT_TIME)
        break;
      gint64 position;
      {
        std::lock_guard<std::mutex> lock (st->index_lock);
        position = (gint64)st->segment.position;
      }
      gst_query_set_position (query, GST_FORMAT_TIME, position);
      return TRUE;
    }
    case GST_QUERY_SEEKING: {
      gst_query_parse_seeking (query, &format, nullptr, nullptr, nullptr);
      if (format != GST_FORMAT_TIME)
        break;
      GstClockTime d;
      {
        std::lock_guard<std::mutex> lock (st->index_lock);
        d = gst_gif_demux_duration (self);
      }
      gboolean seekable = st->pull_mode;
      if (!seekable) {
        /* Push mode seeks through upstream byte seeks. */
        GstQuery *q = gst_query_new_seeking (GST_FORMAT_BYTES);
        if (gst_pad_peer_query (self->sinkpad, q))
          gst_query_parse_seeking (q, nullptr, &seekable, nullptr, nullptr);
        gst_query_unref (q);
      }
      gst_query_set_seeking (query, GST_FORMAT_TIME, seekable, 0,
          GST_CLOCK_TIME_IS_VALID (d) ? (gint64)d : -1);
      return TRUE;
    }
    default:
      break;
  }
  return gst_pad_query_default (pad, parent, query);
}

/* ---------------------------------------------------------------- properties */

static void
gst_gif_demux_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstGifDemux *self = GST_GIF_DEMUX (object);
  GST_OBJECT_LOCK (self);
  gboolean handled = gst_mk_options_set_property (mk::gif::demuxOptions (),
      &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_gif_demux_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstGifDemux *self = GST_GIF_DEMUX (object);
  GST_OBJECT_LOCK (self);
  gboolean handled = gst_mk_options_get_property (mk::gif::demuxOptions (),
      &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  GST_OBJECT_UNLOCK (self);
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}
