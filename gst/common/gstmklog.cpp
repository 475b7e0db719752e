/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "common/gstmklog.h"

#include <cstring>

#include "core/log.h"

namespace {

/* A few lib modules exist; a linear table under a mutex is enough and keeps lookups cheap. */
struct ModuleCategory
{
  const char *module; /* the lib's static string, compared by content */
  GstDebugCategory *category;
};

constexpr int kMaxModules = 32;
ModuleCategory g_modules[kMaxModules];
int g_n_modules = 0;
GMutex g_modules_lock;

GstDebugCategory *
category_for (const char *module) noexcept
{
  GstDebugCategory *cat = nullptr;
  g_mutex_lock (&g_modules_lock);
  for (int i = 0; i < g_n_modules; i++) {
    if (strcmp (g_modules[i].module, module) == 0) {
      cat = g_modules[i].category;
      break;
    }
  }
  if (!cat && g_n_modules < kMaxModules) {
    gchar *name = g_strdup_printf ("mk-%s", module);
    cat = _gst_debug_category_new (name, 0, "gst-mediakit internal library");
    g_free (name);
    g_modules[g_n_modules].module = module;
    g_modules[g_n_modules].category = cat;
    g_n_modules++;
  }
  g_mutex_unlock (&g_modules_lock);
  return cat ? cat : GST_CAT_DEFAULT;
}

bool
log_enabled (void *, mk::LogLevel level, const char *module) noexcept
{
  return gst_debug_category_get_threshold (category_for (module)) >=
         (GstDebugLevel)level;
}

void
log_write (void *, mk::LogLevel level, const char *module, const char *file,
    int line, const char *function, const char *message) noexcept
{
  gst_debug_log (category_for (module), (GstDebugLevel)level, file, function,
      line, nullptr, "%s", message);
}

} // namespace

void
gst_mk_log_init (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done)) {
    mk::LogSink sink;
    sink.enabled = log_enabled;
    sink.write = log_write;
    mk::setLogSink (sink);
    g_once_init_leave (&done, 1);
  }
}
