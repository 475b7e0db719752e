/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:plugin-ascend
 * @title: ascend
 *
 * Video encoding on Huawei Ascend 310B / 310P through the DVPP VENC hi_mpi API. The vendor
 * runtime is loaded when the element starts, so the plugin installs on any machine.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "common/gstmklog.h"

static gboolean
plugin_init (GstPlugin *plugin G_GNUC_UNUSED)
{
  gst_mk_log_init ();
  return TRUE;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, ascend,
    "Huawei Ascend DVPP video encoder", plugin_init, VERSION, GST_LICENSE,
    GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
