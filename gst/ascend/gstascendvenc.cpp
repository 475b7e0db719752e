/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-ascendvenc
 * @title: ascendvenc
 *
 * Encodes NV12 or NV21 video into H.264 or H.265 on the DVPP video encoder of Huawei Ascend
 * 310B and 310P chips, through the hi_mpi VENC API of the CANN runtime. The codec and profile
 * follow downstream caps (H.264 high profile when downstream accepts anything).
 *
 * The runtime (libacl_dvpp_mpi.so, libascendcl.so) is looked for when the plugin is loaded and
 * opened when the element starts, so the plugin installs anywhere. Where the runtime loads (a
 * board with CANN's set_env.sh sourced) the element has rank PRIMARY; without it, rank NONE, and
 * starting it fails with an error that names the libraries it tried. GST_ASCEND_MPI_LIB and
 * GST_ASCEND_ACL_LIB override their paths.
 *
 * Upstream elements that honour allocation queries get a pool of DVPP memory laid out as the
 * encoder reads it; frames written there go to the encoder without a copy, other frames are
 * copied into the encoder's input frames (#GstAscendVenc:stats counts both).
 * #GstAscendVenc:bitrate may change while playing, and force-key-unit events make the next
 * frame an IDR frame.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=300 ! video/x-raw,format=NV12,width=1280,height=720 ! ascendvenc bitrate=4000 ! h264parse ! mp4mux ! filesink location=out.mp4
 * ]| Encodes ten seconds of 720p test pattern to H.264 at 4 Mbit/s in an MP4 file.
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=300 ! video/x-raw,format=NV12,width=1920,height=1080 ! ascendvenc ! video/x-h265 ! h265parse ! matroskamux ! filesink location=out.mkv
 * ]| Encodes 1080p to H.265: downstream caps choose the codec.
 * |[
 * GST_ASCEND_MPI_LIB=$PWD/build/lib/dvppsim/libdvppsim.so GST_ASCEND_ACL_LIB=$PWD/build/lib/dvppsim/libdvppsim.so gst-launch-1.0 videotestsrc num-buffers=60 ! video/x-raw,format=NV12,width=640,height=480 ! ascendvenc ! h264parse ! mp4mux ! filesink location=sim.mp4
 * ]| Runs without a board, on the DVPP simulator of the build tree (a development tool).
 *
 * Since: 0.1
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstascendvenc.h"
#include "gstascendmessages.h"

#include <gst/video/video.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "common/gstmkbufferpool.h"
#include "common/gstmklocker.h"
#include "common/gstmkoptions.h"
#include "dvpp/levels.h"
#include "dvpp/loader.h"
#include "dvpp/runtime.h"
#include "dvpp/session.h"
#include "dvpp/venc_options.h"

GST_DEBUG_CATEGORY_STATIC (gst_ascend_venc_debug);
#define GST_CAT_DEFAULT gst_ascend_venc_debug

enum {
  PROP_0,
  PROP_STATS,
  PROP_FIRST_OPTION,
};

/* Up to the largest size any chip takes (310B: 8192). The chip's own limits (310B even
 * 114..8192, 310P even 128..4096) are checked when the channel opens, and a size outside them
 * is an error that names the limit: a template that refused it would only give upstream's
 * "not-negotiated", which says nothing of why. */
#define ASCEND_VENC_SINK_CAPS                                                  \
  "video/x-raw, format = (string) { NV12, NV21 }, "                            \
  "width = (int) [ 1, 8192 ], height = (int) [ 1, 8192 ], "                    \
  "framerate = (fraction) [ 0/1, MAX ]"

#define ASCEND_VENC_SRC_CAPS                                                   \
  "video/x-h264, stream-format = (string) byte-stream, "                       \
  "alignment = (string) au, "                                                  \
  "profile = (string) { high, main, baseline }; "                              \
  "video/x-h265, stream-format = (string) byte-stream, "                       \
  "alignment = (string) au, profile = (string) main"

/* Where a failure came from: loading the runtime, opening the channel, changing the bitrate of
 * a running channel, or encoding (sending frames, the event thread). */
enum class SessionStep { kRuntime, kOpen, kReconfigure, kEncode };

/* An access unit the device's looper collected, on its way to the output task. */
struct AscendVencOutput
{
  guint32 frame_number; /* the codec frame's system_frame_number */
  GstBuffer
      *buffer; /* nullptr: the encoder failed on the frame, which is dropped */
  bool keyframe;
  int start_qp; /* -1: not reported */
  int mean_qp;
};

struct AscendVencState
{
  /* Properties, under the object lock. set_property writes `settings`; once GObject has set
   * every property of one g_object_set (or an app's freeze/thaw of notifications), its
   * dispatch_properties_changed copies them to `committed`, the only copy the streaming thread
   * reads: changes made together are applied together. */
  mk::dvpp::EncoderSettings settings;
  mk::dvpp::EncoderSettings committed;
  std::atomic<bool> live_dirty{
      false}; /* an option mutable while playing was committed */

  /* under the stream lock (or with streaming stopped: start/stop) */
  mk::dvpp::RuntimeRef
      runtime; /* start..stop: the offered pools allocate from it */
  std::unique_ptr<mk::dvpp::EncoderSession> session;
  GstVideoCodecState *input_state = nullptr;
  mk::dvpp::Codec codec = mk::dvpp::Codec::kH264;
  int profile = -1;
  std::string level =
      "auto"; /* the property's, or else the one downstream caps fixed */
  std::vector<GstBufferPool *>
      pools; /* offered upstream; deactivated in stop */

  /* Outputs, from the session's callbacks (on the device's looper thread, which serves every
   * channel of the device and so must never wait for a GStreamer lock) to the output task on
   * the source pad, which finishes them under the stream lock. Items are taken out only with
   * the stream lock held, so whoever holds it sees every earlier output pushed. */
  std::mutex out_lock;
  std::condition_variable out_cond;
  std::deque<AscendVencOutput> outputs;
  bool task_stop = false;

