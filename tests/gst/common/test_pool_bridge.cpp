/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GstMkBufferPool: the pool mktestpool proposes is ours and honours video meta
 * and alignment; memory is recycled through the mk pool; bad configs are
 * refused; min/max hold; deactivating with buffers out frees all when they
 * come back; in LIFO mode the buffer released last comes out first. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/gstvideometa.h>
#include <gst/video/gstvideopool.h>
#include <gst/video/video.h>

#include <atomic>
#include <cstring>

#include "common/gstmkbufferpool.h"

namespace {

const char *kCaps = "video/x-raw,format=RGBA,width=100,height=8,framerate=30/1";

struct Counting
{
  std::atomic<int> allocs{0};
  std::atomic<int> frees{0};
};

void *
counting_alloc (void *opaque, size_t size, size_t alignment) noexcept
{
  void *p = NULL;
  if (posix_memalign (&p, alignment, size) != 0)
    return NULL;
  static_cast<Counting *> (opaque)->allocs++;
  return p;
}

void
counting_free (void *opaque, void *ptr) noexcept
{
  static_cast<Counting *> (opaque)->frees++;
  free (ptr);
}

GstBufferPool *
counting_pool (Counting *c, guint size, guint min, guint max)
{
  GstBufferPool *pool = gst_mk_buffer_pool_new ();
  mk::PoolAllocator a;
  a.opaque = c;
  a.alloc = counting_alloc;
  a.free = counting_free;
  gst_mk_buffer_pool_set_mk_allocator (GST_MK_BUFFER_POOL (pool), a);
  GstStructure *config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, NULL, size, min, max);
  fail_unless (gst_buffer_pool_set_config (pool, config));
  return pool;
}

/* set_config on a fresh pool */
gboolean
try_config (GstCaps *caps, guint size, guint min, guint max,
    gboolean video_meta, const GstVideoAlignment *align)
{
  GstBufferPool *pool = gst_mk_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, size, min, max);
  if (video_meta)
    gst_buffer_pool_config_add_option (
        config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (align) {
    gst_buffer_pool_config_add_option (
        config, GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);
    gst_buffer_pool_config_set_video_alignment (config, align);
  }
  gboolean ok = gst_buffer_pool_set_config (pool, config);
  gst_object_unref (pool);
  return ok;
}

/* The size mktestpool's proposed pool uses for kCaps with `stride_align`. */
gsize
expected_size (guint stride_align, gint *stride)
{
  GstVideoInfo info;
  GstCaps *caps = gst_caps_from_string (kCaps);
  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  if (stride_align > 1) {
    GstVideoAlignment align;
    gst_video_alignment_reset (&align);
    for (guint i = 0; i < GST_VIDEO_MAX_PLANES; i++)
      align.stride_align[i] = stride_align - 1;
    fail_unless (gst_video_info_align (&info, &align));
  }
  *stride = GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
  return GST_VIDEO_INFO_SIZE (&info);
}

void
check_harness_buffer (guint stride_align)
{
  GstHarness *h = gst_harness_new ("mktestpool");
  g_object_set (h->element, "stride-align", stride_align, NULL);
  gst_harness_set_src_caps_str (h, kCaps);

  gint stride;
  gsize size = expected_size (stride_align, &stride);
  fail_unless_equals_int (stride, stride_align > 1 ? 448 : 400);
  GstBuffer *buf = gst_harness_create_buffer (h, size);
  fail_unless (buf->pool != NULL);
  fail_unless (GST_IS_MK_BUFFER_POOL (buf->pool));
  GstVideoMeta *vmeta = gst_buffer_get_video_meta (buf);
  fail_unless (vmeta != NULL);
  fail_unless_equals_int (vmeta->width, 100);
  fail_unless_equals_int (vmeta->height, 8);
  fail_unless_equals_int (vmeta->stride[0], stride);
  fail_unless_equals_int (vmeta->offset[0], 0);

  GstMapInfo map;
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  fail_unless_equals_int (((guintptr)map.data) % 64, 0);
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = (guint8)(i / stride); /* row number */
  gst_buffer_unmap (buf, &map);

  /* mktestpool copies into its own (fallback) GstMkBufferPool */
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  fail_unless (out->pool != NULL);
  fail_unless (GST_IS_MK_BUFFER_POOL (out->pool));
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  fail_unless_equals_int (map.data[0], 0);
  fail_unless_equals_int (map.data[400 * 7 + 5], 7); /* unpadded: no meta */
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

} // namespace

