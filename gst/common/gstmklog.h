/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Routes lib/'s log (mk::setLogSink) to GStreamer debug categories named "mk-<module>", e.g.
 * GST_DEBUG=mk-pool:6. Safe to call many times from any plugin_init; installs once. */
void gst_mk_log_init (void);

G_END_DECLS
