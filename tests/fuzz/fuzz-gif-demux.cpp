// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target for the gifdemux element through a GstHarness, in each of its three ways of
// reading, picked by bits of a seed taken from the input's last two bytes:
//   - push mode from an upstream that cannot seek: the demuxer sends frames as it parses them;
//   - push mode from a seekable upstream: the demuxer reads the file ahead and indexes it, then
//     plays what it read;
//   - pull mode: the harness's source answers getrange, the demuxer scans in its activation and
//     runs its own task; sometimes a flushing seek comes from downstream while it runs.
// In push mode the bytes go in chunk sizes drawn from a generator seeded the same way. Odd seeds
// run `gifdemux ! gifdec` (to one of its output formats) instead of gifdemux alone. Checked on
// every output buffer: a valid timestamp and duration, timestamps that never go back (without a
// seek), and (after gifdec) a buffer that holds the whole frame its caps describe, on a canvas
// within the limit. Checked on the run: when a push returns GST_FLOW_EOS, EOS has gone downstream
// already (a queue upstream would drop the EOS that follows); every run ends with EOS downstream
// or an error on the bus, within a deadline (else it is a hang); the demuxer never seeks upstream
// unasked; no element posts two errors. GLib warnings and criticals abort. The seed is the end of the
// file (a GIF's trailer), so plain GIF files are valid inputs and the shared GIF corpus seeds this
// target as it is.
//
// Both elements get max-canvas-pixels = 2^16 (the default is far larger) so that one input cannot
// keep the fuzzer busy for seconds composing legitimately huge canvases. In pull mode with
// honor-loop an endless animation is stopped after kMaxBuffers buffers.
//
// gifkit comes from the library this program links (libgstgifkit), registered as a static plugin,
// unless the registry has it already: the test suite's environment points GST_PLUGIN_PATH_1_0 at
// the build tree, where it is that same library. Run outside the suite (GST_PLUGIN_PATH_1_0 unset),
// the registry is disabled so no installed plugin is picked up. With GST_TRACERS=leaks (the
// suite), gst_deinit() runs at exit and a leaked GstObject, buffer, caps or event fails the run.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" const GstPluginDesc *gst_plugin_gifkit_get_desc(void);

namespace {

constexpr int kMaxCanvasPixels = 1 << 16;
constexpr int kMaxBuffers = 256;
// A hang guard, not a time limit: an input runs in milliseconds, but the suite replays the corpus
// under AddressSanitizer on machines shared with other builds, where a thread can stall for
// seconds (scripts/fuzz gives libFuzzer -timeout=60 for the same reason).
constexpr gint64 kDeadline = 60 * G_TIME_SPAN_SECOND;
constexpr const char *kFormats[] = {"RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx", "RGB", "BGR"};

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "fuzz-gif-demux: %s\n", what);
  std::abort();
}