  /* any thread */
  std::atomic<GstFlowReturn> last_flow{GST_FLOW_OK};
  /* Frames handed to the encoder in the DVPP memory upstream wrote (our proposed pool), and
   * frames copied into a pooled DVPP frame: the "stats" property. */
  std::atomic<guint64> frames_zero_copy{0};
  std::atomic<guint64> frames_copied{0};
  /* Running totals of what went out (output task) or was dropped (encoder failures). */
  std::atomic<guint64> frames_out{0};
  std::atomic<guint64> bytes_out{0};
  std::atomic<guint64> keyframes_out{0};
  std::atomic<guint64> frames_failed{0};
  std::atomic<guint64> qp_frames{0};
  std::atomic<guint64> qp_sum{0};
  /* The first error is posted under `error_lock`: a second thread failing at the same time
   * waits until that message is on the bus before it returns GST_FLOW_ERROR upstream. */
  std::mutex error_lock;
  bool error_posted = false;
};

struct _GstAscendVenc
{
  GstVideoEncoder parent;
  AscendVencState *state;
};

#define gst_ascend_venc_parent_class parent_class
G_DEFINE_TYPE (GstAscendVenc, gst_ascend_venc, GST_TYPE_VIDEO_ENCODER);

/* Registered on every machine, so gst-inspect-1.0 documents it; autoplugged only where the
 * runtime loads. loadApi() only dlopens and resolves: no device is touched here. */
static gboolean
gst_ascend_venc_element_register (GstPlugin *plugin)
{
  auto api = mk::dvpp::loadApi ();
  GstRank rank = GST_RANK_PRIMARY;
  if (!api.isOk ()) {
    GST_DEBUG_CATEGORY_INIT (
        gst_ascend_venc_debug, "ascendvenc", 0, "Ascend DVPP video encoder");
    GST_INFO ("no DVPP runtime (%s): ascendvenc gets rank NONE",
        api.status ().message ().c_str ());
    rank = GST_RANK_NONE;
  }
  return gst_element_register (
      plugin, "ascendvenc", rank, GST_TYPE_ASCEND_VENC);
}
GST_ELEMENT_REGISTER_DEFINE_CUSTOM (
    ascendvenc, gst_ascend_venc_element_register);

static void gst_ascend_venc_finalize (GObject *object);
static void gst_ascend_venc_dispatch_properties_changed (
    GObject *object, guint n_pspecs, GParamSpec **pspecs);
static GstStateChangeReturn gst_ascend_venc_change_state (
    GstElement *element, GstStateChange transition);
static void gst_ascend_venc_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec);
static void gst_ascend_venc_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);
static gboolean gst_ascend_venc_start (GstVideoEncoder *enc);
static gboolean gst_ascend_venc_stop (GstVideoEncoder *enc);
static gboolean gst_ascend_venc_flush (GstVideoEncoder *enc);
static gboolean gst_ascend_venc_set_format (
    GstVideoEncoder *enc, GstVideoCodecState *state);
static GstFlowReturn gst_ascend_venc_handle_frame (
    GstVideoEncoder *enc, GstVideoCodecFrame *frame);
static GstFlowReturn gst_ascend_venc_finish (GstVideoEncoder *enc);
static gboolean gst_ascend_venc_propose_allocation (
    GstVideoEncoder *enc, GstQuery *query);

static void
gst_ascend_venc_class_init (GstAscendVencClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstVideoEncoderClass *enc_class = GST_VIDEO_ENCODER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (
      gst_ascend_venc_debug, "ascendvenc", 0, "Ascend DVPP video encoder");

  gobject_class->finalize = gst_ascend_venc_finalize;
  gobject_class->set_property = gst_ascend_venc_set_property;
  gobject_class->get_property = gst_ascend_venc_get_property;
  gobject_class->dispatch_properties_changed =
      gst_ascend_venc_dispatch_properties_changed;
  gst_mk_options_install_properties (
      gobject_class, mk::dvpp::encoderOptions (), PROP_FIRST_OPTION);
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Running totals: frames sent to the encoder zero-copy (written by "
          "upstream into the DVPP memory this element proposed) and copied; "
          "frames out, their bytes, key frames and mean QP; frames the encoder "
          "failed on",
          GST_TYPE_STRUCTURE,
          (GParamFlags)(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  /* Every output buffer carries its frame's statistics (documented in gstascendvenc.h). */
  static const gchar *no_tags[] = {nullptr};
  gst_meta_register_custom (
      GST_ASCEND_VENC_FRAME_STATS_META, no_tags, nullptr, nullptr, nullptr);

  /* The templates are fixed strings, so the documentation is the same on every machine. */
  GstCaps *sink_caps = gst_caps_from_string (ASCEND_VENC_SINK_CAPS);
  GstPadTemplate *templ =
      gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, sink_caps);
  gst_pad_template_set_documentation_caps (templ, sink_caps);
  gst_element_class_add_pad_template (element_class, templ);
  gst_caps_unref (sink_caps);

  GstCaps *src_caps = gst_caps_from_string (ASCEND_VENC_SRC_CAPS);
  templ = gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, src_caps);
  gst_pad_template_set_documentation_caps (templ, src_caps);
  gst_element_class_add_pad_template (element_class, templ);
  gst_caps_unref (src_caps);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_ascend_venc_change_state);
  gst_element_class_set_static_metadata (element_class,
      "Ascend DVPP video encoder", "Codec/Encoder/Video/Hardware",
      "Encodes H.264 or H.265 on the DVPP of Huawei Ascend 310B/310P chips",
      "gst-mediakit developers");

  enc_class->start = GST_DEBUG_FUNCPTR (gst_ascend_venc_start);
  enc_class->stop = GST_DEBUG_FUNCPTR (gst_ascend_venc_stop);
  enc_class->flush = GST_DEBUG_FUNCPTR (gst_ascend_venc_flush);
  enc_class->set_format = GST_DEBUG_FUNCPTR (gst_ascend_venc_set_format);
  enc_class->handle_frame = GST_DEBUG_FUNCPTR (gst_ascend_venc_handle_frame);
  enc_class->finish = GST_DEBUG_FUNCPTR (gst_ascend_venc_finish);
  enc_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_ascend_venc_propose_allocation);
}

