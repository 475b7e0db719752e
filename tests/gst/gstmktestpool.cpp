/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: replaced by the real test element. */
#include "gstmktestpool.h"

struct _GstMkTestPool {
  GstElement parent;
};

G_DEFINE_TYPE (GstMkTestPool, gst_mk_test_pool, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (mktestpool, "mktestpool", GST_RANK_NONE, GST_TYPE_MK_TEST_POOL);

static void
gst_mk_test_pool_class_init (GstMkTestPoolClass * klass)
{
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "stub", "Testing", "stub",
      "gst-mediakit");
}

static void
gst_mk_test_pool_init (GstMkTestPool *)
{
}
