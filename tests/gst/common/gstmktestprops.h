/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_MK_TEST_PROPS (gst_mk_test_props_get_type ())
G_DECLARE_FINAL_TYPE (
    GstMkTestProps, gst_mk_test_props, GST, MK_TEST_PROPS, GstElement)
GST_ELEMENT_REGISTER_DECLARE (mktestprops);

G_END_DECLS
