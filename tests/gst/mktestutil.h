/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by the element tests: test files, running a pipeline to its end, and
 * running bytes through gifdemux in each of its ways of reading. */
#pragma once

#include <gst/app/gstappsrc.h>
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

/* `bytes` in a new temporary file; the caller unlinks it. */
static inline std::string
mk_write_temp_file (const std::vector<guint8> &bytes)
{
  gchar *path = nullptr;
  GError *err = nullptr;
  gint fd = g_file_open_tmp ("mk-test-XXXXXX.gif", &path, &err);
  fail_unless (fd >= 0, "no temporary file: %s", err ? err->message : "?");
  fail_unless (
      write (fd, bytes.data (), bytes.size ()) == (ssize_t)bytes.size ());
  close (fd);
  std::string s = path;
  g_free (path);
  return s;
}

/* Frames that FFmpeg (ffprobe, an independent decoder) reads in the file at `path`: -1 when
 * ffprobe is not installed, 0 when it refuses the file. */
static inline int
mk_ffprobe_frames (const std::string &path)
{
  gchar *ffprobe = g_find_program_in_path ("ffprobe");
  if (!ffprobe)
    return -1;
  std::string cmd = std::string (ffprobe) +
                    " -v error -count_frames -show_entries "
                    "stream=nb_read_frames -of csv=p=0 '" +
                    path + "'";
  gchar *out = nullptr;
  gint status = 0;
  gchar *argv[] = {
      (gchar *)"/bin/sh", (gchar *)"-c", (gchar *)cmd.c_str (), nullptr};
  fail_unless (g_spawn_sync (nullptr, argv, nullptr, G_SPAWN_STDERR_TO_DEV_NULL,
      nullptr, nullptr, &out, nullptr, &status, nullptr));
  int frames = g_spawn_check_wait_status (status, nullptr) && out && *out
                   ? atoi (out)
                   : 0;
  g_free (out);
  g_free (ffprobe);
  return frames;
}

/* How mk_run_gif () gives gifdemux its bytes: its three ways of reading. */
enum class MkGifMode {
  kPull, /* filesrc ! gifdemux: pull mode (the scan, then frames by offset) */
  kPushSeekable, /* filesrc ! queue ! gifdemux: push mode, upstream seeks in bytes (read-ahead) */
  kPushStream, /* appsrc (stream) ! gifdemux: push mode, upstream cannot seek */
};

static inline const char *
mk_gif_mode_name (MkGifMode mode)
{
  return mode == MkGifMode::kPull           ? "pull"
         : mode == MkGifMode::kPushSeekable ? "push, read-ahead"
                                            : "push, stream";
}

/* An error or a warning, as posted. */
struct MkGifMessage
{
  bool error = false;
  GQuark domain = 0;
  gint code = 0;
  std::string text, debug, source; /* source: the posting element's name */
};

/* What came out of mk_run_gif (): the buffers at the sink, and what was posted. */
struct MkGifRun
{
  int frames = 0;
  std::vector<GstClockTime> pts;
  std::vector<MkGifMessage> messages; /* in the order posted */

  const MkGifMessage *error () const
  {
    for (const MkGifMessage &m : messages)
      if (m.error)
        return &m;
    return nullptr;
  }
  int errors () const
  {
    int n = 0;
    for (const MkGifMessage &m : messages)
      n += m.error;
    return n;
  }
  std::vector<std::string> warnings () const
  {
    std::vector<std::string> w;
    for (const MkGifMessage &m : messages)
      if (!m.error)
        w.push_back (m.text);
    return w;
  }
};

static inline void
mk_gif_run_handoff (GstElement *, GstBuffer *buf, GstPad *, gpointer run)
{
  ((MkGifRun *)run)->frames++;
  ((MkGifRun *)run)->pts.push_back (GST_BUFFER_PTS (buf));
}

static inline void
mk_gif_run_add (MkGifRun &run, GstMessage *msg)
{
  MkGifMessage m;
  GError *err = nullptr;
  gchar *debug = nullptr;
  m.error = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR;
  if (m.error)
    gst_message_parse_error (msg, &err, &debug);
  else
    gst_message_parse_warning (msg, &err, &debug);
  m.domain = err->domain;
  m.code = err->code;
  m.text = err->message;
  m.debug = debug ? debug : "";
  m.source = GST_MESSAGE_SRC_NAME (msg);
  g_error_free (err);
  g_free (debug);
  run.messages.push_back (m);
}

/* A pipeline "<the source of `mode`> ! `rest`" over `bytes`: for kPushStream the bytes wait
 * in the appsrc (in pieces, as a pipe or a socket gives them) with its EOS after them; else
 * `*path` is the temporary file the filesrc reads, for the caller to unlink. */
static inline GstElement *
mk_gif_pipeline (const std::vector<guint8> &bytes, MkGifMode mode,
    const std::string &rest, std::string *path)
{
  std::string src = "appsrc name=mk_src";
  path->clear ();
  if (mode != MkGifMode::kPushStream) {
    *path = mk_write_temp_file (bytes);
    src = "filesrc location=\"" + *path + "\"";
    if (mode == MkGifMode::kPushSeekable)
      src += " ! queue";
  }
  std::string desc = src + " ! " + rest;
  GError *err = nullptr;
  GstElement *pipeline = gst_parse_launch (desc.c_str (), &err);
  fail_unless (pipeline != nullptr && err == nullptr, "%s: %s", desc.c_str (),
      err ? err->message : "?");
  if (mode == MkGifMode::kPushStream) {
    GstElement *appsrc = gst_bin_get_by_name (GST_BIN (pipeline), "mk_src");
    for (size_t at = 0; at < bytes.size (); at += 4096)
      gst_app_src_push_buffer (
          GST_APP_SRC (appsrc), gst_buffer_new_memdup (bytes.data () + at,
                                    MIN (4096, bytes.size () - at)));
    gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
    gst_object_unref (appsrc);
  }
  return pipeline;
}

/* Runs `bytes` through "<the source of `mode`> ! `chain` ! fakesink" (chain: "gifdemux",
 * "gifdemux honor-loop=true ! gifdec", ...) to EOS or an error; a bound only a hang reaches. */
static inline MkGifRun
mk_run_gif (const std::vector<guint8> &bytes, MkGifMode mode,
    const std::string &chain = "gifdemux")
{
  MkGifRun run;
  std::string path;
  GstElement *pipeline = mk_gif_pipeline (bytes, mode,
      chain + " ! fakesink name=mk_sink signal-handoffs=true sync=false",
      &path);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "mk_sink");
  g_signal_connect (sink, "handoff", G_CALLBACK (mk_gif_run_handoff), &run);
  gst_object_unref (sink);
  GstBus *bus = gst_element_get_bus (pipeline);
  /* A state change may fail at once (gifdemux refusing a file while activating); the error
   * that says why is on the bus either way. */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        (GstMessageType)(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
                         GST_MESSAGE_WARNING));
    fail_unless (msg != nullptr, "%s: no end within 60 s", chain.c_str ());
    GstMessageType type = GST_MESSAGE_TYPE (msg);
    if (type != GST_MESSAGE_EOS)
      mk_gif_run_add (run, msg);
    gst_message_unref (msg);
    if (type != GST_MESSAGE_WARNING)
      break;
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  /* What was posted while the end was on its way. */
  while (GstMessage *msg = gst_bus_pop_filtered (
             bus, (GstMessageType)(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
    mk_gif_run_add (run, msg);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  if (!path.empty ())
    unlink (path.c_str ());
  return run;
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
