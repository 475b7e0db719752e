/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by the element tests: test files, and running a pipeline to its end. */
#pragma once

#include <gst/check/gstcheck.h>

#include <string>
#include <unistd.h>
#include <vector>

/* A file under tests/files (MK_TEST_FILES). */
static inline std::string
mk_test_file (const char *name)
{
  const char *dir = g_getenv ("MK_TEST_FILES");
  fail_unless (dir != nullptr, "MK_TEST_FILES is not set");
  return std::string (dir) + "/" + name;
}

static inline std::vector<guint8>
mk_read_file (const std::string &path)
{
  gchar *data = nullptr;
  gsize size = 0;
  GError *err = nullptr;
  fail_unless (g_file_get_contents (path.c_str (), &data, &size, &err),
      "cannot read %s: %s", path.c_str (), err ? err->message : "?");
  std::vector<guint8> bytes ((guint8 *)data, (guint8 *)data + size);
  g_free (data);
  return bytes;
}

/* Runs `pipeline` until EOS or an error; returns the error message (nullptr on EOS). Warnings
 * are collected into `warnings` when given. The bound is generous: only a hang reaches it. */
static inline GstMessage *
mk_run_pipeline (
    GstElement *pipeline, std::vector<std::string> *warnings = nullptr)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *error = nullptr;
  /* A state change may fail at once (a demuxer refusing its input while activating); the
   * error that says why is on the bus either way. */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
                         GST_MESSAGE_WARNING));
    fail_unless (msg != nullptr, "pipeline did not end within 60 s");
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      if (warnings) {
        GError *err = nullptr;
        gst_message_parse_warning (msg, &err, nullptr);
        warnings->push_back (err->message);
        g_error_free (err);
      }
      gst_message_unref (msg);
      continue;
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      error = msg;
    else
      gst_message_unref (msg);
    break;
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  return error;
}