static void
gst_ascend_venc_init (GstAscendVenc *self)
{
  self->state = new AscendVencState ();
  mk::dvpp::encoderOptions ().setDefaults (&self->state->settings);
  self->state->committed = self->state->settings;
  GST_PAD_SET_ACCEPT_TEMPLATE (GST_VIDEO_ENCODER_SINK_PAD (self));
}

static void
gst_ascend_venc_finalize (GObject *object)
{
  GstAscendVenc *self = GST_ASCEND_VENC (object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Turns a lib failure into the GStreamer error a user can act on. Only the first error is
 * posted: later ones are consequences of it. */
static void
gst_ascend_venc_post_error (
    GstAscendVenc *self, const mk::Status &status, SessionStep step)
{
  AscendVencState *st = self->state;
  const char *msg = status.message ().c_str ();

  std::lock_guard<std::mutex> posting (st->error_lock);
  if (st->error_posted)
    return; /* posted, and last_flow set, by the first */
  st->error_posted = true;
  mk::Errc code = status.code ();
  /* While encoding, a refused argument or a busy channel is the runtime failing on a frame,
   * not the user's settings or other processes' channels. */
  if (step == SessionStep::kEncode &&
      (code == mk::Errc::kInvalidArgument || code == mk::Errc::kOutOfRange ||
          code == mk::Errc::kBusy))
    code = mk::Errc::kIo;
  switch (code) {
    case mk::Errc::kNotFound:
      if (step == SessionStep::kRuntime && !mk::dvpp::loadApi ().isOk ())
        GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_RUNTIME_MISSING),
            ("%s", msg));
      else
        GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_DEVICE_NOT_FOUND),
            ("%s. Check device-id against npu-smi info.", msg));
      break;
    case mk::Errc::kUnsupported:
      if (step == SessionStep::kRuntime)
        GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_CHIP_UNSUPPORTED),
            ("%s", msg));
      else
        GST_MK_POST (self,
            gst_ascend_message (GST_ASCEND_MSG_SETTINGS_UNSUPPORTED),
            ("%s", msg));
      break;
    case mk::Errc::kOutOfRange:
    case mk::Errc::kInvalidArgument:
      GST_MK_POST (self,
          gst_ascend_message (GST_ASCEND_MSG_SETTINGS_INVALID, msg),
          ("%s", msg));
      break;
    case mk::Errc::kBusy:
      GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_BUSY),
          ("%s. Stop other encoders on this device (channels are shared by "
           "all processes), or pick another device-id.",
              msg));
      break;
    case mk::Errc::kNoMemory:
      GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_NO_MEMORY),
          ("%s. Lower input-buffers or the resolution.", msg));
      break;
    case mk::Errc::kTimeout:
      GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_TIMEOUT),
          ("%s. Raise send-timeout if the device is just slow.", msg));
      break;
    default:
      if (step == SessionStep::kEncode || step == SessionStep::kReconfigure)
        GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_ENCODE_FAILED),
            ("%s", msg));
      else
        GST_MK_POST (
            self, gst_ascend_message (GST_ASCEND_MSG_OPEN_FAILED), ("%s", msg));
      break;
  }
  /* Only now may the streaming thread return the error: had it returned it before the message
   * was on the bus, upstream would have posted its own "Internal data stream error" first
   * (seen under ThreadSanitizer's timing). */
  st->last_flow.store (GST_FLOW_ERROR);
}

/* Session callbacks, on the device's looper thread: they only queue for the output task (and
 * post errors), never wait for a GStreamer lock or push. */
static void
gst_ascend_venc_queue_output (GstAscendVenc *self, AscendVencOutput out)
{
  AscendVencState *st = self->state;
  {
    std::lock_guard<std::mutex> lock (st->out_lock);
    st->outputs.push_back (out);
  }
  st->out_cond.notify_one ();
}

static void
gst_ascend_venc_on_output (
    void *opaque, const mk::dvpp::EncodedFrame &out) noexcept
{
  GstAscendVenc *self = GST_ASCEND_VENC (opaque);
  gst_ascend_venc_queue_output (
      self, {(guint32)out.user_id, gst_buffer_new_memdup (out.data, out.size),
                out.keyframe, out.start_qp, out.mean_qp});
}

static void
gst_ascend_venc_on_error (void *opaque, const mk::Status &status,
    bool has_frame, std::uint64_t user_id, bool fatal) noexcept
{
  GstAscendVenc *self = GST_ASCEND_VENC (opaque);

  if (has_frame) /* finished with no output buffer: the base class drops it */
    gst_ascend_venc_queue_output (
        self, {(guint32)user_id, nullptr, false, -1, -1});
  if (has_frame || fatal) {
    gst_ascend_venc_post_error (self, status, SessionStep::kEncode);
    return;
  }
  GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_ENCODER_WARNING),
      ("%s", status.message ().c_str ()));
}