void initGstreamer() {
  if (!g_getenv("GST_PLUGIN_PATH_1_0")) g_setenv("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_init(nullptr, nullptr);
  g_log_set_always_fatal(
      GLogLevelFlags(G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING));
  GstPlugin *found = gst_registry_find_plugin(gst_registry_get(), "gifkit");
  if (found) {
    gst_object_unref(found);
  } else {
    const GstPluginDesc *d = gst_plugin_gifkit_get_desc();
    if (!gst_plugin_register_static(d->major_version, d->minor_version, d->name, d->description,
                                    d->plugin_init, d->version, d->license, d->source, d->package,
                                    d->origin))
      fail("could not register gifkit");
  }
  if (g_getenv("GST_TRACERS")) std::atexit(gst_deinit);
}

// xorshift32: the chunk sizes.
struct Rng {
  uint32_t s;
  uint32_t next() {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
};

struct Checker {
  bool decoded;
  std::atomic<bool> seeked{false};  // a flushing seek from downstream: timestamps start again
  GstClockTime last_pts = GST_CLOCK_TIME_NONE;
  GstCaps *caps = nullptr;
  GstVideoInfo info;

  ~Checker() { gst_clear_caps(&caps); }

  void updateCaps(GstHarness *h) {
    GstCaps *now = gst_pad_get_current_caps(h->sinkpad);
    if (!now) fail("a buffer arrived before caps");
    if (caps && gst_caps_is_equal(caps, now)) {
      gst_caps_unref(now);
      return;
    }
    gst_clear_caps(&caps);
    caps = now;
    GstStructure *s = gst_caps_get_structure(caps, 0);
    int width = 0, height = 0;
    if (decoded) {
      if (!gst_video_info_from_caps(&info, caps)) fail("gifdec set caps that are not raw video");
      width = GST_VIDEO_INFO_WIDTH(&info);
      height = GST_VIDEO_INFO_HEIGHT(&info);
    } else {
      gboolean parsed = FALSE;
      if (!gst_structure_has_name(s, "image/gif") ||
          !gst_structure_get_boolean(s, "parsed", &parsed) || !parsed)
        fail("gifdemux caps are not image/gif, parsed=true");
      if (!gst_structure_get_int(s, "width", &width) ||
          !gst_structure_get_int(s, "height", &height))
        fail("gifdemux caps lack width or height");
      if (!gst_structure_has_field_typed(s, "codec_data", GST_TYPE_BUFFER))
        fail("gifdemux caps lack codec_data");
    }
    if (width <= 0 || height <= 0 || int64_t(width) * height > kMaxCanvasPixels)
      fail("output canvas is empty or beyond max-canvas-pixels");
  }

  void check(GstHarness *h, GstBuffer *buf) {
    updateCaps(h);
    if (!GST_BUFFER_PTS_IS_VALID(buf)) fail("buffer without a timestamp");
    if (!GST_BUFFER_DURATION_IS_VALID(buf)) fail("buffer without a duration");
    if (!seeked && GST_CLOCK_TIME_IS_VALID(last_pts) && GST_BUFFER_PTS(buf) < last_pts)
      fail("timestamps went back");
    last_pts = GST_BUFFER_PTS(buf);
    gsize size = gst_buffer_get_size(buf);
    if (size == 0) fail("empty buffer");
    if (decoded) {
      if (size < GST_VIDEO_INFO_SIZE(&info)) fail("decoded frame smaller than its caps say");
      GstMapInfo map;
      if (!gst_buffer_map(buf, &map, GST_MAP_READ)) fail("cannot map a decoded frame");
      // Touch the first and last byte: AddressSanitizer sees a frame shorter than its memory.
      volatile uint8_t sink = map.data[0] ^ map.data[map.size - 1];
      (void)sink;
      gst_buffer_unmap(buf, &map);
    }
  }

  void drain(GstHarness *h) {
    while (GstBuffer *buf = gst_harness_try_pull(h)) {
      check(h, buf);
      gst_buffer_unref(buf);
    }
    while (GstEvent *ev = gst_harness_try_pull_event(h)) gst_event_unref(ev);
  }
};

enum class Mode { kPush, kPushSeekable, kPull };

// The harness's source as the demuxer sees it (queries, getrange), and what came out: EOS,
// errors, buffers. Touched from the fuzzer's thread and the demuxer's task (pull mode), under
// `lock`.
struct Run {
  Mode mode = Mode::kPush;
  const uint8_t *data = nullptr;
  size_t size = 0;
  GstHarness *h = nullptr;
  Checker *checker = nullptr;
  GstPadQueryFunction harness_query = nullptr;

  GMutex lock;
  GCond changed;
  bool eos = false;  // EOS reached the harness's sink
  int errors = 0;    // error messages posted
  int buffers = 0;   // buffers that reached the harness's sink

  Run() {
    g_mutex_init(&lock);
    g_cond_init(&changed);
  }
  ~Run() {
    g_mutex_clear(&lock);
    g_cond_clear(&changed);
  }
  void note(bool Run::*flag) {
    g_mutex_lock(&lock);
    this->*flag = true;
    g_cond_broadcast(&changed);
    g_mutex_unlock(&lock);
  }
};

Run *g_run = nullptr;  // the pads' functions find the run here (one at a time)

gboolean sourceQuery(GstPad *pad, GstObject *parent, GstQuery *query) {
  Run &r = *g_run;
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_SCHEDULING:
      gst_query_set_scheduling(query, GST_SCHEDULING_FLAG_SEEKABLE, 1, -1, 0);
      if (r.mode == Mode::kPull) gst_query_add_scheduling_mode(query, GST_PAD_MODE_PULL);
      gst_query_add_scheduling_mode(query, GST_PAD_MODE_PUSH);
      return r.mode != Mode::kPush;
    case GST_QUERY_SEEKING: {
      GstFormat format;
      gst_query_parse_seeking(query, &format, nullptr, nullptr, nullptr);
      if (r.mode == Mode::kPush || format != GST_FORMAT_BYTES) return FALSE;
      gst_query_set_seeking(query, format, TRUE, 0, gint64(r.size));
      return TRUE;
    }
    case GST_QUERY_DURATION: {
      GstFormat format;
      gst_query_parse_duration(query, &format, nullptr);
      if (r.mode == Mode::kPush || format != GST_FORMAT_BYTES) return FALSE;
      gst_query_set_duration(query, format, gint64(r.size));
      return TRUE;
    }
    default:
      return r.harness_query(pad, parent, query);
  }
}

GstFlowReturn sourceGetRange(GstPad *, GstObject *, guint64 offset, guint length, GstBuffer **out) {
  Run &r = *g_run;
  if (offset >= r.size) return GST_FLOW_EOS;
  size_t n = length < r.size - offset ? length : r.size - offset;
  *out = gst_buffer_new_memdup(r.data + offset, n);
  GST_BUFFER_OFFSET(*out) = offset;
  return GST_FLOW_OK;
}

GstPadProbeReturn onSinkData(GstPad *, GstPadProbeInfo *info, gpointer) {
  Run &r = *g_run;
  if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
    // Checked here and dropped: the harness would keep every decoded frame of a long file
    // (the read-ahead sends them all in one call), gigabytes for a 64 KiB input.
    r.checker->check(r.h, GST_PAD_PROBE_INFO_BUFFER(info));
    g_mutex_lock(&r.lock);
    if (++r.buffers >= kMaxBuffers) g_cond_broadcast(&r.changed);
    g_mutex_unlock(&r.lock);
    return GST_PAD_PROBE_DROP;
  } else if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_EOS) {
    r.note(&Run::eos);
  }
  return GST_PAD_PROBE_OK;
}

