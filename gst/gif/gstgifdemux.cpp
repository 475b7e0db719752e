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

#include <mutex>
#include <optional>
#include <string>

#include "common/gstmkoptions.h"
#include "gif/demuxer.h"
#include "gif/settings.h"

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

using mk::gif::Demuxer;
using mk::gif::DemuxFrame;

/* What the element is doing: gst_gif_demux_step () switches over it for the chain function
 * (push mode) and the task (pull mode); gst_gif_demux_reset () is the one cleanup. */
enum class DemuxState {
  kStart, /* nothing read yet (pull mode scans the file in the activation) */
  kPlay, /* frames go out: pull mode from the index, push mode as their records complete */
  kResume, /* push, after a flush: the next byte segment says where the bytes resume */
  kStopped, /* push: downstream refused a frame; data is dropped, the EOS to come goes on */
  kDone, /* EOS, or an error, went downstream: nothing more until a flush or a seek */
  kFailed, /* pull mode in an autoplugger: nothing to play; the task says why (see
             * gst_gif_demux_sink_activate_mode) */
};

/* C++ members of the element, created in _init and deleted in _finalize. */
struct GifDemuxState
{
  mk::gif::DemuxSettings settings; /* the properties, under the object lock */

  /* Streaming state, under the sink pad's stream lock. The streaming thread also holds
   * `index_lock` while it runs the demuxer (which grows the index) or moves the segment; seeks
   * and queries from other threads take it to read them. A push-mode seek must not wait for
   * the stream lock: the streaming thread holds it while blocked downstream (preroll, clock
   * wait) until the flush that upstream sends for the seek frees it. Never held across a push
   * or a post. */
  std::mutex index_lock;
  Demuxer demux;
  DemuxState state = DemuxState::kStart;
  GstFlowReturn stopped_flow = GST_FLOW_OK;
  std::optional<GstSegment>
      pending_seek; /* push: applied at upstream's byte segment */

  GstSegment segment;
  bool segment_pending = true;
  guint32 segment_seqnum =
      GST_SEQNUM_INVALID; /* the EOS ending it carries it too */
  bool discont = true;
  GstTagList *tags = nullptr;
  bool tags_pending = false;
};

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

  if (self->state->tags)
    gst_tag_list_unref (self->state->tags);
  delete self->state;
  self->state = nullptr;

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Forgets the stream: back to what a new file needs, with the properties as they are now. */
static void
gst_gif_demux_reset (GstGifDemux *self)
{
  GifDemuxState *st = self->state;

  GST_OBJECT_LOCK (self);
  mk::gif::DemuxSettings settings = st->settings;
  GST_OBJECT_UNLOCK (self);
  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    st->demux = Demuxer (settings);
    st->pending_seek.reset ();
    gst_segment_init (&st->segment, GST_FORMAT_TIME);
  }
  st->state = DemuxState::kStart;
  st->stopped_flow = GST_FLOW_OK;
  st->segment_pending = true;
  st->segment_seqnum = gst_util_seqnum_next ();
  st->discont = true;
  if (st->tags)
    gst_tag_list_unref (st->tags);
  st->tags = nullptr;
  st->tags_pending = false;
}

static GstStateChangeReturn
gst_gif_demux_change_state (GstElement *element, GstStateChange transition)
{
  GstGifDemux *self = GST_GIF_DEMUX (element);

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    gst_gif_demux_reset (self);
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret != GST_STATE_CHANGE_FAILURE &&
      transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    if (self->srcpad) {
      gst_element_remove_pad (element, self->srcpad);
      self->srcpad = nullptr;
    }
    gst_gif_demux_reset (self);
  }
  return ret;
}

/* ---------------------------------------------------------------- output */

/* Says why nothing can be played (the demuxer failed). */
static void
gst_gif_demux_post_failure (GstGifDemux *self)
{
  const Demuxer &d = self->state->demux;
  const char *why = d.message ().c_str ();
  switch (d.failure ()) {
    case mk::gif::DemuxFailure::kNotGif:
      GST_MK_POST (
          self, gst_gif_message (GST_GIF_MSG_DEMUX_NOT_GIF), ("%s", why));
      break;
    case mk::gif::DemuxFailure::kTooLarge:
      GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_TOO_LARGE, why),
          ("raise the max-canvas-pixels property to accept it"));
      break;
    case mk::gif::DemuxFailure::kBadHeader:
      GST_MK_POST (
          self, gst_gif_message (GST_GIF_MSG_DEMUX_BAD_HEADER), ("%s", why));
      break;
    case mk::gif::DemuxFailure::kNoImages:
      GST_MK_POST (
          self, gst_gif_message (GST_GIF_MSG_DEMUX_NO_IMAGES), ("%s", why));
      break;
    case mk::gif::DemuxFailure::kNone:
      break;
  }
}

