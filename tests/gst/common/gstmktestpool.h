/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_MK_TEST_POOL (gst_mk_test_pool_get_type ())
G_DECLARE_FINAL_TYPE (
    GstMkTestPool, gst_mk_test_pool, GST, MK_TEST_POOL, GstElement)
GST_ELEMENT_REGISTER_DECLARE (mktestpool);

G_END_DECLS