GST_START_TEST (test_harness_buffer_is_ours)
{
  check_harness_buffer (0);
}

GST_END_TEST;

GST_START_TEST (test_harness_buffer_aligned_strides)
{
  check_harness_buffer (64);
}

GST_END_TEST;

GST_START_TEST (test_buffers_recycled)
{
  GstHarness *h = gst_harness_new ("mktestpool");
  gst_harness_set_src_caps_str (h, kCaps);
  gint stride;
  gsize size = expected_size (0, &stride);

  GstBuffer *buf = gst_harness_create_buffer (h, size);
  GstMkBufferPool *pool = GST_MK_BUFFER_POOL (gst_object_ref (buf->pool));
  GstBuffer *first = buf;
  gst_buffer_unref (buf);
  buf = gst_harness_create_buffer (h, size);
  fail_unless (buf == first); /* the same GstBuffer came back */
  mk::BufferPoolStats s = gst_mk_buffer_pool_get_stats (pool);
  fail_unless_equals_int (s.misses, 1);
  fail_unless_equals_int (s.in_use, 1);

  /* Memory taken out of its buffer makes GstBufferPool drop the buffer; the
   * memory still returns to the mk pool and serves the next buffer. */
  GstMemory *mem = gst_buffer_get_memory (buf, 0);
  gst_buffer_remove_all_memory (buf);
  gst_buffer_unref (buf);
  s = gst_mk_buffer_pool_get_stats (pool);
  fail_unless_equals_int (s.in_use, 1);
  gst_memory_unref (mem);
  s = gst_mk_buffer_pool_get_stats (pool);
  fail_unless_equals_int (s.in_use, 0);
  fail_unless_equals_int (s.idle, 1);
  buf = gst_harness_create_buffer (h, size);
  s = gst_mk_buffer_pool_get_stats (pool);
  fail_unless_equals_int (s.hits, 1);
  fail_unless_equals_int (s.misses, 1);
  fail_unless_equals_int (s.allocated, 1);
  gst_buffer_unref (buf);

  gst_object_unref (pool);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_set_config_rejects_bad_configs)
{
  GstCaps *video = gst_caps_from_string (kCaps);
  GstCaps *audio = gst_caps_from_string ("audio/x-raw,format=S16LE,rate=8000,"
                                         "channels=1,layout=interleaved");
  GstVideoAlignment align;

  /* smaller than a frame */
  fail_if (try_config (video, 100, 0, 0, FALSE, NULL));
  /* min above max (set_params refuses to build it; a caller may still) */
  GstBufferPool *pool = gst_mk_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, video, 3200, 0, 0);
  gst_structure_set (config, "min-buffers", G_TYPE_UINT, 4, "max-buffers",
      G_TYPE_UINT, 2, NULL);
  fail_if (gst_buffer_pool_set_config (pool, config));
  gst_object_unref (pool);
  /* no size and nothing to derive one from */
  fail_if (try_config (NULL, 0, 0, 0, FALSE, NULL));
  /* video meta on audio */
  fail_if (try_config (audio, 1024, 0, 0, TRUE, NULL));
  /* stride alignment that is not a power of two */
  gst_video_alignment_reset (&align);
  align.stride_align[0] = 47;
  fail_if (try_config (video, 3200, 0, 0, TRUE, &align));

  /* good ones: plain bytes, and padded video whose size grows */
  fail_unless (try_config (audio, 1024, 0, 0, FALSE, NULL));
  fail_unless (try_config (NULL, 1024, 0, 0, FALSE, NULL));

  pool = gst_mk_buffer_pool_new ();
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, video, 3200, 0, 0);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  gst_buffer_pool_config_add_option (
      config, GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);
  gst_video_alignment_reset (&align);
  align.padding_bottom = 2;
  align.stride_align[0] = 127;
  gst_buffer_pool_config_set_video_alignment (config, &align);
  fail_unless (gst_buffer_pool_set_config (pool, config));
  config = gst_buffer_pool_get_config (pool);
  guint size;
  fail_unless (
      gst_buffer_pool_config_get_params (config, NULL, &size, NULL, NULL));
  fail_unless_equals_int (size, 512 * 10);
  gst_structure_free (config);

  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  GstBuffer *buf = NULL;
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &buf, NULL), GST_FLOW_OK);
  GstVideoMeta *vmeta = gst_buffer_get_video_meta (buf);
  fail_unless (vmeta != NULL);
  fail_unless_equals_int (vmeta->stride[0], 512);
  fail_unless_equals_int (vmeta->offset[0], 0);
  GstMapInfo map;
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  fail_unless_equals_int (((guintptr)map.data) % 128, 0);
  fail_unless_equals_int (map.size, 512 * 10);
  gst_buffer_unmap (buf, &map);
  gst_buffer_unref (buf);
  fail_unless (gst_buffer_pool_set_active (pool, FALSE));

  gst_caps_unref (video);
  gst_caps_unref (audio);
  gst_object_unref (pool);
}