/* Creates and announces the source pad once the header, and what precedes the first frame, is
 * known: the caps carry the loop count, which comes after the header. */
static void
gst_gif_demux_ensure_src_pad (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  const Demuxer &d = st->demux;
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

  /* The frame rate is 0/1 (variable) until every delay is known. */
  mk::gif::FrameRate rate = d.frameRate ();
  mk::gif::PixelAspect par = d.pixelAspect ();
  GstBuffer *codec_data =
      gst_buffer_new_memdup (d.codecData ().data (), d.codecData ().size ());
  GstCaps *caps = gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN,
      TRUE, "width", G_TYPE_INT, (int)d.screen ().width, "height", G_TYPE_INT,
      (int)d.screen ().height, "framerate", GST_TYPE_FRACTION, (int)rate.num,
      (int)rate.den, "pixel-aspect-ratio", GST_TYPE_FRACTION, (int)par.num,
      (int)par.den, "loop-count", G_TYPE_INT, d.loopCount (), "codec_data",
      GST_TYPE_BUFFER, codec_data, nullptr);
  gst_buffer_unref (codec_data);
  GST_INFO_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);
  gst_pad_set_caps (pad, caps);
  gst_caps_unref (caps);

  self->srcpad = pad;
  gst_element_add_pad (GST_ELEMENT (self), pad);
  gst_element_no_more_pads (GST_ELEMENT (self));

  st->tags = st->tags ? gst_tag_list_make_writable (st->tags)
                      : gst_tag_list_new_empty ();
  gst_tag_list_add (
      st->tags, GST_TAG_MERGE_KEEP, GST_TAG_CONTAINER_FORMAT, "GIF", nullptr);
  st->tags_pending = true;
}

/* A comment the demuxer kept: the tags change (a tag event goes out before the next frame). */
static void
gst_gif_demux_add_comment (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  const std::string &text = st->demux.comments ().kept ().back ();
  gchar *valid = g_utf8_make_valid (text.c_str (), (gssize)text.size ());
  st->tags = st->tags ? gst_tag_list_make_writable (st->tags)
                      : gst_tag_list_new_empty ();
  gst_tag_list_add (
      st->tags, GST_TAG_MERGE_APPEND, GST_TAG_COMMENT, valid, nullptr);
  g_free (valid);
  st->tags_pending = true;
}

/* Pushes what must precede data (segment, tags), or, with `eos`, EOS itself: the EOS ending
 * a segment carries its seqnum. */
static void
gst_gif_demux_push_events (GstGifDemux *self, bool eos)
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
  if (eos) {
    GstEvent *event = gst_event_new_eos ();
    gst_event_set_seqnum (event, st->segment_seqnum);
    gst_pad_push_event (self->srcpad, event);
  }
}

/* Timestamps, flags and pushes one frame. */
static GstFlowReturn
gst_gif_demux_push_frame (
    GstGifDemux *self, GstBuffer *buffer, const DemuxFrame &f)
{
  GifDemuxState *st = self->state;
  gst_gif_demux_ensure_src_pad (self);
  gst_gif_demux_push_events (self, false);
  GST_BUFFER_PTS (buffer) = GST_BUFFER_DTS (buffer) = f.pts_ns;
  GST_BUFFER_DURATION (buffer) = f.duration_ns;
  GST_BUFFER_OFFSET (buffer) = f.index;
  GST_BUFFER_OFFSET_END (buffer) = f.index + 1;
  if (f.key)
    GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  else
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  if (st->discont)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  st->discont = false;
  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    st->segment.position = f.pts_ns;
  }
  GST_LOG_OBJECT (self, "frame %zu pts %" GST_TIME_FORMAT, f.index,
      GST_TIME_ARGS (f.pts_ns));
  return gst_pad_push (self->srcpad, buffer);
}

