/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GstMkBufferPool: GstBufferPool keeps the GstBuffer shells (min/max, flushing, waiting); the
 * mk::BufferPool behind it keeps the memory. Each shell carries one wrapped mk buffer whose
 * destroy-notify drops the mk reference, so memory that outlives its GstBuffer (a shared
 * GstMemory) still returns to the mk pool, and is freed if the pool was stopped meanwhile.
 * In LIFO mode the buffer released last waits aside (`newest`) and is handed out first; the
 * others go through GstBufferPool's queue as usual. */
#include "common/gstmkbufferpool.h"

#include <gst/video/gstvideometa.h>
#include <gst/video/gstvideopool.h>
#include <gst/video/video.h>

#include <mutex>

GST_DEBUG_CATEGORY_STATIC (gst_mk_buffer_pool_debug);
#define GST_CAT_DEFAULT gst_mk_buffer_pool_debug

namespace {

/* The memory alignment when nothing asks for more: a cache line, enough for SIMD rows. */
constexpr gsize kMinAlignment = 64;

struct State
{
  std::mutex lock;     /* guards everything below */
  mk::BufferPool pool; /* valid while active */
  mk::PoolAllocator allocator = mk::heapAllocator ();
  bool poison = mk::kPoisonByDefault;
  bool lifo = false;
  GstBuffer *newest =
      nullptr; /* LIFO: the buffer released last, not in the queue */
  /* from set_config */
  gsize size = 0;
  guint max_buffers = 0;
  gsize alignment = kMinAlignment;
  bool is_video = false;
  bool add_video_meta = false;
  GstVideoInfo info;
  GstVideoAlignment video_align;
};

bool
is_power_of_two (gsize v)
{
  return v != 0 && (v & (v - 1)) == 0;
}

} // namespace

struct _GstMkBufferPool
{
  GstBufferPool parent;
  State *state;
};

/* gst/common is a shared library: this type is registered once per process, by this code,
 * whichever plugins use it. */
#define gst_mk_buffer_pool_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstMkBufferPool, gst_mk_buffer_pool,
    GST_TYPE_BUFFER_POOL,
    GST_DEBUG_CATEGORY_INIT (gst_mk_buffer_pool_debug, "mkbufferpool", 0,
        "GstBufferPool over mk::BufferPool"));

static const gchar **
gst_mk_buffer_pool_get_options (GstBufferPool *)
{
  static const gchar *options[] = {GST_BUFFER_POOL_OPTION_VIDEO_META,
      GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT, NULL};
  return options;
}

