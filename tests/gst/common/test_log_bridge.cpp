/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lib log hook reaches GStreamer's debug system: category "mk-<module>", the right level,
 * file/line/function of the call, and nothing below the category's threshold. */
#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

#include "common/gstmklog.h"
#include "core/log.h"

namespace {

struct Seen
{
  std::string category;
  GstDebugLevel level;
  std::string message;
  std::string function;
  gint line;
};

std::vector<Seen> seen;
GMutex seen_lock;

void
capture (GstDebugCategory *category, GstDebugLevel level, const gchar *,
    const gchar *function, gint line, GObject *, GstDebugMessage *message,
    gpointer)
{
  const char *name = gst_debug_category_get_name (category);
  if (!g_str_has_prefix (name, "mk-"))
    return;
  g_mutex_lock (&seen_lock);
  seen.push_back (
      Seen{name, level, gst_debug_message_get (message), function, line});
  g_mutex_unlock (&seen_lock);
}

} // namespace

GST_START_TEST (test_message_reaches_category)
{
  gst_debug_set_active (TRUE);
  gst_debug_add_log_function (capture, nullptr, nullptr);
  gst_mk_log_init ();
  gst_debug_set_threshold_for_name ("mk-bridgetest", GST_LEVEL_INFO);

  seen.clear ();
  int line = __LINE__ + 1;
  MK_LOG_WARNING ("bridgetest", "pool %s has %d buffers", "p0", 4);
  MK_LOG_DEBUG ("bridgetest", "below the threshold: %d", 1);

  fail_unless_equals_int ((int)seen.size (), 1);
  fail_unless_equals_string (seen[0].category.c_str (), "mk-bridgetest");
  fail_unless_equals_int (seen[0].level, GST_LEVEL_WARNING);
  fail_unless_equals_string (seen[0].message.c_str (), "pool p0 has 4 buffers");
  fail_unless_equals_int (seen[0].line, line);
  fail_unless (seen[0].function.find ("test_message_reaches_category") !=
               std::string::npos);

  /* Raising the threshold at run time takes effect at once. */
  gst_debug_set_threshold_for_name ("mk-bridgetest", GST_LEVEL_DEBUG);
  MK_LOG_DEBUG ("bridgetest", "now visible: %d", 2);
  fail_unless_equals_int ((int)seen.size (), 2);
  fail_unless_equals_int (seen[1].level, GST_LEVEL_DEBUG);
  fail_unless_equals_string (seen[1].message.c_str (), "now visible: 2");

  gst_debug_remove_log_function (capture);
}

GST_END_TEST;

GST_START_TEST (test_init_is_idempotent)
{
  gst_mk_log_init ();
  gst_mk_log_init ();
  gst_debug_set_threshold_for_name ("mk-other", GST_LEVEL_ERROR);
  fail_unless (mk::logEnabled (mk::LogLevel::kError, "other"));
  fail_if (mk::logEnabled (mk::LogLevel::kWarning, "other"));
  GstDebugCategory *cat = _gst_debug_get_category ("mk-other");
  fail_unless (cat != nullptr);
}

GST_END_TEST;

static Suite *
log_bridge_suite (void)
{
  Suite *s = suite_create ("gst-log-bridge");
  TCase *tc = tcase_create ("general");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_message_reaches_category);
  tcase_add_test (tc, test_init_is_idempotent);
  return s;
}

GST_CHECK_MAIN (log_bridge);
