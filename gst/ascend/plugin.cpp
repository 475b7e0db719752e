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
#include "dvpp/loader.h"
#include "gstascendvenc.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  /* The rank depends on whether the runtime loads: rescan when its location may have changed. */
  static const gchar *env_vars[] = {mk::dvpp::kMpiLibEnv, mk::dvpp::kAclLibEnv,
      "LD_LIBRARY_PATH", "ASCEND_HOME_PATH", NULL};
  static const gchar *paths[] = {
      "/usr/local/Ascend/ascend-toolkit/latest/lib64",
      "/usr/local/Ascend/driver/lib64", "/usr/local/Ascend/driver/lib64/driver",
      "/usr/local/Ascend/driver/lib64/common", "/usr/lib64", NULL};
  static const gchar *names[] = {
      mk::dvpp::kDefaultMpiLib, mk::dvpp::kDefaultAclLib, NULL};

  gst_mk_log_init ();
  gst_plugin_add_dependency (
      plugin, env_vars, paths, names, GST_PLUGIN_DEPENDENCY_FLAG_NONE);
  return GST_ELEMENT_REGISTER (ascendvenc, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, ascend,
    "Huawei Ascend DVPP video encoder", plugin_init, VERSION, GST_LICENSE,
    GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
