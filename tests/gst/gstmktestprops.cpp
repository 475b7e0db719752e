/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: replaced by the real test element. */
#include "gstmktestprops.h"

struct _GstMkTestProps {
  GstElement parent;
};

G_DEFINE_TYPE (GstMkTestProps, gst_mk_test_props, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (mktestprops, "mktestprops", GST_RANK_NONE, GST_TYPE_MK_TEST_PROPS);

static void
gst_mk_test_props_class_init (GstMkTestPropsClass * klass)
{
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "stub", "Testing", "stub",
      "gst-mediakit");
}

static void
gst_mk_test_props_init (GstMkTestProps *)
{
}