static gboolean
gst_mk_buffer_pool_set_config (GstBufferPool *pool, GstStructure *config)
{
  GstMkBufferPool *self = GST_MK_BUFFER_POOL (pool);
  State *st = self->state;
  GstCaps *caps = NULL;
  guint size, min, max;
  GstAllocator *allocator = NULL;
  GstAllocationParams params;
  GstVideoInfo info;
  GstVideoAlignment align;
  gboolean is_video = FALSE;
  gboolean add_meta, need_align;
  gsize alignment = kMinAlignment;

  if (!gst_buffer_pool_config_get_params (config, &caps, &size, &min, &max))
    goto wrong_config;
  if (max != 0 && min > max)
    goto wrong_min_max;

  gst_allocation_params_init (&params);
  gst_buffer_pool_config_get_allocator (config, &allocator, &params);
  /* GstAllocationParams.align is a mask (alignment - 1) */
  if (!is_power_of_two (params.align + 1))
    goto wrong_alignment;
  alignment = MAX (alignment, params.align + 1);

  add_meta = gst_buffer_pool_config_has_option (
      config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  need_align = gst_buffer_pool_config_has_option (
      config, GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);

  gst_video_alignment_reset (&align);
  if (caps && gst_caps_get_size (caps) > 0 &&
      gst_structure_has_name (
          gst_caps_get_structure (caps, 0), "video/x-raw")) {
    if (!gst_video_info_from_caps (&info, caps))
      goto wrong_caps;
    if (size < GST_VIDEO_INFO_SIZE (&info))
      goto wrong_size;
    is_video = TRUE;
  }
  if (add_meta && !is_video)
    goto meta_without_video;

  /* Padding only makes sense when the strides travel with the buffer. */
  if (is_video && add_meta && need_align) {
    gst_buffer_pool_config_get_video_alignment (config, &align);
    for (guint i = 0; i < GST_VIDEO_MAX_PLANES; i++) {
      if (!is_power_of_two (align.stride_align[i] + 1))
        goto wrong_alignment;
      alignment = MAX (alignment, (gsize)align.stride_align[i] + 1);
    }
    if (!gst_video_info_align (&info, &align))
      goto wrong_alignment;
    gst_buffer_pool_config_set_video_alignment (config, &align);
    size = MAX (size, (guint)GST_VIDEO_INFO_SIZE (&info));
  }
  if (size == 0)
    goto zero_size;

  gst_buffer_pool_config_set_params (config, caps, size, min, max);

  {
    std::lock_guard<std::mutex> lock (st->lock);
    st->size = size;
    st->max_buffers = max;
    st->alignment = alignment;
    st->is_video = is_video;
    st->add_video_meta = add_meta;
    if (is_video)
      st->info = info;
    st->video_align = align;
  }
  GST_DEBUG_OBJECT (pool,
      "config: %u bytes, %u..%u buffers, alignment %" G_GSIZE_FORMAT
      ", video meta %d",
      size, min, max, alignment, add_meta);

  return GST_BUFFER_POOL_CLASS (parent_class)->set_config (pool, config);

  /* ERRORS */
wrong_config:
  GST_WARNING_OBJECT (pool, "invalid config %" GST_PTR_FORMAT, config);
  return FALSE;
wrong_min_max:
  GST_WARNING_OBJECT (pool, "min buffers %u is above max buffers %u", min, max);
  return FALSE;
wrong_caps:
  GST_WARNING_OBJECT (
      pool, "failed to get video info from caps %" GST_PTR_FORMAT, caps);
  return FALSE;
wrong_size:
  GST_WARNING_OBJECT (pool,
      "size %u is below the %" G_GSIZE_FORMAT
      " bytes of a frame of %" GST_PTR_FORMAT,
      size, GST_VIDEO_INFO_SIZE (&info), caps);
  return FALSE;
wrong_alignment:
  GST_WARNING_OBJECT (pool,
      "alignment is not a power of two, or the "
      "video alignment does not fit the caps %" GST_PTR_FORMAT,
      caps);
  return FALSE;
meta_without_video:
  GST_WARNING_OBJECT (pool, "%s needs video/x-raw caps, got %" GST_PTR_FORMAT,
      GST_BUFFER_POOL_OPTION_VIDEO_META, caps);
  return FALSE;
zero_size:
  GST_WARNING_OBJECT (pool, "no buffer size and no video caps to derive "
                            "one from");
  return FALSE;
}

static gboolean
gst_mk_buffer_pool_start (GstBufferPool *pool)
{
  GstMkBufferPool *self = GST_MK_BUFFER_POOL (pool);
  State *st = self->state;
  mk::BufferPoolConfig cfg;

  {
    std::lock_guard<std::mutex> lock (st->lock);
    cfg.size = st->size;
    cfg.alignment = st->alignment;
    cfg.allocator = st->allocator;
    cfg.poison = st->poison;
    /* GstBufferPool bounds the GstBuffers; memory shared beyond them may
     * exceed max-buffers for a while, so the mk pool itself is unbounded. */
    cfg.max_buffers = 0;
    auto created = mk::BufferPool::create (cfg);
    if (!created.isOk ()) {
      GST_ERROR_OBJECT (pool, "cannot create the mk pool: %s",
          created.status ().message ().c_str ());
      return FALSE;
    }
    st->pool = std::move (created).value ();
  }

  /* preallocates min-buffers through alloc_buffer */
  if (!GST_BUFFER_POOL_CLASS (parent_class)->start (pool)) {
    mk::BufferPool old;
    std::lock_guard<std::mutex> lock (st->lock);
    old = std::move (st->pool);
    return FALSE;
  }
  return TRUE;
}

static gboolean
gst_mk_buffer_pool_stop (GstBufferPool *pool)
{
  GstMkBufferPool *self = GST_MK_BUFFER_POOL (pool);
  State *st = self->state;
  GstBuffer *newest;
  {
    std::lock_guard<std::mutex> lock (st->lock);
    newest = st->newest;
    st->newest = nullptr;
  }
  /* into the queue, which GstBufferPool's stop empties (it fails with buffers unaccounted) */
  if (newest)
    GST_BUFFER_POOL_CLASS (parent_class)->release_buffer (pool, newest);
  /* frees the queued GstBuffers: their memory goes back to the mk pool */
  gboolean ret = GST_BUFFER_POOL_CLASS (parent_class)->stop (pool);
  mk::BufferPool old;
  {
    std::lock_guard<std::mutex> lock (st->lock);
    old = std::move (st->pool);
  }
  /* Idle memory is freed now, memory still shared when it comes back. */
  old.uninit ();
  return ret;
}

static GstFlowReturn
gst_mk_buffer_pool_alloc_buffer (
    GstBufferPool *pool, GstBuffer **buffer, GstBufferPoolAcquireParams *)
{
  GstMkBufferPool *self = GST_MK_BUFFER_POOL (pool);
  State *st = self->state;
  mk::PoolBuffer mb;
  gsize size;
  bool add_meta;
  GstVideoInfo info;
  GstVideoAlignment align;

  {
    std::lock_guard<std::mutex> lock (st->lock);
    auto acquired = st->pool.tryAcquire ();
    if (!acquired.isOk ()) {
      GST_ERROR_OBJECT (pool, "no memory from the mk pool: %s",
          acquired.status ().message ().c_str ());
      return GST_FLOW_ERROR;
    }
    mb = std::move (acquired).value ();
    size = st->size;
    add_meta = st->add_video_meta;
    if (add_meta) {
      info = st->info;
      align = st->video_align;
    }
  }

  guint8 *data = mb.data ();
  gsize maxsize = mb.size ();
  void *opaque = mb.detach ();
  GstMemory *mem = gst_memory_new_wrapped ((GstMemoryFlags)0, data, maxsize, 0,
      size, opaque, mk::PoolBuffer::unrefOpaque);
  /* So that a consumer of ours can take the mk buffer back (zero copy). */
  gst_mini_object_set_qdata (GST_MINI_OBJECT_CAST (mem),
      gst_mk_buffer_pool_memory_quark (), opaque, nullptr);
  GstBuffer *buf = gst_buffer_new ();
  gst_buffer_append_memory (buf, mem);

  if (add_meta) {
    GstVideoMeta *vmeta = gst_buffer_add_video_meta_full (buf,
        GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_INFO_FORMAT (&info),
        GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info),
        GST_VIDEO_INFO_N_PLANES (&info), info.offset, info.stride);
    gst_video_meta_set_alignment (vmeta, align);
  }

  *buffer = buf;
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_mk_buffer_pool_acquire_buffer (
    GstBufferPool *pool, GstBuffer **buffer, GstBufferPoolAcquireParams *params)
{
  State *st = GST_MK_BUFFER_POOL (pool)->state;
  if (!GST_BUFFER_POOL_IS_FLUSHING (pool)) {
    std::lock_guard<std::mutex> lock (st->lock);
    if (st->newest) {
      *buffer = st->newest;
      st->newest = nullptr;
      return GST_FLOW_OK;
    }
  }
  return GST_BUFFER_POOL_CLASS (parent_class)
      ->acquire_buffer (pool, buffer, params);
}

static void
gst_mk_buffer_pool_release_buffer (GstBufferPool *pool, GstBuffer *buffer)
{
  State *st = GST_MK_BUFFER_POOL (pool)->state;
  GstBuffer *older = buffer;
  /* Only a buffer GstBufferPool would keep (its checks) waits aside, only in an unbounded
   * pool (nobody ever waits for a buffer there, so none is kept from a waiter), and not while
   * the pool is flushing or stopping (its stop frees what is in the queue). */
  if (!GST_BUFFER_POOL_IS_FLUSHING (pool) &&
      !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_TAG_MEMORY) &&
      gst_buffer_is_all_memory_writable (buffer)) {
    std::lock_guard<std::mutex> lock (st->lock);
    if (st->lifo && st->max_buffers == 0 &&
        gst_buffer_get_size (buffer) == st->size) {
      older = st->newest;
      st->newest = buffer;
    }
  }
  if (older)
    GST_BUFFER_POOL_CLASS (parent_class)->release_buffer (pool, older);
}