/* ---------------------------------------------------------------- the demuxer's events */

/* Gives the demuxer the next bytes of its pass (`buffer`; none with `last`: no more come) and
 * acts on its events until it needs data. Returns OK (more data wanted), EOS (no more
 * frames), ERROR (nothing to play: gst_gif_demux_post_failure () says why; or posted here) or
 * what downstream said to a frame. */
static GstFlowReturn
gst_gif_demux_feed (GstGifDemux *self, GstBuffer *buffer, bool last)
{
  GifDemuxState *st = self->state;
  Demuxer &d = st->demux;
  GstMapInfo map = GST_MAP_INFO_INIT;
  GstFlowReturn ret = GST_FLOW_OK;

  if (buffer && !gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_MAP_FAILED),
        ("could not map %" G_GSIZE_FORMAT " bytes of input",
            gst_buffer_get_size (buffer)));
    return GST_FLOW_ERROR;
  }
  /* (the demuxer reads the bytes in place: they stay mapped until it needs more) */
  mk::Status pushed =
      map.size ? d.push (map.data, map.size) : mk::Status::ok ();
  if (!pushed && GST_PAD_MODE (self->sinkpad) == GST_PAD_MODE_PUSH) {
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_DATA_REFUSED),
        ("%s", pushed.message ().c_str ()));
    ret = GST_FLOW_ERROR;
  } else if (!pushed) {
    /* The scan ends there, with the frames indexed before. */
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_SCAN_DATA_REFUSED),
        ("%s", pushed.message ().c_str ()));
    last = true;
  }
  if (last)
    d.finish ();
  while (ret == GST_FLOW_OK) {
    Demuxer::Event ev;
    {
      std::lock_guard<std::mutex> lock (st->index_lock);
      ev = d.next ();
    }
    if (ev == Demuxer::Event::kNeedData)
      break;
    switch (ev) {
      case Demuxer::Event::kComment:
        gst_gif_demux_add_comment (self);
        break;
      case Demuxer::Event::kTruncated:
        GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_TRUNCATED),
            ("%s", d.message ().c_str ()));
        break;
      case Demuxer::Event::kDamaged:
        GST_MK_POST (self,
            gst_gif_message (GST_GIF_MSG_DEMUX_DAMAGED, d.index ().size ()),
            ("%s", d.message ().c_str ()));
        break;
      case Demuxer::Event::kIndexed:
        GST_INFO_OBJECT (self,
            "%zu frames, %" GST_TIME_FORMAT " a play, loop count %d",
            d.index ().size (), GST_TIME_ARGS (d.index ().totalNs ()),
            d.loopCount ());
        gst_element_post_message (GST_ELEMENT (self),
            gst_message_new_duration_changed (GST_OBJECT (self)));
        break;
      case Demuxer::Event::kFrame:
        ret = gst_gif_demux_push_frame (self,
            gst_buffer_new_memdup (d.frame ().data, d.frame ().size),
            d.frame ());
        break;
      case Demuxer::Event::kEnd:
        ret = GST_FLOW_EOS;
        break;
      default: /* kFailed */
        ret = GST_FLOW_ERROR;
        break;
    }
  }
  if (buffer)
    gst_buffer_unmap (buffer, &map);
  return ret;
}

/* ---------------------------------------------------------------- the state machine */

/* Whether upstream seeks in bytes. */
static gboolean
gst_gif_demux_upstream_seekable (GstGifDemux *self)
{
  GstQuery *q = gst_query_new_seeking (GST_FORMAT_BYTES);
  gboolean seekable = FALSE;
  if (gst_pad_peer_query (self->sinkpad, q))
    gst_query_parse_seeking (q, nullptr, &seekable, nullptr, nullptr);
  gst_query_unref (q);
  return seekable;
}

/* Pull mode: the frame at the demuxer's cursor, read by its offset in the index. */
static GstFlowReturn
gst_gif_demux_pull_frame (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  DemuxFrame f;
  if (!st->demux.cursorFrame (&f) ||
      (GST_CLOCK_TIME_IS_VALID (st->segment.stop) &&
          f.pts_ns >= st->segment.stop))
    return GST_FLOW_EOS;
  GstBuffer *buffer = nullptr;
  GstFlowReturn ret = gst_pad_pull_range (
      self->sinkpad, f.record.offset, (guint)f.record.size, &buffer);
  if (ret != GST_FLOW_OK)
    return ret;
  if (gst_buffer_get_size (buffer) < f.record.size) {
    gst_buffer_unref (buffer); /* the file shrank since the scan */
    return GST_FLOW_EOS;
  }
  st->demux.advanceCursor ();
  return gst_gif_demux_push_frame (self, buffer, f);
}

