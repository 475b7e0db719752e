/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by the element tests: test files, and running a pipeline to its end. */
#pragma once

#include <gst/check/gstcheck.h>

#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MK_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MK_TEST_SANITIZED 1
#endif
#endif

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

/* A buffer holding the frame record `record` (extensions, image, LZW data, terminator) whose
 * LZW data goes on with 255-byte sub-blocks of zeros until the record is `size` bytes: a huge
 * but well-formed record (readers stop at the LZW end code). Built in place, no copy. */
static inline GstBuffer *
mk_long_record (const std::vector<guint8> &record, gsize size)
{
  fail_unless (
      !record.empty () && record.back () == 0 && size > record.size ());
  const gsize blocks = (size - record.size () + 255) / 256;
  const gsize total = record.size () + blocks * 256;
  GstBuffer *buf = gst_buffer_new_allocate (nullptr, total, nullptr);
  GstMapInfo map;
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  memcpy (map.data, record.data (), record.size () - 1);
  guint8 *p = map.data + record.size () - 1;
  for (gsize i = 0; i < blocks; i++, p += 256) {
    p[0] = 255;
    memset (p + 1, 0, 255);
  }
  *p = 0; /* the record's terminator, now after the added sub-blocks */
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* mk_run_with_flush: the sink's gate, which holds the buffer after the first `pass`. */
struct MkFlushGate
{
  GMutex lock;
  GCond cond;
  int pass = 0;
  int buffers = 0;
  bool blocked = false;
};

static inline GstPadProbeReturn
mk_flush_gate_probe (GstPad *, GstPadProbeInfo *, gpointer user)
{
  MkFlushGate *gate = (MkFlushGate *)user;
  g_mutex_lock (&gate->lock);
  bool block = ++gate->buffers > gate->pass;
  if (block) {
    gate->blocked = true;
    g_cond_signal (&gate->cond);
  }
  g_mutex_unlock (&gate->lock);
  /* PASS lets the buffer through and keeps the probe for the next one; OK blocks here until
   * the probe is removed or the pad is flushed. */
  return block ? GST_PAD_PROBE_OK : GST_PAD_PROBE_PASS;
}

/* Runs the launch line `description` (with an element named "demux" and a sink named "sink")
 * until `pass` buffers have reached the sink and the next one waits at its pad; then sends a
 * flushing key-unit seek to `target` to "demux" (from this thread, while the streaming thread
 * waits downstream: the flush must wake it), and runs the pipeline to its end. Returns the
 * error message (nullptr on EOS); warnings go to `warnings` when given. */
static inline GstMessage *
mk_run_with_flush (const std::string &description, int pass,
    GstClockTime target, std::vector<std::string> *warnings = nullptr)
{
  GError *error = nullptr;
  GstElement *p = gst_parse_launch (description.c_str (), &error);
  fail_unless (p != nullptr && error == nullptr, "%s: %s", description.c_str (),
      error ? error->message : "?");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (p), "sink");
  GstElement *demux = gst_bin_get_by_name (GST_BIN (p), "demux");
  fail_unless (sink != nullptr && demux != nullptr);
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  MkFlushGate gate;
  gate.pass = pass;
  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  gulong probe = gst_pad_add_probe (pad,
      (GstPadProbeType)(GST_PAD_PROBE_TYPE_BLOCK | GST_PAD_PROBE_TYPE_BUFFER),
      mk_flush_gate_probe, &gate, nullptr);

  gst_element_set_state (p, GST_STATE_PLAYING);
  g_mutex_lock (&gate.lock);
  gint64 until = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  while (!gate.blocked)
    fail_unless (g_cond_wait_until (&gate.cond, &gate.lock, until),
        "%s: %d buffers never reached the sink", description.c_str (), pass);
  g_mutex_unlock (&gate.lock);
  fail_unless (gst_element_seek_simple (demux, GST_FORMAT_TIME,
      (GstSeekFlags)(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT), target));
  gst_pad_remove_probe (pad, probe);
  GstMessage *msg = mk_run_pipeline (p, warnings);

  gst_object_unref (pad);
  gst_object_unref (demux);
  gst_object_unref (sink);
  gst_object_unref (p);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
  return msg;
}

/* Limits the address space (RLIMIT_AS) to what the process maps now plus `headroom` bytes, so
 * that the next large allocation fails as it does under `ulimit -v` on a small board; lift()
 * (or the destructor) puts the old limit back. Deterministic: the limit is counted from the
 * process's own mappings, not from what the machine has free. Not active() under
 * AddressSanitizer or ThreadSanitizer, which reserve terabytes of address space up front: the
 * test then has nothing to check. */
class MkAddressSpaceLimit
{
public:
  explicit MkAddressSpaceLimit (gsize headroom)
  {
#ifdef MK_TEST_SANITIZED
    (void)headroom;
    GST_INFO ("built with a sanitizer: no address-space limit");
#else
    fail_unless (getrlimit (RLIMIT_AS, &old_) == 0);
    std::vector<guint8> statm = mk_read_file ("/proc/self/statm");
    statm.push_back (0);
    guint64 pages =
        g_ascii_strtoull ((const gchar *)statm.data (), nullptr, 10);
    fail_unless (pages > 0);
    struct rlimit lim = old_;
    lim.rlim_cur = pages * (guint64)sysconf (_SC_PAGESIZE) + headroom;
    if (old_.rlim_max != RLIM_INFINITY && lim.rlim_cur > old_.rlim_max)
      lim.rlim_cur = old_.rlim_max;
    fail_unless (setrlimit (RLIMIT_AS, &lim) == 0);
    active_ = true;
#endif
  }
  ~MkAddressSpaceLimit ()
  {
    lift ();
  }
  MkAddressSpaceLimit (const MkAddressSpaceLimit &) = delete;
  MkAddressSpaceLimit &operator= (const MkAddressSpaceLimit &) = delete;

  bool active () const
  {
    return active_;
  }
  void lift ()
  {
    if (active_)
      fail_unless (setrlimit (RLIMIT_AS, &old_) == 0);
    active_ = false;
  }

private:
  struct rlimit old_ = {};
  bool active_ = false;
};

/* The factory names of every element under `bin` (recursively), each between spaces:
 * " gifdemux  gifdec " (find " name " to test for one). */
static inline void
mk_collect_factory (const GValue *item, gpointer user_data)
{
  GstElement *e = GST_ELEMENT (g_value_get_object (item));
  GstElementFactory *f = gst_element_get_factory (e);
  if (f) {
    std::string *names = (std::string *)user_data;
    *names += " ";
    *names += gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (f));
    *names += " ";
  }
}

static inline std::string
mk_factories_in (GstElement *bin)
{
  std::string names;
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (bin));
  gst_iterator_foreach (it, mk_collect_factory, &names);
  gst_iterator_free (it);
  return names;
}