static void
gst_mk_buffer_pool_finalize (GObject *object)
{
  GstMkBufferPool *self = GST_MK_BUFFER_POOL (object);
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_mk_buffer_pool_class_init (GstMkBufferPoolClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBufferPoolClass *pool_class = GST_BUFFER_POOL_CLASS (klass);

  gobject_class->finalize = gst_mk_buffer_pool_finalize;
  pool_class->get_options = gst_mk_buffer_pool_get_options;
  pool_class->set_config = gst_mk_buffer_pool_set_config;
  pool_class->start = gst_mk_buffer_pool_start;
  pool_class->stop = gst_mk_buffer_pool_stop;
  pool_class->alloc_buffer = gst_mk_buffer_pool_alloc_buffer;
  pool_class->acquire_buffer = gst_mk_buffer_pool_acquire_buffer;
  pool_class->release_buffer = gst_mk_buffer_pool_release_buffer;
}

static void
gst_mk_buffer_pool_init (GstMkBufferPool *self)
{
  self->state = new State ();
  gst_video_alignment_reset (&self->state->video_align);
  gst_video_info_init (&self->state->info);
}

GstBufferPool *
gst_mk_buffer_pool_new (void)
{
  GstMkBufferPool *pool =
      (GstMkBufferPool *)g_object_new (GST_TYPE_MK_BUFFER_POOL, NULL);
  gst_object_ref_sink (pool);
  return GST_BUFFER_POOL_CAST (pool);
}

void
gst_mk_buffer_pool_set_mk_allocator (
    GstMkBufferPool *pool, const mk::PoolAllocator &allocator)
{
  g_return_if_fail (GST_IS_MK_BUFFER_POOL (pool));
  std::lock_guard<std::mutex> lock (pool->state->lock);
  pool->state->allocator = allocator.alloc ? allocator : mk::heapAllocator ();
}

void
gst_mk_buffer_pool_set_poison (GstMkBufferPool *pool, gboolean poison)
{
  g_return_if_fail (GST_IS_MK_BUFFER_POOL (pool));
  std::lock_guard<std::mutex> lock (pool->state->lock);
  pool->state->poison = poison;
}

void
gst_mk_buffer_pool_set_lifo (GstMkBufferPool *pool, gboolean lifo)
{
  g_return_if_fail (GST_IS_MK_BUFFER_POOL (pool));
  std::lock_guard<std::mutex> lock (pool->state->lock);
  pool->state->lifo = lifo;
}

mk::BufferPoolStats
gst_mk_buffer_pool_get_stats (GstMkBufferPool *pool)
{
  g_return_val_if_fail (GST_IS_MK_BUFFER_POOL (pool), mk::BufferPoolStats ());
  std::lock_guard<std::mutex> lock (pool->state->lock);
  return pool->state->pool.stats ();
}

GQuark
gst_mk_buffer_pool_memory_quark (void)
{
  /* A function-local static: initialised once even when two streaming threads
   * ask first at the same time (ThreadSanitizer found the unguarded version). */
  static const GQuark quark =
      g_quark_from_static_string ("GstMkBufferPoolMemory");
  return quark;
}

gboolean
gst_mk_buffer_pool_ref_mk_buffer (GstBuffer *buffer, mk::PoolBuffer *out)
{
  if (gst_buffer_n_memory (buffer) != 1)
    return FALSE;
  GstMemory *mem = gst_buffer_peek_memory (buffer, 0);
  void *opaque = gst_mini_object_get_qdata (
      GST_MINI_OBJECT_CAST (mem), gst_mk_buffer_pool_memory_quark ());
  if (!opaque || mem->offset != 0)
    return FALSE;
  *out = mk::PoolBuffer::refOpaque (opaque);
  return TRUE;
}