GST_END_TEST;

GST_START_TEST (test_min_max_buffers)
{
  Counting c;
  GstBufferPool *pool = counting_pool (&c, 1024, 2, 3);
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  fail_unless_equals_int (c.allocs.load (), 2); /* min preallocated */

  GstBuffer *bufs[3];
  for (auto &b : bufs)
    fail_unless_equals_int (
        gst_buffer_pool_acquire_buffer (pool, &b, NULL), GST_FLOW_OK);
  fail_unless_equals_int (c.allocs.load (), 3);

  GstBufferPoolAcquireParams params = {};
  params.flags = GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT;
  GstBuffer *extra = NULL;
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &extra, &params), GST_FLOW_EOS);
  fail_unless_equals_int (c.allocs.load (), 3);

  gst_buffer_unref (bufs[0]);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &extra, &params), GST_FLOW_OK);
  gst_buffer_unref (extra);
  gst_buffer_unref (bufs[1]);
  gst_buffer_unref (bufs[2]);

  /* flushing refuses, then recovers */
  gst_buffer_pool_set_flushing (pool, TRUE);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &extra, NULL), GST_FLOW_FLUSHING);
  gst_buffer_pool_set_flushing (pool, FALSE);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &extra, NULL), GST_FLOW_OK);
  gst_buffer_unref (extra);

  fail_unless (gst_buffer_pool_set_active (pool, FALSE));
  fail_unless_equals_int (c.frees.load (), 3);
  gst_object_unref (pool);
}

GST_END_TEST;

GST_START_TEST (test_deactivate_with_buffers_out)
{
  Counting c;
  GstBufferPool *pool = counting_pool (&c, 4096, 1, 4);
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  GstBuffer *bufs[3];
  for (auto &b : bufs)
    fail_unless_equals_int (
        gst_buffer_pool_acquire_buffer (pool, &b, NULL), GST_FLOW_OK);
  fail_unless_equals_int (c.allocs.load (), 3);
  GstMemory *shared = gst_memory_ref (gst_buffer_peek_memory (bufs[2], 0));

  fail_unless (gst_buffer_pool_set_active (pool, FALSE));
  GstBuffer *late = NULL;
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &late, NULL), GST_FLOW_FLUSHING);
  fail_unless_equals_int (c.frees.load (), 0);

  gst_buffer_unref (bufs[0]);
  gst_buffer_unref (bufs[2]);
  fail_unless_equals_int (c.frees.load (), 0);
  gst_buffer_unref (bufs[1]); /* the last GstBuffer: the pool stops */
  fail_unless_equals_int (c.frees.load (), 2);
  mk::BufferPoolStats s =
      gst_mk_buffer_pool_get_stats (GST_MK_BUFFER_POOL (pool));
  fail_unless_equals_int (s.allocated, 0);

  /* memory shared beyond its buffer is freed when it comes back */
  GstMapInfo map;
  fail_unless (gst_memory_map (shared, &map, GST_MAP_WRITE));
  memset (map.data, 0, map.size);
  gst_memory_unmap (shared, &map);
  gst_memory_unref (shared);
  fail_unless_equals_int (c.frees.load (), 3);
  fail_unless_equals_int (c.allocs.load (), 3);

  /* and the pool can be used again */
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  fail_unless_equals_int (c.allocs.load (), 4);
  fail_unless (gst_buffer_pool_set_active (pool, FALSE));
  fail_unless_equals_int (c.frees.load (), 4);
  gst_object_unref (pool);
}