/* The frame's statistics: a custom meta on its buffer, and the running totals. */
static void
gst_ascend_venc_add_stats (GstAscendVenc *self, const AscendVencOutput &out)
{
  AscendVencState *st = self->state;
  gsize size = gst_buffer_get_size (out.buffer);
  GstCustomMeta *meta =
      gst_buffer_add_custom_meta (out.buffer, GST_ASCEND_VENC_FRAME_STATS_META);
  if (meta)
    gst_structure_set (gst_custom_meta_get_structure (meta), "size",
        G_TYPE_UINT, (guint)size, "frame-type", G_TYPE_STRING,
        out.keyframe ? "idr" : "p", "start-qp", G_TYPE_INT, out.start_qp,
        "mean-qp", G_TYPE_INT, out.mean_qp, nullptr);
  st->frames_out++;
  st->bytes_out += size;
  if (out.keyframe)
    st->keyframes_out++;
  if (out.mean_qp >= 0) {
    st->qp_frames++;
    st->qp_sum += (guint64)out.mean_qp;
  }
}

/* With the stream lock held: finishes every queued output, in order. */
static void
gst_ascend_venc_push_outputs (GstAscendVenc *self)
{
  AscendVencState *st = self->state;
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);

  for (;;) {
    AscendVencOutput out;
    {
      std::lock_guard<std::mutex> lock (st->out_lock);
      if (st->outputs.empty ())
        return;
      out = st->outputs.front ();
      st->outputs.pop_front ();
    }
    GstVideoCodecFrame *frame =
        gst_video_encoder_get_frame (enc, (int)out.frame_number);
    if (!frame) {
      /* flushed meanwhile */
      GST_DEBUG_OBJECT (self, "no frame %u any more", out.frame_number);
      if (out.buffer)
        gst_buffer_unref (out.buffer);
      continue;
    }
    frame->output_buffer = out.buffer;
    if (out.buffer)
      gst_ascend_venc_add_stats (self, out);
    else
      st->frames_failed++;
    if (out.keyframe)
      GST_VIDEO_CODEC_FRAME_SET_SYNC_POINT (frame);
    else
      GST_VIDEO_CODEC_FRAME_UNSET_SYNC_POINT (frame);
    GstFlowReturn ret = gst_video_encoder_finish_frame (enc, frame);
    if (ret != GST_FLOW_OK) {
      GstFlowReturn expected = GST_FLOW_OK;
      st->last_flow.compare_exchange_strong (expected, ret);
      GST_DEBUG_OBJECT (self, "finish_frame: %s", gst_flow_get_name (ret));
    }
  }
}

/* The output task on the source pad: waits for outputs, then finishes them under the stream
 * lock. It runs from READY->PAUSED to PAUSED->READY. */
static void
gst_ascend_venc_loop (gpointer user_data)
{
  GstAscendVenc *self = GST_ASCEND_VENC (user_data);
  AscendVencState *st = self->state;
  {
    std::unique_lock<std::mutex> lock (st->out_lock);
    st->out_cond.wait (
        lock, [st] { return st->task_stop || !st->outputs.empty (); });
    if (st->task_stop) {
      lock.unlock ();
      gst_pad_pause_task (GST_VIDEO_ENCODER_SRC_PAD (self));
      return;
    }
  }
  GstMkStreamLocker stream (GST_VIDEO_ENCODER (self));
  gst_ascend_venc_push_outputs (self);
}

static gboolean
gst_ascend_venc_start_task (GstAscendVenc *self)
{
  AscendVencState *st = self->state;
  {
    std::lock_guard<std::mutex> lock (st->out_lock);
    st->task_stop = false;
  }
  return gst_pad_start_task (
      GST_VIDEO_ENCODER_SRC_PAD (self), gst_ascend_venc_loop, self, nullptr);
}

/* Not with the stream lock held: the task may be waiting for it. */
static void
gst_ascend_venc_stop_task (GstAscendVenc *self)
{
  AscendVencState *st = self->state;
  {
    std::lock_guard<std::mutex> lock (st->out_lock);
    st->task_stop = true;
  }
  st->out_cond.notify_all ();
  gst_pad_stop_task (GST_VIDEO_ENCODER_SRC_PAD (self));
}

/* Closes the session and drops its frames in flight and its queued outputs. The looper never
 * waits for a GStreamer lock, so this may run with the stream lock held. */
static void
gst_ascend_venc_close_session (GstAscendVenc *self)
{
  AscendVencState *st = self->state;
  st->session.reset ();
  std::deque<AscendVencOutput> dropped;
  {
    std::lock_guard<std::mutex> lock (st->out_lock);
    dropped.swap (st->outputs);
  }
  for (AscendVencOutput &out : dropped)
    if (out.buffer)
      gst_buffer_unref (out.buffer);
}

/* With the stream lock held: waits for every frame sent to come out, and pushes what the
 * output task has not pushed yet. */
static gboolean
gst_ascend_venc_drain (GstAscendVenc *self)
{
  AscendVencState *st = self->state;
  if (!st->session)
    return TRUE;
  auto timeout =
      std::chrono::milliseconds (st->session->settings ().send_timeout_ms);
  mk::Status status;
  {
    GstMkStreamUnlocker unlocked (GST_VIDEO_ENCODER (self));
    status = st->session->drain (timeout);
  }
  gst_ascend_venc_push_outputs (self);
  if (!status) {
    gst_ascend_venc_post_error (self, status, SessionStep::kEncode);
    return FALSE;
  }
  return TRUE;
}

/* The output task runs while the source pad is active: started once the base class activated
 * the pads, stopped before it deactivates them (deactivating waits for the task's iteration). */
static GstStateChangeReturn
gst_ascend_venc_change_state (GstElement *element, GstStateChange transition)
{
  GstAscendVenc *self = GST_ASCEND_VENC (element);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_ascend_venc_stop_task (self);
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED &&
      ret != GST_STATE_CHANGE_FAILURE && !gst_ascend_venc_start_task (self)) {
    GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_OPEN_FAILED),
        ("could not start the output task"));
    return GST_STATE_CHANGE_FAILURE;
  }
  return ret;
}

