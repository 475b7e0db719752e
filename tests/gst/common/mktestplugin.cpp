/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `mktest`: elements that exist only to test the gst/common bridges. Never installed. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "common/gstmklog.h"
#include "gstmktestpool.h"
#include "gstmktestprops.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  gst_mk_log_init ();
  return GST_ELEMENT_REGISTER (mktestpool, plugin) &&
         GST_ELEMENT_REGISTER (mktestprops, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, mktest,
    "gst-mediakit test elements (not installed)", plugin_init, VERSION,
    GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
