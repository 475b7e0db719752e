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
#include "gstgifdemuxprivate.h"
#include "gstgifmessages.h"

#include <string>

#include "common/gstmkoptions.h"

GST_DEBUG_CATEGORY (gst_gif_demux_debug);
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
  gst_element_class_add_static_pad_template (
      element_class, &gst_gif_demux_src_template);
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

/* ---------------------------------------------------------------- the demuxer's events */

/* Says why nothing can be played (the demuxer failed). */
static void
gst_gif_demux_post_failure (GstGifDemux *self)
{
  const Demuxer &d = self->state->demux;
  const std::string &why = d.message ();
  switch (d.failure ()) {
    case mk::gif::DemuxFailure::kNone:
      break;
    case mk::gif::DemuxFailure::kTooLarge:
      GST_MK_POST (self, gst_gif_message (GST_GIF_MSG_DEMUX_TOO_LARGE, why),
          ("raise the max-canvas-pixels property to accept it"));
      break;
    default:
      GST_MK_POST (self,
          gst_gif_message (d.failure () == mk::gif::DemuxFailure::kNotGif
                               ? GST_GIF_MSG_DEMUX_NOT_GIF
                           : d.failure () == mk::gif::DemuxFailure::kBadHeader
                               ? GST_GIF_MSG_DEMUX_BAD_HEADER
                               : GST_GIF_MSG_DEMUX_NO_IMAGES),
          ("%s", why.c_str ()));
      break;
  }
}

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
  d.push (map.data, map.size);
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
gboolean
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

void
gst_gif_demux_loop (GstPad *pad)
{
  GstGifDemux *self = GST_GIF_DEMUX (gst_pad_get_parent (pad));
  GstFlowReturn ret = gst_gif_demux_step (self, nullptr, false);
  if (ret != GST_FLOW_OK)
    gst_gif_demux_end_task (self, ret);
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