/* One step: push mode gives a buffer (none with `eos`: upstream's EOS); the pull-mode task
 * gives none. */
static GstFlowReturn
gst_gif_demux_step (GstGifDemux *self, GstBuffer *buffer, bool eos)
{
  GifDemuxState *st = self->state;
  GstFlowReturn ret = GST_FLOW_EOS;

  switch (st->state) {
    case DemuxState::kStart:
      /* From a source that seeks in bytes (a file behind a queue, HTTP with ranges) the file
       * is read ahead and indexed first: the duration and frame rate are then known before the
       * first frame. */
      st->demux.start (!eos && gst_gif_demux_upstream_seekable (self)
                           ? Demuxer::Mode::kReadAhead
                           : Demuxer::Mode::kReplay);
      st->state = DemuxState::kPlay;
      return gst_gif_demux_step (self, buffer, eos);
    case DemuxState::kPlay:
    case DemuxState::kResume: /* (no segment came: the bytes follow on) */
      if (GST_PAD_MODE (self->sinkpad) == GST_PAD_MODE_PULL)
        return gst_gif_demux_pull_frame (self);
      st->state = DemuxState::kPlay;
      ret = gst_gif_demux_feed (self, buffer, eos);
      if (ret == GST_FLOW_ERROR)
        gst_gif_demux_post_failure (self);
      if (ret == GST_FLOW_EOS || (ret == GST_FLOW_ERROR && !self->srcpad))
        break;
      if (ret != GST_FLOW_OK) {
        st->state = DemuxState::kStopped;
        st->stopped_flow = ret;
      }
      return ret;
    case DemuxState::kStopped:
      if (eos && self->srcpad)
        break;
      return st->stopped_flow;
    case DemuxState::kFailed:
      /* The autoplugger drops the errors of an element it is still trying: wait until it has
       * taken us (it unlocks our state right after it stops filtering our errors). There is no
       * signal for that; the wait lasts as long as the autoplugger's bookkeeping. */
      if (gst_element_is_locked_state (GST_ELEMENT (self))) {
        g_usleep (1000);
        return GST_FLOW_OK;
      }
      gst_gif_demux_post_failure (self);
      st->state = DemuxState::kDone;
      return GST_FLOW_EOS; /* (said: the task stops without a second error) */
    case DemuxState::kDone:
      return GST_FLOW_EOS;
  }
  /* The end in push mode (the trailer, damage, the end of the data, a refusal): EOS goes
   * downstream now, since upstream need not send one after GST_FLOW_EOS (a queue drops it). */
  st->state = DemuxState::kDone;
  if (self->srcpad)
    gst_gif_demux_push_events (self, true);
  return ret == GST_FLOW_ERROR ? ret : GST_FLOW_EOS;
}

static GstFlowReturn
gst_gif_demux_chain (
    GstPad *pad G_GNUC_UNUSED, GstObject *parent, GstBuffer *buffer)
{
  GstFlowReturn ret =
      gst_gif_demux_step (GST_GIF_DEMUX (parent), buffer, false);
  gst_buffer_unref (buffer);
  return ret;
}