void watchSink(GstHarness *h) {
  gst_pad_add_probe(
      h->sinkpad, GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
      onSinkData, nullptr, nullptr);
}

void linkToDecoder(GstElement *, GstPad *pad, GstElement *dec) {
  GstPad *sink = gst_element_get_static_pad(dec, "sink");
  if (GST_PAD_LINK_FAILED(gst_pad_link(pad, sink))) fail("could not link gifdemux to gifdec");
  gst_object_unref(sink);
}

void onPadAdded(GstElement *, GstPad *pad, GstHarness *h) {
  gst_harness_add_element_src_pad(h, pad);
  watchSink(h);
}

GstBusSyncReply onMessage(GstBus *, GstMessage *msg, gpointer) {
  Run &r = *g_run;
  if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    g_mutex_lock(&r.lock);
    r.errors++;
    g_cond_broadcast(&r.changed);
    g_mutex_unlock(&r.lock);
  }
  return GST_BUS_PASS;
}

// Waits until the run ends: EOS downstream, an error, in pull mode kMaxBuffers buffers.
void waitForEnd(Run &r) {
  gint64 deadline = g_get_monotonic_time() + kDeadline;
  g_mutex_lock(&r.lock);
  while (!r.eos && r.errors == 0 && !(r.mode == Mode::kPull && r.buffers >= kMaxBuffers)) {
    if (!g_cond_wait_until(&r.changed, &r.lock, deadline))
      fail("hang: neither EOS nor an error within the deadline");
  }
  g_mutex_unlock(&r.lock);
}