static gboolean
gst_ascend_venc_start (GstVideoEncoder *enc)
{
  GstAscendVenc *self = GST_ASCEND_VENC (enc);
  AscendVencState *st = self->state;
  int device_id;

  st->last_flow.store (GST_FLOW_OK);
  {
    std::lock_guard<std::mutex> posting (st->error_lock);
    st->error_posted = false;
  }
  {
    GstMkObjectLocker locked (self);
    device_id = st->committed.device_id;
  }

  auto api = mk::dvpp::loadApi ();
  if (!api.isOk ()) {
    gst_ascend_venc_post_error (self, api.status (), SessionStep::kRuntime);
    return FALSE;
  }
  auto runtime = mk::dvpp::Runtime::acquire (device_id);
  if (!runtime.isOk ()) {
    gst_ascend_venc_post_error (self, runtime.status (), SessionStep::kRuntime);
    return FALSE;
  }
  st->runtime = std::move (runtime).value ();
  GST_INFO_OBJECT (self, "device %d: %s, %s mode", device_id,
      st->runtime->socName ().c_str (),
      st->runtime->runMode () == mk::dvpp::RunMode::kDevice ? "device"
                                                            : "host");
  return TRUE;
}

static gboolean
gst_ascend_venc_stop (GstVideoEncoder *enc)
{
  GstAscendVenc *self = GST_ASCEND_VENC (enc);
  AscendVencState *st = self->state;

  gst_ascend_venc_close_session (self);
  g_clear_pointer (&st->input_state, gst_video_codec_state_unref);
  /* Nothing may allocate from the runtime once our reference is gone; buffers still out keep
   * their own reference and free correctly. */
  for (GstBufferPool *pool : st->pools) {
    gst_buffer_pool_set_active (pool, FALSE);
    gst_object_unref (pool);
  }
  st->pools.clear ();
  st->runtime.reset ();
  return TRUE;
}

static gboolean
gst_ascend_venc_flush (GstVideoEncoder *enc)
{
  GstAscendVenc *self = GST_ASCEND_VENC (enc);
  /* Frames in flight belong to the old segment: drop them; handle_frame reopens. */
  gst_ascend_venc_close_session (self);
  self->state->last_flow.store (GST_FLOW_OK);
  return TRUE;
}

/* The codec and profile downstream wants: the first it lists, H.264 high when it is open. The
 * level: the property's; with level=auto, the one downstream caps ask for (fixated to the lowest
 * level the size and frame rate fit), or else none (the encoder's, not in the caps). */
static gboolean
gst_ascend_venc_pick_codec (GstAscendVenc *self, GstCaps **out_caps)
{
  AscendVencState *st = self->state;
  GstPad *srcpad = GST_VIDEO_ENCODER_SRC_PAD (self);
  GstCaps *templ = gst_pad_get_pad_template_caps (srcpad);
  GstCaps *allowed = gst_pad_peer_query_caps (srcpad, templ);
  gst_caps_unref (templ);

  if (!allowed || gst_caps_is_empty (allowed)) {
    if (allowed)
      gst_caps_unref (allowed);
    return FALSE;
  }
  allowed = gst_caps_truncate (allowed);
  allowed = gst_caps_make_writable (allowed);
  GstStructure *s = gst_caps_get_structure (allowed, 0);
  bool h265 = gst_structure_has_name (s, "video/x-h265");
  st->codec = h265 ? mk::dvpp::Codec::kH265 : mk::dvpp::Codec::kH264;
  const char *profile = h265 ? "main" : "high";
  if (gst_structure_has_field (s, "profile")) {
    gst_structure_fixate_field_string (s, "profile", profile);
    const char *p = gst_structure_get_string (s, "profile");
    if (p)
      profile = p;
  }
  if (h265)
    st->profile = 0;
  else if (g_str_equal (profile, "baseline"))
    st->profile = 0;
  else if (g_str_equal (profile, "main"))
    st->profile = 1;
  else
    st->profile = 2;
  {
    GstMkObjectLocker locked (self);
    st->level = st->committed.level;
  }
  const GValue *wanted = gst_structure_get_value (s, "level");
  if (st->level == "auto" && wanted) {
    /* The lowest level downstream takes that fits; if none fits, its first (refused then,
     * with the limit named). */
    const GstVideoInfo *info = &st->input_state->info;
    for (const mk::dvpp::LevelInfo &l : mk::dvpp::kLevels) {
      GValue name = G_VALUE_INIT;
      g_value_init (&name, G_TYPE_STRING);
      g_value_set_static_string (&name, l.name);
      bool listed = gst_value_can_intersect (&name, wanted) &&
                    gst_value_intersect (nullptr, &name, wanted);
      g_value_unset (&name);
      if (listed &&
          mk::dvpp::checkLevel (st->codec, l.value, GST_VIDEO_INFO_WIDTH (info),
              GST_VIDEO_INFO_HEIGHT (info), GST_VIDEO_INFO_FPS_N (info),
              GST_VIDEO_INFO_FPS_D (info))) {
        st->level = l.name;
        break;
      }
    }
    if (st->level == "auto") {
      gst_structure_fixate_field (s, "level");
      const char *first = gst_structure_get_string (s, "level");
      if (first)
        st->level = first;
    }
  }
  *out_caps = gst_caps_new_simple (h265 ? "video/x-h265" : "video/x-h264",
      "stream-format", G_TYPE_STRING, "byte-stream", "alignment", G_TYPE_STRING,
      "au", "profile", G_TYPE_STRING, h265 ? "main" : profile, NULL);
  if (st->level != "auto")
    gst_caps_set_simple (
        *out_caps, "level", G_TYPE_STRING, st->level.c_str (), NULL);
  gst_caps_unref (allowed);
  return TRUE;
}