static void
gst_gif_demux_loop (GstPad *pad)
{
  GstGifDemux *self = GST_GIF_DEMUX (gst_pad_get_parent (pad));
  GifDemuxState *st = self->state;
  GstFlowReturn ret = gst_gif_demux_step (self, nullptr, false);

  if (ret == GST_FLOW_OK) {
    gst_object_unref (self);
    return;
  }
  GST_DEBUG_OBJECT (self, "pausing task: %s", gst_flow_get_name (ret));
  gst_pad_pause_task (pad);
  if (ret != GST_FLOW_EOS && ret != GST_FLOW_NOT_LINKED && ret > GST_FLOW_EOS) {
    gst_object_unref (self); /* (flushing) */
    return;
  }
  st->state = DemuxState::kDone;
  if (ret != GST_FLOW_EOS)
    GST_ELEMENT_FLOW_ERROR (self, ret);
  if (self->srcpad && ret == GST_FLOW_EOS &&
      (st->segment.flags & GST_SEGMENT_FLAG_SEGMENT)) {
    gint64 stop = GST_CLOCK_TIME_IS_VALID (st->segment.stop)
                      ? (gint64)st->segment.stop
                      : (gint64)st->segment.position;
    GstMessage *msg =
        gst_message_new_segment_done (GST_OBJECT (self), GST_FORMAT_TIME, stop);
    gst_message_set_seqnum (msg, st->segment_seqnum);
    gst_element_post_message (GST_ELEMENT (self), msg);
    GstEvent *done = gst_event_new_segment_done (GST_FORMAT_TIME, stop);
    gst_event_set_seqnum (done, st->segment_seqnum);
    gst_pad_push_event (self->srcpad, done);
  } else if (self->srcpad) {
    gst_gif_demux_push_events (self, true);
  }
  gst_object_unref (self);
}

static gboolean
gst_gif_demux_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstGifDemux *self = GST_GIF_DEMUX (parent);
  GifDemuxState *st = self->state;
  bool push = GST_PAD_MODE (pad) == GST_PAD_MODE_PUSH;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT: {
      /* Upstream's byte segment is ours to read; after a flush (our seek) it says where the
       * bytes resume. */
      const GstSegment *segment;
      gst_event_parse_segment (event, &segment);
      std::lock_guard<std::mutex> lock (st->index_lock);
      if (push && segment->format == GST_FORMAT_BYTES &&
          st->demux.hasHeader () &&
          (st->state == DemuxState::kResume || st->pending_seek)) {
        st->demux.resume (segment->start);
        st->state = DemuxState::kPlay;
        st->discont = true;
        if (st->pending_seek) {
          st->segment = *st->pending_seek;
          st->pending_seek.reset ();
          st->segment_seqnum = gst_event_get_seqnum (event);
          st->segment_pending = true;
        }
      }
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_CAPS:
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_EOS:
      if (push)
        gst_gif_demux_step (self, nullptr, true);
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_FLUSH_STOP:
      /* Upstream moved: the bytes that come next are not those that came before. */
      if (push && st->demux.hasHeader ()) {
        st->state = DemuxState::kResume;
      } else if (push && st->state != DemuxState::kStart) {
        st->state = DemuxState::kPlay;
        st->demux.start (Demuxer::Mode::kReplay);
      }
      st->discont = true;
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

/* Pull mode: reads the whole file once through the demuxer without decoding, to learn its
 * frames, delays, loop count and comments. FALSE when there is nothing to play. */
static gboolean
gst_gif_demux_scan (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  guint64 offset = 0;
  GstFlowReturn ret = GST_FLOW_OK;

  st->demux.start (Demuxer::Mode::kIndex);
  for (bool last = false; ret == GST_FLOW_OK && !last;) {
    GstBuffer *chunk = nullptr;
    GstFlowReturn pulled =
        gst_pad_pull_range (self->sinkpad, offset, SCAN_CHUNK_SIZE, &chunk);
    if (pulled != GST_FLOW_OK && pulled != GST_FLOW_EOS) {
      if (pulled != GST_FLOW_FLUSHING)
        GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_READ_FAILED),
            ("pull_range at %" G_GUINT64_FORMAT " returned %s", offset,
                gst_flow_get_name (pulled)));
      return FALSE;
    }
    last = pulled == GST_FLOW_EOS || gst_buffer_get_size (chunk) == 0;
    offset += last ? 0 : gst_buffer_get_size (chunk);
    ret = gst_gif_demux_feed (self, last ? nullptr : chunk, last);
    gst_clear_buffer (&chunk);
  }
  if (ret != GST_FLOW_EOS)
    return FALSE;
  if (st->demux.bytesAfterTrailer () > 0)
    GST_INFO_OBJECT (self,
        "ignoring %" G_GUINT64_FORMAT " bytes after the trailer",
        st->demux.bytesAfterTrailer ());
  if (st->demux.loopTakesNoTime ())
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_LOOP_NO_TIME),
        ("loop count %d, %zu frames, every delay 0", st->demux.loopCount (),
            st->demux.index ().size ()));
  st->state = DemuxState::kPlay;
  gst_gif_demux_ensure_src_pad (self);
  return TRUE;
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
  return gst_pad_activate_mode (
      pad, pull ? GST_PAD_MODE_PULL : GST_PAD_MODE_PUSH, TRUE);
}

