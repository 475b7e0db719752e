/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifdemux's source side: the pad, created once the first frame is known, what goes out on it
 * in the order GStreamer wants (stream-start, caps, segment, tags, frames, EOS, each segment's
 * seqnum on what ends it), and the seeks and queries that come back up. See
 * gstgifdemuxprivate.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstgifdemuxprivate.h"
#include "gstgifmessages.h"

#include <string>

#define GST_CAT_DEFAULT gst_gif_demux_debug

GstStaticPadTemplate gst_gif_demux_src_template = GST_STATIC_PAD_TEMPLATE (
    "src", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("image/gif, parsed = (boolean) true, "
                     "width = (int) [ 1, 65535 ], height = (int) [ 1, 65535 ], "
                     "framerate = (fraction) [ 0/1, MAX ]"));

static gboolean gst_gif_demux_src_event (
    GstPad *pad, GstObject *parent, GstEvent *event);
static gboolean gst_gif_demux_src_query (
    GstPad *pad, GstObject *parent, GstQuery *query);

/* Creates and announces the source pad once the header, and what precedes the first frame, is
 * known: the caps carry the loop count, which comes after the header. */
void
gst_gif_demux_ensure_src_pad (GstGifDemux *self)
{
  GifDemuxState *st = self->state;
  const Demuxer &d = st->demux;
  if (self->srcpad)
    return;

  GstPad *pad =
      gst_pad_new_from_static_template (&gst_gif_demux_src_template, "src");
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
void
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
void
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
GstFlowReturn
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

/* The task stops (pull mode): EOS or segment-done downstream, or an error for a fatal flow. */
void
gst_gif_demux_end_task (GstGifDemux *self, GstFlowReturn ret)
{
  GifDemuxState *st = self->state;
  GST_DEBUG_OBJECT (self, "pausing task: %s", gst_flow_get_name (ret));
  gst_pad_pause_task (self->sinkpad);
  if (ret != GST_FLOW_EOS && ret != GST_FLOW_NOT_LINKED && ret > GST_FLOW_EOS)
    return; /* (flushing) */
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
  /* Our caps come from the file, and upstream's (bytes) have nothing to renegotiate, so a
   * RECONFIGURE stops here. Passed on, it makes the source query ALLOCATION again, a query
   * serialized through a queue: the queue then holds it behind a buffer whose chain call plays a
   * whole small file, and when that chain ends in GST_FLOW_EOS the queue (1.22 and later)
   * drops the query without waking the source, which waits with its stream lock held: an
   * application's EOS (gst_element_send_event) then hangs. Found by gst-validate's
   * pause_resume in push mode. */
  if (GST_EVENT_TYPE (event) == GST_EVENT_RECONFIGURE) {
    gst_event_unref (event);
    return TRUE;
  }
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