/* With the stream lock held: opens a session for the current input. */
static gboolean
gst_ascend_venc_open_session (GstAscendVenc *self)
{
  AscendVencState *st = self->state;
  const GstVideoInfo *info = &st->input_state->info;
  mk::dvpp::EncoderSettings settings;
  mk::dvpp::EncoderCallbacks callbacks;

  {
    GstMkObjectLocker locked (self);
    settings = st->committed;
  }
  st->live_dirty.store (false);
  settings.codec = st->codec;
  settings.profile = st->profile;
  settings.level = st->level;
  settings.width = GST_VIDEO_INFO_WIDTH (info);
  settings.height = GST_VIDEO_INFO_HEIGHT (info);
  settings.format = GST_VIDEO_INFO_FORMAT (info) == GST_VIDEO_FORMAT_NV21
                        ? mk::dvpp::PixelFormat::kNv21
                        : mk::dvpp::PixelFormat::kNv12;
  /* No frame rate (variable): the rate control still needs one, the VUI gets none. */
  if (GST_VIDEO_INFO_FPS_N (info) > 0 && GST_VIDEO_INFO_FPS_D (info) > 0) {
    settings.fps_n = GST_VIDEO_INFO_FPS_N (info);
    settings.fps_d = GST_VIDEO_INFO_FPS_D (info);
    settings.vui.fps_n = settings.fps_n;
    settings.vui.fps_d = settings.fps_d;
  } else {
    settings.fps_n = 30;
    settings.fps_d = 1;
  }
  /* What the caps say goes into the stream's VUI, whatever the encoder writes there. Unknown
   * colours are written as "unspecified" (2), so the encoder's defaults claim nothing. */
  const GstVideoColorimetry &color = info->colorimetry;
  settings.vui.colour_primaries =
      (int)gst_video_color_primaries_to_iso (color.primaries);
  settings.vui.transfer_characteristics =
      (int)gst_video_transfer_function_to_iso (color.transfer);
  settings.vui.matrix_coefficients =
      (int)gst_video_color_matrix_to_iso (color.matrix);
  settings.vui.full_range = color.range == GST_VIDEO_COLOR_RANGE_0_255 ? 1 : 0;
  if (GST_VIDEO_INFO_PAR_N (info) > 0 && GST_VIDEO_INFO_PAR_D (info) > 0) {
    settings.vui.sar_n = GST_VIDEO_INFO_PAR_N (info);
    settings.vui.sar_d = GST_VIDEO_INFO_PAR_D (info);
  }

  callbacks.opaque = self;
  callbacks.output = gst_ascend_venc_on_output;
  callbacks.error = gst_ascend_venc_on_error;
  auto session = mk::dvpp::EncoderSession::create (settings, callbacks);
  if (!session.isOk ()) {
    gst_ascend_venc_post_error (self, session.status (), SessionStep::kOpen);
    return FALSE;
  }
  st->session = std::move (session).value ();
  GST_INFO_OBJECT (self, "channel %d: %s %ux%u, %u kbit/s",
      st->session->channelId (),
      settings.codec == mk::dvpp::Codec::kH265 ? "H.265" : "H.264",
      settings.width, settings.height, settings.bitrate);
  return TRUE;
}

static gboolean
gst_ascend_venc_set_format (GstVideoEncoder *enc, GstVideoCodecState *state)
{
  GstAscendVenc *self = GST_ASCEND_VENC (enc);
  AscendVencState *st = self->state;
  GstCaps *caps = nullptr;

  /* A new format: finish the frames of the old one first. */
  if (!gst_ascend_venc_drain (self))
    return FALSE;
  gst_ascend_venc_close_session (self);

  if (st->input_state)
    gst_video_codec_state_unref (st->input_state);
  st->input_state = gst_video_codec_state_ref (state);

  if (!gst_ascend_venc_pick_codec (self, &caps)) {
    GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_NO_CODEC),
        ("downstream accepts neither H.264 nor H.265 byte-stream"));
    return FALSE;
  }
  if (!gst_ascend_venc_open_session (self)) {
    gst_caps_unref (caps);
    return FALSE;
  }

  GstVideoCodecState *out =
      gst_video_encoder_set_output_state (enc, caps, state);
  gst_video_codec_state_unref (out);

  /* Frames wait for the hardware about one frame time, and at most input-buffers of them queue. */
  const GstVideoInfo *info = &state->info;
  if (GST_VIDEO_INFO_FPS_N (info) > 0 && GST_VIDEO_INFO_FPS_D (info) > 0) {
    GstClockTime frame = gst_util_uint64_scale (
        GST_SECOND, GST_VIDEO_INFO_FPS_D (info), GST_VIDEO_INFO_FPS_N (info));
    gst_video_encoder_set_latency (
        enc, frame, frame * st->session->settings ().input_buffers);
  } else {
    gst_video_encoder_set_latency (enc, 0, GST_CLOCK_TIME_NONE);
  }
  return gst_video_encoder_negotiate (enc);
}

/* With the stream lock held: the options committed while playing reach the channel, all
 * together. A change the session refuses keeps the channel on its last good settings and is
 * a warning; only a channel lost on the way is an error. */
static gboolean
gst_ascend_venc_apply_live (GstAscendVenc *self)
{
  AscendVencState *st = self->state;
  mk::dvpp::EncoderSettings wanted;
  {
    GstMkObjectLocker locked (self);
    wanted = st->committed;
  }
  mk::Status status;
  {
    /* may drain and reopen (runtimes without set_chn_attr): the output task pushes meanwhile */
    GstMkStreamUnlocker unlocked (GST_VIDEO_ENCODER (self));
    status = st->session->reconfigure (wanted);
  }
  if (status)
    return TRUE;
  if (!st->session->failure ().isOk ()) {
    gst_ascend_venc_post_error (self, status, SessionStep::kReconfigure);
    return FALSE;
  }
  const mk::dvpp::EncoderSettings &kept = st->session->settings ();
  GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_LIVE_CHANGE_REFUSED),
      ("%s; encoding goes on at bitrate %u, max-bitrate %u",
          status.message ().c_str (), kept.bitrate, kept.max_bitrate));
  return TRUE;
}