static gboolean
gst_gif_demux_sink_activate_mode (
    GstPad *pad, GstObject *parent, GstPadMode mode, gboolean active)
{
  GstGifDemux *self = GST_GIF_DEMUX (parent);
  GifDemuxState *st = self->state;

  if (mode != GST_PAD_MODE_PULL)
    return mode == GST_PAD_MODE_PUSH;
  if (!active)
    return gst_pad_stop_task (pad);
  /* Scan in the state change itself: a file that is not a playable GIF fails the change at
   * once (its error message on the bus), instead of erroring later from the streaming thread.
   * gst-launch-1.0 1.22 can miss an error posted before its main loop runs (its bus sync
   * handler quits a loop not yet running) and then waits forever; a failed state change it
   * always sees.
   * Except inside an autoplugger (decodebin, parsebin: they lock the state of the element they
   * try): it drops the error of an element that fails to start and tries the next one
   * (gst-libav's avdemux_gif, which hangs on some damaged headers). There the start succeeds,
   * and the streaming thread says why once the autoplugger has taken the element. */
  if (st->state == DemuxState::kStart && !gst_gif_demux_scan (self)) {
    if (st->demux.failure () == mk::gif::DemuxFailure::kNone)
      return FALSE; /* (a read error, said; or flushing) */
    if (!gst_element_is_locked_state (GST_ELEMENT (self))) {
      gst_gif_demux_post_failure (self);
      return FALSE;
    }
    st->state = DemuxState::kFailed;
  }
  return gst_pad_start_task (
      pad, (GstTaskFunction)gst_gif_demux_loop, pad, nullptr);
}

/* ---------------------------------------------------------------- seeking */

/* Pull mode: flushes (or pauses the task), then plays from the seek point. */
static gboolean
gst_gif_demux_pull_seek (GstGifDemux *self, GstEvent *event, bool flush,
    const GstSegment &seg, const mk::gif::SeekPoint &point)
{
  GifDemuxState *st = self->state;
  guint32 seqnum = gst_event_get_seqnum (event);

  if (flush) {
    GstEvent *fs = gst_event_new_flush_start ();
    gst_event_set_seqnum (fs, seqnum);
    gst_pad_push_event (self->sinkpad, gst_event_ref (fs));
    if (self->srcpad)
      gst_pad_push_event (self->srcpad, gst_event_ref (fs));
    gst_event_unref (fs);
  } else {
    gst_pad_pause_task (self->sinkpad);
  }
  GST_PAD_STREAM_LOCK (self->sinkpad);
  for (GstPad *pad : {self->sinkpad, self->srcpad}) {
    if (!flush || !pad)
      continue;
    GstEvent *fstop = gst_event_new_flush_stop (TRUE);
    gst_event_set_seqnum (fstop, seqnum);
    gst_pad_push_event (pad, fstop);
  }
  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    st->segment = seg;
  }
  st->demux.setCursor (point);
  st->state = DemuxState::kPlay;
  st->segment_pending = true;
  st->segment_seqnum = seqnum;
  st->discont = true;
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

/* A forward TIME seek. Pull mode serves it from the index; push mode turns it into a BYTES seek
 * upstream to the key frame's record, for frames already indexed (or any frame once the whole
 * file has been seen). Not under the stream lock: in push mode the streaming thread may hold
 * it, blocked downstream, until the flush that upstream sends for this very seek frees it. */
