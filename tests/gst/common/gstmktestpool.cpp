/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-mktestpool
 *
 * A test-only RGBA copy filter. It proposes a GstMkBufferPool upstream (with
 * GstVideoMeta, and padded strides when #GstMkTestPool:stride-align is set),
 * and copies each frame into a buffer from downstream's pool, or from its own
 * GstMkBufferPool when downstream offers none.
 *
 * |[
 * gst-launch-1.0 videotestsrc ! video/x-raw,format=RGBA ! mktestpool ! fakesink
 * ]|
 */
#include "gstmktestpool.h"

#include <gst/video/gstvideometa.h>
#include <gst/video/gstvideopool.h>
#include <gst/video/video.h>

#include "common/gstmkbufferpool.h"

GST_DEBUG_CATEGORY_STATIC (gst_mk_test_pool_debug);
#define GST_CAT_DEFAULT gst_mk_test_pool_debug

#define DEFAULT_STRIDE_ALIGN 0
#define DEFAULT_MIN_BUFFERS 0
#define DEFAULT_MAX_BUFFERS 0

enum {
  PROP_0,
  PROP_STRIDE_ALIGN,
  PROP_MIN_BUFFERS,
  PROP_MAX_BUFFERS,
};

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE ("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE ("RGBA")));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE ("src", GST_PAD_SRC, GST_PAD_ALWAYS,
        GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE ("RGBA")));

namespace {

struct State
{
  GstVideoInfo info;
  gboolean have_info = FALSE;
  GstBufferPool *src_pool = nullptr; /* what decide_allocation chose */
  /* properties, under the object lock */
  guint stride_align = DEFAULT_STRIDE_ALIGN;
  guint min_buffers = DEFAULT_MIN_BUFFERS;
  guint max_buffers = DEFAULT_MAX_BUFFERS;
};

} // namespace

struct _GstMkTestPool
{
  GstElement parent;
  GstPad *sinkpad;
  GstPad *srcpad;
  State *state;
};

#define gst_mk_test_pool_parent_class parent_class
G_DEFINE_TYPE (GstMkTestPool, gst_mk_test_pool, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (
    mktestpool, "mktestpool", GST_RANK_NONE, GST_TYPE_MK_TEST_POOL);

static void gst_mk_test_pool_finalize (GObject *object);
static void gst_mk_test_pool_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec);
static void gst_mk_test_pool_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec);
static GstStateChangeReturn gst_mk_test_pool_change_state (
    GstElement *element, GstStateChange transition);
static GstFlowReturn gst_mk_test_pool_chain (
    GstPad *pad, GstObject *parent, GstBuffer *buf);
static gboolean gst_mk_test_pool_sink_event (
    GstPad *pad, GstObject *parent, GstEvent *event);
static gboolean gst_mk_test_pool_sink_query (
    GstPad *pad, GstObject *parent, GstQuery *query);

