// SPDX-License-Identifier: LGPL-2.1-or-later
// Fuzz target for the gifdemux element in push mode, through a GstHarness (whose source is not
// seekable, so the demuxer sends frames as it parses them): the input bytes are pushed in chunk
// sizes drawn from a generator seeded by the input's last two bytes. Odd seeds run
// `gifdemux ! gifdec` (to one of its output formats) instead of gifdemux alone. Checked on every
// output buffer: a valid timestamp and duration, timestamps that never go back, and (after gifdec)
// a buffer that holds the whole frame its caps describe, on a canvas within the limit. Checked on
// the run: when a push returns GST_FLOW_EOS, EOS has gone downstream already (a queue upstream
// would drop the EOS that follows); every run ends with EOS downstream or an error on the bus;
// no element posts two errors. GLib warnings and criticals abort. The seed is the end of the file (a GIF's trailer), so plain GIF
// files are valid inputs and the shared GIF corpus seeds this target as it is.
//
// Both elements get max-canvas-pixels = 2^16 (the default is far larger) so that one input cannot
// keep the fuzzer busy for seconds composing legitimately huge canvases.
//
// gifkit comes from the library this program links (libgstgifkit), registered as a static plugin,
// unless the registry has it already: the test suite's environment points GST_PLUGIN_PATH_1_0 at
// the build tree, where it is that same library. Run outside the suite (GST_PLUGIN_PATH_1_0 unset),
// the registry is disabled so no installed plugin is picked up. With GST_TRACERS=leaks (the
// suite), gst_deinit() runs at exit and a leaked GstObject, buffer, caps or event fails the run.
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" const GstPluginDesc *gst_plugin_gifkit_get_desc(void);

namespace {

constexpr int kMaxCanvasPixels = 1 << 16;
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

void onPadAdded(GstElement *, GstPad *pad, GstHarness *h) {
  gst_harness_add_element_src_pad(h, pad);
}

struct Checker {
  bool decoded;
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
    if (GST_CLOCK_TIME_IS_VALID(last_pts) && GST_BUFFER_PTS(buf) < last_pts)
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

  bool saw_eos = false;

  void drain(GstHarness *h) {
    while (GstBuffer *buf = gst_harness_try_pull(h)) {
      check(h, buf);
      gst_buffer_unref(buf);
    }
    while (GstEvent *ev = gst_harness_try_pull_event(h)) {
      saw_eos |= GST_EVENT_TYPE(ev) == GST_EVENT_EOS;
      gst_event_unref(ev);
    }
  }
};

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
  const bool honor_loop = seed & 2;
  // Chunk sizes: mostly small (1..64 bytes), sometimes up to 4 KiB, or everything at once.
  const unsigned chunk_mode = (seed >> 2) & 3;
  Rng rng{seed * 2654435761u + 1};

  GstHarness *h;
  if (checker.decoded) {
    char *launch =
        g_strdup_printf("gifdemux max-canvas-pixels=%d honor-loop=%d ! gifdec max-canvas-pixels=%d",
                        kMaxCanvasPixels, honor_loop, kMaxCanvasPixels);
    h = gst_harness_new_parse(launch);
    g_free(launch);
    // The harness's sink answers caps queries with these: gifdec negotiates this format.
    char *caps = g_strdup_printf("video/x-raw,format=%s", kFormats[(seed >> 4) & 7]);
    gst_harness_set_sink_caps_str(h, caps);
    g_free(caps);
  } else {
    // Set before the harness starts the element: the settings are taken when it starts.
    GstElement *demux = gst_element_factory_make("gifdemux", nullptr);
    if (!demux) fail("no gifdemux");
    g_object_set(demux, "max-canvas-pixels", gint64(kMaxCanvasPixels), "honor-loop",
                 gboolean(honor_loop), nullptr);
    h = gst_harness_new_with_element(demux, "sink", nullptr);
    gst_object_unref(demux);
    g_signal_connect(h->element, "pad-added", G_CALLBACK(onPadAdded), h);
  }
  if (!h) fail("could not build the harness");
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  gst_harness_set_src_caps_str(h, "image/gif");

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
    if (ret == GST_FLOW_EOS && !checker.saw_eos) fail("GST_FLOW_EOS returned before EOS was sent");
    if (ret != GST_FLOW_OK) break;
  }
  gst_harness_push_event(h, gst_event_new_eos());
  checker.drain(h);
  if (countErrors(bus) == 0 && !checker.saw_eos)
    fail("the run ended with neither EOS nor an error");
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
  return 0;
}