/* Whether `buffer` is one of our DVPP frames in exactly the session's layout (luma at 0, chroma
 * right after `height` rows, both at the session's stride); `out` then holds its memory. */
static bool
gst_ascend_venc_input_is_dvpp_frame (
    GstAscendVenc *self, GstBuffer *buffer, mk::PoolBuffer *out)
{
  AscendVencState *st = self->state;
  mk::PoolBuffer pb;
  if (!gst_mk_buffer_pool_ref_mk_buffer (buffer, &pb) ||
      pb.size () < st->session->frameSize ())
    return false;
  const GstVideoInfo *info = &st->input_state->info;
  gsize stride = st->session->stride ();
  gsize offsets[2], strides[2];
  GstVideoMeta *vmeta = gst_buffer_get_video_meta (buffer);
  for (int i = 0; i < 2; i++) {
    offsets[i] =
        vmeta ? vmeta->offset[i] : GST_VIDEO_INFO_PLANE_OFFSET (info, i);
    strides[i] = vmeta ? (gsize)vmeta->stride[i]
                       : (gsize)GST_VIDEO_INFO_PLANE_STRIDE (info, i);
  }
  if (offsets[0] != 0 || strides[0] != stride || strides[1] != stride ||
      offsets[1] != stride * (gsize)GST_VIDEO_INFO_HEIGHT (info))
    return false;
  *out = std::move (pb);
  return true;
}

static GstFlowReturn
gst_ascend_venc_handle_frame (GstVideoEncoder *enc, GstVideoCodecFrame *frame)
{
  GstAscendVenc *self = GST_ASCEND_VENC (enc);
  AscendVencState *st = self->state;
  GstVideoFrame vframe;
  mk::dvpp::HostFrame host;
  mk::dvpp::FrameMeta meta;
  mk::Status status;

  GstFlowReturn ret = st->last_flow.load ();
  if (ret != GST_FLOW_OK)
    goto drop;
  if (!st->input_state)
    goto not_negotiated;
  if (!st->session && !gst_ascend_venc_open_session (self)) {
    ret = GST_FLOW_ERROR;
    goto drop;
  }
  if (st->live_dirty.exchange (false) && !gst_ascend_venc_apply_live (self)) {
    ret = GST_FLOW_ERROR;
    goto drop;
  }

  meta.user_id = frame->system_frame_number;
  meta.pts = (std::int64_t)frame->pts;
  meta.force_idr = GST_VIDEO_CODEC_FRAME_IS_FORCE_KEYFRAME (frame);

  /* Zero copy: a frame upstream wrote into our proposed pool already has the encoder's layout.
   * The codec frame keeps input_buffer (so the pool cannot hand it out again) until the output
   * callback finishes it, after the encoder has released the memory. */
  {
    mk::PoolBuffer dvpp;
    if (gst_ascend_venc_input_is_dvpp_frame (
            self, frame->input_buffer, &dvpp)) {
      {
        GstMkStreamUnlocker unlocked (GST_VIDEO_ENCODER (self));
        status = st->session->sendBuffer (std::move (dvpp), meta);
      }
      if (!status) {
        gst_ascend_venc_post_error (self, status, SessionStep::kEncode);
        ret = GST_FLOW_ERROR;
        goto drop;
      }
      st->frames_zero_copy++;
      gst_video_codec_frame_unref (frame);
      return st->last_flow.load ();
    }
  }

  if (!gst_video_frame_map (
          &vframe, &st->input_state->info, frame->input_buffer, GST_MAP_READ))
    goto map_failed;
  host.planes[0] = (const guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&vframe, 0);
  host.planes[1] = (const guint8 *)GST_VIDEO_FRAME_PLANE_DATA (&vframe, 1);
  host.strides[0] = GST_VIDEO_FRAME_PLANE_STRIDE (&vframe, 0);
  host.strides[1] = GST_VIDEO_FRAME_PLANE_STRIDE (&vframe, 1);
  if (meta.force_idr)
    GST_DEBUG_OBJECT (self, "frame %u: IDR forced", frame->system_frame_number);

  {
    /* sendFrame blocks while the encoder is full: the output task pushes meanwhile. */
    GstMkStreamUnlocker unlocked (GST_VIDEO_ENCODER (self));
    status = st->session->sendFrame (host, meta);
  }
  gst_video_frame_unmap (&vframe);
  if (status)
    st->frames_copied++;
  if (!status) {
    gst_ascend_venc_post_error (self, status, SessionStep::kEncode);
    ret = GST_FLOW_ERROR;
    goto drop;
  }
  /* The output callback finishes it (perhaps already has). */
  gst_video_codec_frame_unref (frame);
  return st->last_flow.load ();

drop:
  /* no output buffer: the base class drops it */
  gst_video_encoder_finish_frame (enc, frame);
  return ret;

  /* ERRORS */
not_negotiated:
  GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_NOT_NEGOTIATED),
      ("frame before caps"));
  gst_video_encoder_finish_frame (enc, frame);
  return GST_FLOW_NOT_NEGOTIATED;
map_failed:
  GST_MK_POST (self, gst_ascend_message (GST_ASCEND_MSG_MAP_FAILED),
      ("could not map the input frame"));
  st->last_flow.store (GST_FLOW_ERROR);
  gst_video_encoder_finish_frame (enc, frame);
  return GST_FLOW_ERROR;
}

static GstFlowReturn
gst_ascend_venc_finish (GstVideoEncoder *enc)
{
  GstAscendVenc *self = GST_ASCEND_VENC (enc);
  if (!gst_ascend_venc_drain (self))
    return GST_FLOW_ERROR;
  GstFlowReturn ret = self->state->last_flow.load ();
  return ret == GST_FLOW_EOS ? GST_FLOW_OK : ret;
}