static gboolean
gst_gif_demux_seek (GstGifDemux *self, GstEvent *event)
{
  GifDemuxState *st = self->state;
  bool pull = GST_PAD_MODE (self->sinkpad) == GST_PAD_MODE_PULL;
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;
  gst_event_parse_seek (
      event, &rate, &format, &flags, &start_type, &start, &stop_type, &stop);
  if (rate < 0.0) {
    /* Refused: see docs/gifdemux.md (memory that grows with the animation). */
    GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_NO_REVERSE),
        ("seek at rate %g", rate));
    return FALSE;
  }
  mk::gif::SeekSnap snap = mk::gif::SeekSnap::kNone;
  if (flags & GST_SEEK_FLAG_KEY_UNIT)
    snap = (flags & GST_SEEK_FLAG_SNAP_NEAREST) == GST_SEEK_FLAG_SNAP_NEAREST
               ? mk::gif::SeekSnap::kNearest
           : (flags & GST_SEEK_FLAG_SNAP_AFTER) ? mk::gif::SeekSnap::kAfter
                                                : mk::gif::SeekSnap::kBefore;
  GstSegment seg;
  mk::gif::SeekPoint point;
  guint64 offset;
  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    const mk::gif::Timeline &index = st->demux.index ();
    seg = st->segment;
    gboolean update;
    if (format != GST_FORMAT_TIME || index.empty () ||
        !gst_segment_do_seek (&seg, rate, format, flags, start_type, start,
            stop_type, stop, &update) ||
        (!st->demux.indexComplete () &&
            (pull || seg.position >= index.totalNs ()))) {
      GST_DEBUG_OBJECT (
          self, "seek refused: not TIME, or past what is indexed");
      return FALSE;
    }
    point = st->demux.seekPoint (seg.position, snap, pull);
    if (snap != mk::gif::SeekSnap::kNone)
      seg.start = seg.position = seg.time = point.start_ns;
    offset = index[point.frame].offset;
    if (!pull)
      st->pending_seek = seg;
  }
  GST_DEBUG_OBJECT (self,
      "seek to %" GST_TIME_FORMAT ": play %" G_GUINT64_FORMAT
      ", decode from frame %zu",
      GST_TIME_ARGS (seg.position), point.play, point.frame);
  if (pull)
    return gst_gif_demux_pull_seek (
        self, event, (flags & GST_SEEK_FLAG_FLUSH) != 0, seg, point);

  /* Upstream plays bytes at rate 1; the rate goes in our TIME segment. */
  GstEvent *byte_seek = gst_event_new_seek (1.0, GST_FORMAT_BYTES,
      (GstSeekFlags)(flags & (GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE)),
      GST_SEEK_TYPE_SET, (gint64)offset, GST_SEEK_TYPE_NONE, -1);
  gst_event_set_seqnum (byte_seek, gst_event_get_seqnum (event));
  gboolean ok = gst_pad_push_event (self->sinkpad, byte_seek);
  if (!ok) {
    std::lock_guard<std::mutex> lock (st->index_lock);
    st->pending_seek.reset ();
  }
  return ok;
}

static gboolean
gst_gif_demux_src_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  if (GST_EVENT_TYPE (event) != GST_EVENT_SEEK)
    return gst_pad_event_default (pad, parent, event);
  gboolean ok = gst_gif_demux_seek (GST_GIF_DEMUX (parent), event);
  gst_event_unref (event);
  return ok;
}

static gboolean
gst_gif_demux_src_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  GstGifDemux *self = GST_GIF_DEMUX (parent);
  GifDemuxState *st = self->state;
  GstFormat format = GST_FORMAT_UNDEFINED;
  std::optional<guint64> duration;
  gint64 position;
  {
    std::lock_guard<std::mutex> lock (st->index_lock);
    duration = st->demux.durationNs ();
    position = (gint64)st->segment.position;
  }

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_DURATION:
      gst_query_parse_duration (query, &format, nullptr);
      if (format != GST_FORMAT_TIME)
        break;
      if (duration)
        gst_query_set_duration (query, GST_FORMAT_TIME, (gint64)*duration);
      return duration.has_value ();
    case GST_QUERY_POSITION:
      gst_query_parse_position (query, &format, nullptr);
      if (format != GST_FORMAT_TIME)
        break;
      gst_query_set_position (query, GST_FORMAT_TIME, position);
      return TRUE;
    case GST_QUERY_SEEKING:
      gst_query_parse_seeking (query, &format, nullptr, nullptr, nullptr);
      if (format != GST_FORMAT_TIME)
        break;
      /* Push mode seeks through upstream byte seeks. */
      gst_query_set_seeking (query, GST_FORMAT_TIME,
          GST_PAD_MODE (self->sinkpad) == GST_PAD_MODE_PULL ||
              gst_gif_demux_upstream_seekable (self),
          0, duration ? (gint64)*duration : -1);
      return TRUE;
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