// The number of error messages on `bus`; aborts when one element posted two.
int countErrors(GstBus *bus) {
  int errors = 0;
  GstObject *sources[2] = {nullptr, nullptr};
  while (GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
    for (GstObject *&src : sources) {
      if (src == GST_MESSAGE_SRC(msg)) fail("an element posted two errors");
      if (!src) {
        src = GST_MESSAGE_SRC(msg);
        break;
      }
    }
    errors++;
    gst_message_unref(msg);
  }
  return errors;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const bool initialised = (initGstreamer(), true);
  (void)initialised;

  const uint32_t seed = size >= 2 ? uint32_t(data[size - 1]) | uint32_t(data[size - 2]) << 8
                        : size    ? data[0]
                                  : 0;
  Checker checker;
  checker.decoded = seed & 1;
  bool honor_loop = seed & 2;
  // Chunk sizes: mostly small (1..64 bytes), sometimes up to 4 KiB, or everything at once.
  const unsigned chunk_mode = (seed >> 2) & 3;
  Run run;
  run.mode = (seed >> 7) & 2 ? ((seed >> 7) & 1 ? Mode::kPull : Mode::kPushSeekable) : Mode::kPush;
  run.data = data;
  run.size = size;
  const bool seek_in_pull = run.mode == Mode::kPull && ((seed >> 9) & 1);
  g_run = &run;
  Rng rng{seed * 2654435761u + 1};

  // Set before the harness starts the element: the settings are taken when it starts.
  GstElement *demux = gst_element_factory_make("gifdemux", nullptr);
  if (!demux) fail("no gifdemux");
  g_object_set(demux, "max-canvas-pixels", gint64(kMaxCanvasPixels), "honor-loop",
               gboolean(honor_loop), nullptr);
  GstHarness *h;
  if (checker.decoded) {
    // A bin by hand: gst_harness_new_parse would ghost gifdec's sink pad, unlinked until the
    // demuxer's source pad appears, instead of the demuxer's.
    GstElement *dec = gst_element_factory_make("gifdec", nullptr);
    if (!dec) fail("no gifdec");
    g_object_set(dec, "max-canvas-pixels", gint64(kMaxCanvasPixels), nullptr);
    GstElement *bin = gst_bin_new(nullptr);
    gst_bin_add_many(GST_BIN(bin), demux, dec, nullptr);
    g_signal_connect(demux, "pad-added", G_CALLBACK(linkToDecoder), dec);
    GstPad *pad = gst_element_get_static_pad(demux, "sink");
    gst_element_add_pad(bin, gst_ghost_pad_new("sink", pad));
    gst_object_unref(pad);
    pad = gst_element_get_static_pad(dec, "src");
    gst_element_add_pad(bin, gst_ghost_pad_new("src", pad));
    gst_object_unref(pad);
    h = gst_harness_new_with_element(bin, "sink", "src");
    gst_object_unref(bin);  // the harness holds its own reference
    // The harness's sink answers caps queries with these: gifdec negotiates this format.
    char *caps = g_strdup_printf("video/x-raw,format=%s", kFormats[(seed >> 4) & 7]);
    gst_harness_set_sink_caps_str(h, caps);
    g_free(caps);
  } else {
    h = gst_harness_new_with_element(demux, "sink", nullptr);
    gst_object_unref(demux);
  }
  if (!h) fail("could not build the harness");
  run.h = h;
  run.checker = &checker;
  GstBus *bus = gst_bus_new();
  gst_bus_set_sync_handler(bus, onMessage, nullptr, nullptr);
  gst_element_set_bus(h->element, bus);
  if (h->sinkpad) watchSink(h);
  if (!checker.decoded) g_signal_connect(h->element, "pad-added", G_CALLBACK(onPadAdded), h);
  gst_harness_set_src_caps_str(h, "image/gif");

  // The harness started the element in push mode from a source that cannot seek; for the other
  // modes its source changes, and the element starts again (its pads activate anew).
  if (run.mode != Mode::kPush) {
    gst_element_set_state(h->element, GST_STATE_READY);
    run.harness_query = GST_PAD_QUERYFUNC(h->srcpad);
    gst_pad_set_query_function(h->srcpad, sourceQuery);
    if (run.mode == Mode::kPull) gst_pad_set_getrange_function(h->srcpad, sourceGetRange);
    gst_element_set_state(h->element, GST_STATE_PLAYING);
  }

  if (run.mode == Mode::kPull) {
    // (a failed activation, i.e. a file that is not playable, has posted its error)
    if (seek_in_pull) {
      g_mutex_lock(&run.lock);
      gint64 deadline = g_get_monotonic_time() + kDeadline;
      while (run.buffers == 0 && !run.eos && run.errors == 0)
        if (!g_cond_wait_until(&run.changed, &run.lock, deadline)) fail("hang before a buffer");
      bool seek = run.buffers > 0 && !run.eos;
      g_mutex_unlock(&run.lock);
      if (seek) {
        checker.seeked = true;
        GstClockTime to = ((seed >> 10) & 63) * 20 * GST_MSECOND;
        gst_harness_push_upstream_event(
            h, gst_event_new_seek(1.0, GST_FORMAT_TIME,
                                  GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                                  GST_SEEK_TYPE_SET, GstClockTimeDiff(to), GST_SEEK_TYPE_NONE, -1));
      }
    }
    waitForEnd(run);
  } else {
    size_t pos = 0;
    while (pos < size) {
      size_t chunk;
      switch (chunk_mode) {
        case 0:
          chunk = 1 + rng.next() % 64;
          break;
        case 1:
          chunk = 1 + rng.next() % 4096;
          break;
        case 2:
          chunk = rng.next() % 4 ? 1 + rng.next() % 16 : 1 + rng.next() % 2048;
          break;
        default:
          chunk = size;
          break;
      }
      if (chunk > size - pos) chunk = size - pos;
      GstFlowReturn ret = gst_harness_push(h, gst_buffer_new_memdup(data + pos, chunk));
      pos += chunk;
      checker.drain(h);
      g_mutex_lock(&run.lock);
      bool eos = run.eos;
      g_mutex_unlock(&run.lock);
      if (ret == GST_FLOW_EOS && !eos) fail("GST_FLOW_EOS returned before EOS was sent");
      if (ret != GST_FLOW_OK) break;
    }
    gst_harness_push_event(h, gst_event_new_eos());
    waitForEnd(run);
    // Nobody seeked: the demuxer has no reason to move upstream.
    while (GstEvent *ev = gst_harness_try_pull_upstream_event(h)) {
      if (GST_EVENT_TYPE(ev) == GST_EVENT_SEEK) fail("the demuxer seeked upstream unasked");
      gst_event_unref(ev);
    }
  }
  checker.drain(h);
  g_mutex_lock(&run.lock);
  bool ended = run.eos || run.errors > 0 || (run.mode == Mode::kPull && run.buffers >= kMaxBuffers);
  g_mutex_unlock(&run.lock);
  if (!ended) fail("the run ended with neither EOS nor an error");
  // Stopped before the bus goes: the demuxer's task (pull mode) may still be posting.
  gst_element_set_state(h->element, GST_STATE_NULL);
  countErrors(bus);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
  g_run = nullptr;
  return 0;
}