GST_END_TEST;

GST_START_TEST (test_downstream_pool_used)
{
  /* the first mktestpool decides on the pool the second one proposes */
  GstHarness *h = gst_harness_new_parse ("mktestpool ! mktestpool "
                                         "stride-align=128");
  gst_harness_set_src_caps_str (h, kCaps);
  gint stride;
  gsize size = expected_size (0, &stride);
  GstBuffer *buf = gst_harness_create_buffer (h, size);
  fail_unless (GST_IS_MK_BUFFER_POOL (buf->pool));
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  fail_unless (out != NULL);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_lifo)
{
  Counting c;
  GstBufferPool *pool = counting_pool (&c, 1024, 2, 0);
  gst_mk_buffer_pool_set_lifo (GST_MK_BUFFER_POOL (pool), TRUE);
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  GstBuffer *a = NULL, *b = NULL, *x = NULL;
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &a, NULL), GST_FLOW_OK);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &b, NULL), GST_FLOW_OK);
  GstBuffer *first = a, *second = b;
  /* released a then b: b comes out first, then a (the queue would give a first) */
  gst_buffer_unref (a);
  gst_buffer_unref (b);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &x, NULL), GST_FLOW_OK);
  fail_unless (x == second);
  gst_buffer_unref (x);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &x, NULL), GST_FLOW_OK);
  fail_unless (x == second); /* released last again */
  GstBuffer *y = NULL;
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &y, NULL), GST_FLOW_OK);
  fail_unless (y == first);
  gst_buffer_unref (y);

  /* flushing refuses even with a buffer waiting aside, then recovers */
  gst_buffer_pool_set_flushing (pool, TRUE);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &y, NULL), GST_FLOW_FLUSHING);
  gst_buffer_pool_set_flushing (pool, FALSE);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &y, NULL), GST_FLOW_OK);
  fail_unless (y == first);
  gst_buffer_unref (y);

  /* a buffer whose memory was replaced is not kept */
  gst_buffer_replace_all_memory (x, gst_allocator_alloc (NULL, 1024, NULL));
  gst_buffer_unref (x);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &x, NULL), GST_FLOW_OK);
  fail_unless (x == first);
  gst_buffer_unref (x);

  /* the buffer waiting aside is freed with the rest */
  fail_unless (gst_buffer_pool_set_active (pool, FALSE));
  fail_unless_equals_int (c.frees.load (), c.allocs.load ());
  gst_object_unref (pool);

  /* a bounded pool stays first in, first out */
  pool = counting_pool (&c, 1024, 2, 2);
  gst_mk_buffer_pool_set_lifo (GST_MK_BUFFER_POOL (pool), TRUE);
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &a, NULL), GST_FLOW_OK);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &b, NULL), GST_FLOW_OK);
  first = a;
  gst_buffer_unref (a);
  gst_buffer_unref (b);
  fail_unless_equals_int (
      gst_buffer_pool_acquire_buffer (pool, &x, NULL), GST_FLOW_OK);
  fail_unless (x == first);
  gst_buffer_unref (x);
  fail_unless (gst_buffer_pool_set_active (pool, FALSE));
  gst_object_unref (pool);
}

GST_END_TEST;

static Suite *
pool_bridge_suite (void)
{
  Suite *s = suite_create ("gst-pool-bridge");
  TCase *tc = tcase_create ("pool");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_harness_buffer_is_ours);
  tcase_add_test (tc, test_harness_buffer_aligned_strides);
  tcase_add_test (tc, test_buffers_recycled);
  tcase_add_test (tc, test_set_config_rejects_bad_configs);
  tcase_add_test (tc, test_min_max_buffers);
  tcase_add_test (tc, test_deactivate_with_buffers_out);
  tcase_add_test (tc, test_downstream_pool_used);
  tcase_add_test (tc, test_lifo);
  return s;
}

GST_CHECK_MAIN (pool_bridge);