/* Offers a pool of DVPP memory laid out as VENC reads it (stride = width rounded up to 16,
 * chroma right after the luma rows), so upstream writes where the encoder reads. In host
 * (PCIe) mode DVPP memory is not CPU-addressable: upstream then uses its own buffers. */
static gboolean
gst_ascend_venc_propose_allocation (GstVideoEncoder *enc, GstQuery *query)
{
  GstAscendVenc *self = GST_ASCEND_VENC (enc);
  AscendVencState *st = self->state;
  GstCaps *caps = nullptr;
  gboolean need_pool = FALSE;
  GstVideoInfo info;

  gst_query_parse_allocation (query, &caps, &need_pool);
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, nullptr);
  if (!caps || !gst_video_info_from_caps (&info, caps) || !st->runtime ||
      st->runtime->runMode () != mk::dvpp::RunMode::kDevice)
    return GST_VIDEO_ENCODER_CLASS (parent_class)
        ->propose_allocation (enc, query);

  GstBufferPool *pool = gst_mk_buffer_pool_new ();
  gst_mk_buffer_pool_set_mk_allocator (
      GST_MK_BUFFER_POOL (pool), st->runtime->allocator ());
  GstStructure *config = gst_buffer_pool_get_config (pool);
  GstVideoAlignment align;
  gst_video_alignment_reset (&align);
  align.stride_align[0] = align.stride_align[1] = 15;
  GstVideoInfo aligned = info;
  gst_video_info_align (&aligned, &align);
  guint size = (guint)GST_VIDEO_INFO_SIZE (&aligned);
  /* Bounded, as the copy path's pool is: a frame's buffer comes back only once its stream is
   * out, so with no bound the pool grew by a frame of DVPP memory each time the outputs lagged
   * further behind (tests/soak: 8 encoders on 2 cores). Past twice the frames the encoder
   * queues, upstream waits. */
  guint max_buffers;
  {
    GstMkObjectLocker locked (self);
    max_buffers = 2 * st->committed.input_buffers;
  }
  gst_buffer_pool_config_set_params (config, caps, size, 0, max_buffers);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  gst_buffer_pool_config_add_option (
      config, GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);
  gst_buffer_pool_config_set_video_alignment (config, &align);
  if (!gst_buffer_pool_set_config (pool, config)) {
    GST_WARNING_OBJECT (self, "DVPP pool refused its config");
    gst_object_unref (pool);
    return GST_VIDEO_ENCODER_CLASS (parent_class)
        ->propose_allocation (enc, query);
  }
  gst_query_add_allocation_pool (query, pool, size, 0, max_buffers);
  GST_DEBUG_OBJECT (self, "offering DVPP pool, %u bytes, stride %d", size,
      GST_VIDEO_INFO_PLANE_STRIDE (&aligned, 0));
  {
    GstMkStreamLocker stream (enc);
    st->pools.push_back (pool);
  }
  return GST_VIDEO_ENCODER_CLASS (parent_class)
      ->propose_allocation (enc, query);
}

static void
gst_ascend_venc_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstAscendVenc *self = GST_ASCEND_VENC (object);
  gboolean handled;
  {
    GstMkObjectLocker locked (self);
    handled = gst_mk_options_set_property (mk::dvpp::encoderOptions (),
        &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  }
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

/* After GObject set every property of one g_object_set (notifications are frozen meanwhile):
 * the settings are committed at once, and a change to an option the session may apply while
 * running is flagged for the streaming thread's next frame. */
static void
gst_ascend_venc_dispatch_properties_changed (
    GObject *object, guint n_pspecs, GParamSpec **pspecs)
{
  GstAscendVenc *self = GST_ASCEND_VENC (object);
  bool live = false;
  for (guint i = 0; i < n_pspecs; i++) {
    if (pspecs[i]->owner_type != GST_TYPE_ASCEND_VENC)
      continue;
    const mk::Option *option = gst_mk_options_lookup (
        mk::dvpp::encoderOptions (), PROP_FIRST_OPTION, pspecs[i]->param_id);
    if (option && (option->flags & mk::kOptionMutablePlaying) != 0)
      live = true;
  }
  {
    GstMkObjectLocker locked (self);
    self->state->committed = self->state->settings;
  }
  if (live)
    self->state->live_dirty.store (true);
  G_OBJECT_CLASS (parent_class)
      ->dispatch_properties_changed (object, n_pspecs, pspecs);
}

static void
gst_ascend_venc_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstAscendVenc *self = GST_ASCEND_VENC (object);
  if (prop_id == PROP_STATS) {
    AscendVencState *st = self->state;
    guint64 qp_frames = st->qp_frames.load ();
    g_value_take_boxed (value,
        gst_structure_new ("application/x-ascendvenc-stats", "frames-zero-copy",
            G_TYPE_UINT64, st->frames_zero_copy.load (), "frames-copied",
            G_TYPE_UINT64, st->frames_copied.load (), "frames-out",
            G_TYPE_UINT64, st->frames_out.load (), "bytes-out", G_TYPE_UINT64,
            st->bytes_out.load (), "keyframes-out", G_TYPE_UINT64,
            st->keyframes_out.load (), "frames-failed", G_TYPE_UINT64,
            st->frames_failed.load (), "mean-qp", G_TYPE_DOUBLE,
            qp_frames ? (double)st->qp_sum.load () / qp_frames : -1.0,
            nullptr));
    return;
  }
  gboolean handled;
  {
    GstMkObjectLocker locked (self);
    handled = gst_mk_options_get_property (mk::dvpp::encoderOptions (),
        &self->state->settings, PROP_FIRST_OPTION, prop_id, value);
  }
  if (!handled)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}
