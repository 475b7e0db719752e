/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GstMkBufferPool: a GstBufferPool whose memory comes from an mk::BufferPool, so elements get
 * pooled, aligned (and later DVPP) memory through the usual allocation queries. Understands caps
 * (video/x-raw or any caps with a size), min/max buffers, GST_BUFFER_POOL_OPTION_VIDEO_META and
 * GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT. */
#pragma once

#include <gst/gst.h>

#include "core/buffer_pool.h"

G_BEGIN_DECLS

#define GST_TYPE_MK_BUFFER_POOL (gst_mk_buffer_pool_get_type ())
G_DECLARE_FINAL_TYPE (
    GstMkBufferPool, gst_mk_buffer_pool, GST, MK_BUFFER_POOL, GstBufferPool)

GstBufferPool *gst_mk_buffer_pool_new (void);

G_END_DECLS

/* Memory comes from `allocator` (e.g. DVPP device memory) from the next activation on; the
 * opaque must stay valid until every buffer of the pool is freed. */
void gst_mk_buffer_pool_set_mk_allocator (
    GstMkBufferPool *pool, const mk::PoolAllocator &allocator);

/* Poisoning of returned memory (see mk::BufferPoolConfig::poison), from the next activation. */
void gst_mk_buffer_pool_set_poison (GstMkBufferPool *pool, gboolean poison);

/* Last in, first out: the buffer released last is the next one handed out (GstBufferPool's
 * queue is first in, first out), so a producer gets back the buffer it wrote most recently when
 * downstream gave it back. Applies to pools without max-buffers (a bounded pool stays first in,
 * first out, which its waiting relies on). Off by default. */
void gst_mk_buffer_pool_set_lifo (GstMkBufferPool *pool, gboolean lifo);

/* The counters of the mk pool behind an active pool (all zero when inactive). */
mk::BufferPoolStats gst_mk_buffer_pool_get_stats (GstMkBufferPool *pool);

/* The mk buffer behind `buffer` when it is one whole memory from a GstMkBufferPool: `out` gets a
 * new reference (the memory keeps its own) and TRUE is returned; FALSE otherwise. Lets a consumer
 * hand pooled memory to lib/ without a copy; the caller keeps `buffer` alive (unwritten) for as
 * long as it uses the mk buffer, since the pool may hand `buffer` out again once it is freed. */
gboolean gst_mk_buffer_pool_ref_mk_buffer (
    GstBuffer *buffer, mk::PoolBuffer *out);
GQuark gst_mk_buffer_pool_memory_quark (void);
