/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gifdemux's insides, shared by its two files: gstgifdemux.cpp (the element and its sink side:
 * activation, the chain function and the task, one state machine over mk::gif::Demuxer's
 * events) and gstgifdemuxsrc.cpp (its source side: the pad, what goes out on it in order, and
 * the seeks and queries that come back up). */
#pragma once

#include "gstgifdemux.h"

#include <mutex>
#include <optional>

#include "gif/demuxer.h"
#include "gif/settings.h"

GST_DEBUG_CATEGORY_EXTERN (gst_gif_demux_debug);

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

/* gstgifdemuxsrc.cpp */
extern GstStaticPadTemplate gst_gif_demux_src_template;
void gst_gif_demux_ensure_src_pad (GstGifDemux *self);
void gst_gif_demux_add_comment (GstGifDemux *self);
void gst_gif_demux_push_events (GstGifDemux *self, bool eos);
GstFlowReturn gst_gif_demux_push_frame (
    GstGifDemux *self, GstBuffer *buffer, const DemuxFrame &f);
void gst_gif_demux_end_task (GstGifDemux *self, GstFlowReturn ret);

/* gstgifdemux.cpp */
void gst_gif_demux_loop (GstPad *pad);
gboolean gst_gif_demux_upstream_seekable (GstGifDemux *self);