static void
gst_mk_test_pool_class_init (GstMkTestPoolClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (
      gst_mk_test_pool_debug, "mktestpool", 0, "GstMkBufferPool test element");

  gobject_class->finalize = gst_mk_test_pool_finalize;
  gobject_class->set_property = gst_mk_test_pool_set_property;
  gobject_class->get_property = gst_mk_test_pool_get_property;

  g_object_class_install_property (gobject_class, PROP_STRIDE_ALIGN,
      g_param_spec_uint ("stride-align", "Stride Align",
          "Row stride alignment of the proposed pool in bytes "
          "(a power of two, 0 for none)",
          0, 4096, DEFAULT_STRIDE_ALIGN,
          (GParamFlags)(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_MIN_BUFFERS,
      g_param_spec_uint ("min-buffers", "Min Buffers",
          "Buffers the proposed pool preallocates", 0, 64, DEFAULT_MIN_BUFFERS,
          (GParamFlags)(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
  g_object_class_install_property (gobject_class, PROP_MAX_BUFFERS,
      g_param_spec_uint ("max-buffers", "Max Buffers",
          "Most buffers of the proposed pool (0 for no limit)", 0, 64,
          DEFAULT_MAX_BUFFERS,
          (GParamFlags)(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));

  element_class->change_state = gst_mk_test_pool_change_state;
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "GstMkBufferPool test filter", "Filter/Video",
      "Proposes and uses GstMkBufferPool (tests only)", "gst-mediakit");
}

static void
gst_mk_test_pool_init (GstMkTestPool *self)
{
  self->state = new State ();
  gst_video_info_init (&self->state->info);

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, gst_mk_test_pool_chain);
  gst_pad_set_event_function (self->sinkpad, gst_mk_test_pool_sink_event);
  gst_pad_set_query_function (self->sinkpad, gst_mk_test_pool_sink_query);
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

static void
gst_mk_test_pool_finalize (GObject *object)
{
  GstMkTestPool *self = GST_MK_TEST_POOL (object);
  if (self->state->src_pool) {
    gst_buffer_pool_set_active (self->state->src_pool, FALSE);
    gst_object_unref (self->state->src_pool);
  }
  delete self->state;
  self->state = nullptr;
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* A GstMkBufferPool configured for `info`, as proposed upstream. */
static GstBufferPool *
gst_mk_test_pool_make_pool (
    GstMkTestPool *self, GstCaps *caps, const GstVideoInfo *info, guint *size)
{
  guint stride_align, min, max;
  GST_OBJECT_LOCK (self);
  stride_align = self->state->stride_align;
  min = self->state->min_buffers;
  max = self->state->max_buffers;
  GST_OBJECT_UNLOCK (self);

  GstBufferPool *pool = gst_mk_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (
      config, caps, GST_VIDEO_INFO_SIZE (info), min, max);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (stride_align > 1) {
    GstVideoAlignment align;
    gst_video_alignment_reset (&align);
    for (guint i = 0; i < GST_VIDEO_MAX_PLANES; i++)
      align.stride_align[i] = stride_align - 1;
    gst_buffer_pool_config_add_option (
        config, GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);
    gst_buffer_pool_config_set_video_alignment (config, &align);
  }
  if (!gst_buffer_pool_set_config (pool, config)) {
    GST_ERROR_OBJECT (self, "GstMkBufferPool refused the config");
    gst_object_unref (pool);
    return NULL;
  }
  /* the pool may have grown the size for padding */
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_get_params (config, NULL, size, NULL, NULL);
  gst_structure_free (config);
  return pool;
}

static gboolean
gst_mk_test_pool_propose_allocation (GstMkTestPool *self, GstQuery *query)
{
  GstCaps *caps;
  gboolean need_pool;
  GstVideoInfo info;
  guint size = 0, min, max;

  gst_query_parse_allocation (query, &caps, &need_pool);
  if (!caps || !gst_video_info_from_caps (&info, caps))
    return FALSE;

  /* offered even when need_pool is FALSE: it costs nothing and gives aligned
   * memory to whoever wants it */
  GstBufferPool *pool = gst_mk_test_pool_make_pool (self, caps, &info, &size);
  if (!pool)
    return FALSE;
  GST_OBJECT_LOCK (self);
  min = self->state->min_buffers;
  max = self->state->max_buffers;
  GST_OBJECT_UNLOCK (self);
  gst_query_add_allocation_pool (query, pool, size, min, max);
  gst_object_unref (pool);
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  return TRUE;
}

/* Downstream's pool if it offers one, else our own GstMkBufferPool. */
static gboolean
gst_mk_test_pool_decide_allocation (GstMkTestPool *self, GstCaps *caps)
{
  State *st = self->state;
  GstQuery *query = gst_query_new_allocation (caps, TRUE);
  GstBufferPool *pool = NULL;
  guint size = GST_VIDEO_INFO_SIZE (&st->info), min = 0, max = 0;

  if (!gst_pad_peer_query (self->srcpad, query))
    GST_DEBUG_OBJECT (self, "downstream did not answer the allocation query");
  if (gst_query_get_n_allocation_pools (query) > 0)
    gst_query_parse_nth_allocation_pool (query, 0, &pool, &size, &min, &max);

  if (pool) {
    GstStructure *config = gst_buffer_pool_get_config (pool);
    size = MAX (size, (guint)GST_VIDEO_INFO_SIZE (&st->info));
    gst_buffer_pool_config_set_params (config, caps, size, min, max);
    if (gst_buffer_pool_has_option (pool, GST_BUFFER_POOL_OPTION_VIDEO_META))
      gst_buffer_pool_config_add_option (
          config, GST_BUFFER_POOL_OPTION_VIDEO_META);
    if (!gst_buffer_pool_set_config (pool, config)) {
      /* take what the pool adjusted, if it is still usable */
      config = gst_buffer_pool_get_config (pool);
      if (!gst_buffer_pool_config_validate_params (
              config, caps, size, min, max) ||
          !gst_buffer_pool_set_config (pool, config)) {
        GST_DEBUG_OBJECT (self, "downstream pool refused our config");
        gst_clear_object (&pool);
      }
    }
  }
  if (!pool) {
    pool = gst_mk_buffer_pool_new ();
    GstStructure *config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (
        config, caps, GST_VIDEO_INFO_SIZE (&st->info), 0, 0);
    if (!gst_buffer_pool_set_config (pool, config))
      goto config_failed;
  }
  gst_query_unref (query);

  if (!gst_buffer_pool_set_active (pool, TRUE))
    goto activate_failed;

  if (st->src_pool) {
    gst_buffer_pool_set_active (st->src_pool, FALSE);
    gst_object_unref (st->src_pool);
  }
  st->src_pool = pool;
  return TRUE;

  /* ERRORS */
config_failed : {
  GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, (NULL),
      ("GstMkBufferPool refused caps %" GST_PTR_FORMAT, caps));
  gst_object_unref (pool);
  gst_query_unref (query);
  return FALSE;
}
activate_failed : {
  GST_ELEMENT_ERROR (
      self, RESOURCE, SETTINGS, (NULL), ("failed to activate the output pool"));
  gst_object_unref (pool);
  return FALSE;
}
}

static gboolean
gst_mk_test_pool_sink_event (GstPad *pad, GstObject *parent, GstEvent *event)
{
  GstMkTestPool *self = GST_MK_TEST_POOL (parent);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    GstCaps *caps;
    gst_event_parse_caps (event, &caps);
    if (!gst_video_info_from_caps (&self->state->info, caps)) {
      GST_ERROR_OBJECT (self, "bad caps %" GST_PTR_FORMAT, caps);
      gst_event_unref (event);
      return FALSE;
    }
    self->state->have_info = TRUE;
    gst_caps_ref (caps);
    if (!gst_pad_push_event (self->srcpad, event)) {
      gst_caps_unref (caps);
      return FALSE;
    }
    gboolean ret = gst_mk_test_pool_decide_allocation (self, caps);
    gst_caps_unref (caps);
    return ret;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_mk_test_pool_sink_query (GstPad *pad, GstObject *parent, GstQuery *query)
{
  GstMkTestPool *self = GST_MK_TEST_POOL (parent);

  if (GST_QUERY_TYPE (query) == GST_QUERY_ALLOCATION)
    return gst_mk_test_pool_propose_allocation (self, query);
  return gst_pad_query_default (pad, parent, query);
}

static GstFlowReturn
gst_mk_test_pool_chain (GstPad *, GstObject *parent, GstBuffer *buf)
{
  GstMkTestPool *self = GST_MK_TEST_POOL (parent);
  State *st = self->state;
  GstBuffer *out = NULL;
  GstVideoFrame in_frame, out_frame;
  GstFlowReturn ret;

  if (!st->have_info || !st->src_pool)
    goto not_negotiated;

  ret = gst_buffer_pool_acquire_buffer (st->src_pool, &out, NULL);
  if (ret != GST_FLOW_OK) {
    gst_buffer_unref (buf);
    return ret;
  }
  if (!gst_video_frame_map (&in_frame, &st->info, buf, GST_MAP_READ))
    goto map_failed;
  if (!gst_video_frame_map (&out_frame, &st->info, out, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&in_frame);
    goto map_failed;
  }
  gst_video_frame_copy (&out_frame, &in_frame);
  gst_video_frame_unmap (&out_frame);
  gst_video_frame_unmap (&in_frame);
  gst_buffer_copy_into (out, buf, GST_BUFFER_COPY_METADATA, 0, -1);
  gst_buffer_unref (buf);
  return gst_pad_push (self->srcpad, out);

  /* ERRORS */
not_negotiated : {
  GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
      ("buffer before caps or before an output pool"));
  gst_buffer_unref (buf);
  return GST_FLOW_NOT_NEGOTIATED;
}
map_failed : {
  GST_ELEMENT_ERROR (
      self, RESOURCE, FAILED, (NULL), ("failed to map a video frame"));
  gst_buffer_unref (out);
  gst_buffer_unref (buf);
  return GST_FLOW_ERROR;
}
}

static GstStateChangeReturn
gst_mk_test_pool_change_state (GstElement *element, GstStateChange transition)
{
  GstMkTestPool *self = GST_MK_TEST_POOL (element);
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    if (self->state->src_pool) {
      gst_buffer_pool_set_active (self->state->src_pool, FALSE);
      gst_clear_object (&self->state->src_pool);
    }
    self->state->have_info = FALSE;
  }
  return ret;
}

static void
gst_mk_test_pool_set_property (
    GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  GstMkTestPool *self = GST_MK_TEST_POOL (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_STRIDE_ALIGN:
      self->state->stride_align = g_value_get_uint (value);
      break;
    case PROP_MIN_BUFFERS:
      self->state->min_buffers = g_value_get_uint (value);
      break;
    case PROP_MAX_BUFFERS:
      self->state->max_buffers = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_mk_test_pool_get_property (
    GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  GstMkTestPool *self = GST_MK_TEST_POOL (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_STRIDE_ALIGN:
      g_value_set_uint (value, self->state->stride_align);
      break;
    case PROP_MIN_BUFFERS:
      g_value_set_uint (value, self->state->min_buffers);
      break;
    case PROP_MAX_BUFFERS:
      g_value_set_uint (value, self->state->max_buffers);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}
