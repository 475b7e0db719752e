/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every class of bad input, swept through the elements: a file truncated at every offset, each
 * byte of its headers flipped, LZW garbage, absurd dimensions, huge sub-block counts, unknown
 * extensions, zero-length buffers, caps that lie, DVPP faults. Each case asserts its outcome
 * (no crash, no hang, no leak: the leaks tracer; the right error, or the documented best
 * effort; never a silent loss) and is recorded (MK_BAD_INPUT_RECORD) for the table of
 * docs/robustness.md. */
/* (before gstcheck.h: its fail() macro breaks <fstream>) */
#include "../lib/gif/gif_test_util.h"

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include <cstring>
#include <string>
#include <vector>

#include "badinput.h"
#include "mktestutil.h"

#define ANIM "gif/anim-6f-loop1.gif"
#define ANIM_FRAMES 6
#define DEMUX_DEC "gifdemux ! gifdec"
#define PUSH_PATH "gifdemux ! gifdec (push, harness)"
/* gifdec failing at the first damaged frame, instead of logging it and going on */
#define STRICT_CHAIN "gifdemux ! gifdec max-errors=0"

static Bytes
anim (void)
{
  return mk_read_file (mk_test_file (ANIM));
}

/* The anim through gifdemux ! gifdec in push mode. */
static Outcome
push_gif (const Bytes &bytes, const char *chain = DEMUX_DEC)
{
  return run_harness_bytes (make_bin (chain), "image/gif", bytes);
}

static Outcome
pull_gif (const Bytes &bytes)
{
  std::string path = mk_write_temp_file (bytes);
  Outcome o = run_pipeline ("filesrc location=\"" + path +
                            "\" ! gifdemux ! gifdec ! fakesink name=sink");
  unlink (path.c_str ());
  return o;
}

static void
assert_error (const Outcome &o, const char *code, const char *what)
{
  fail_unless (o.error && o.error_code == code, "%s: want error %s, got %s",
      what, code, describe (o).c_str ());
}

/* Fewer frames than the file has must be said: an error or a warning. */
static void
assert_no_silent_loss (const Outcome &o, int want_frames, const char *what)
{
  fail_unless (o.frames >= want_frames || o.error || !o.warnings.empty (),
      "%s: silent loss: %s", what, describe (o).c_str ());
}

/* ---- truncated at every offset ---- */

/* What a cut at `cut` must give, from the file's layout. */
static void
check_truncated (
    const GifLayout &l, size_t cut, const Outcome &o, const char *mode)
{
  gchar *what = g_strdup_printf ("%s, cut at %zu", mode, cut);
  int complete = 0;
  for (size_t e : l.frame_ends)
    complete += e <= cut;
  bool boundary = cut == l.header_end;
  for (const GifBlock &b : l.blocks)
    boundary = boundary || b.end == cut;

  if (cut < 6) {
    /* not even a signature: it cannot be told from any other file */
    assert_error (o, "STREAM/WRONG_TYPE", what);
  } else if (cut < l.header_end) {
    assert_error (o, "STREAM/DEMUX", what);
    fail_unless (o.frames == 0, "%s: %s", what, describe (o).c_str ());
  } else {
    fail_unless (o.frames == complete || o.frames == complete + 1, "%s: %s",
        what, describe (o).c_str ());
    fail_unless (
        o.error == (o.frames == 0), "%s: %s", what, describe (o).c_str ());
    if (o.error)
      assert_error (o, "STREAM/DEMUX", what);
    if (o.frames == complete + 1)
      fail_unless (has_warning (o, "last frame is incomplete"), "%s: %s", what,
          describe (o).c_str ());
    /* At a record boundary the cut file is a file without a trailer: accepted as it is. */
    if (boundary && complete > 0)
      fail_unless (o.warnings.empty () && o.frames == complete, "%s: %s", what,
          describe (o).c_str ());
    if (!boundary)
      assert_no_silent_loss (o, ANIM_FRAMES, what);
  }
  g_free (what);
}

GST_START_TEST (test_truncated_push)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  for (size_t cut = 0; cut < file.size (); cut++) {
    Bytes part (file.begin (), file.begin () + cut);
    Outcome o = push_gif (part);
    check_truncated (l, cut, o, "push");
    record_case ({"truncated",
                     "every offset 0.." + std::to_string (file.size () - 1) +
                         " of " ANIM,
                     "cut at " + std::to_string (cut), (gint64)cut, PUSH_PATH},
        o);
  }
}
GST_END_TEST;

GST_START_TEST (test_truncated_pull)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  for (size_t cut = 0; cut < file.size (); cut++) {
    Bytes part (file.begin (), file.begin () + cut);
    Outcome o = pull_gif (part);
    check_truncated (l, cut, o, "pull");
    record_case ({"truncated",
                     "every offset 0.." + std::to_string (file.size () - 1) +
                         " of " ANIM,
                     "cut at " + std::to_string (cut), (gint64)cut,
                     "filesrc ! gifdemux ! gifdec (pull, pipeline)"},
        o);
  }
}
GST_END_TEST;

/* ---- every header byte flipped ---- */

struct Field
{
  std::string name;
  size_t offset, size;
};

GST_START_TEST (test_header_flips)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  const GifBlock &gce = extension_block (l, 0xf9, 0);
  const GifBlock &img = image_block (l, 0);
  const std::vector<Field> fields = {
      {"signature and version", 0, 6},
      {"screen width and height", 6, 4},
      {"screen flags (global palette flag and size)", 10, 1},
      {"background index, aspect ratio", 11, 2},
      {"first graphic control extension", gce.offset, gce.end - gce.offset},
      {"first image descriptor: position", img.offset + 1, 4},
      {"first image descriptor: size", img.offset + 5, 4},
      {"first image descriptor: flags (local palette, interlace)",
          img.offset + 9, 1},
      {"first LZW minimum code size", img.data_offset, 1},
  };
  /* Flips that make another well-formed GIF, with fewer frames: nothing in the file can tell
   * (a longer GCE block, an extra GCE sub-block: the frames after it are read as extension
   * bytes). Exactly these, no others. (A local palette flag set on the first frame also eats
   * the frames after it, but gifdec warns that the frame it then decodes is damaged.) */
  std::vector<std::string> silent;
  gchar *s1 = g_strdup_printf ("byte %zu ^ 0xff", gce.offset + 2);
  gchar *s2 = g_strdup_printf ("byte %zu ^ 0x10", gce.end - 1);
  const std::vector<std::string> known_silent = {s1, s2};
  g_free (s1);
  g_free (s2);
  for (const Field &f : fields) {
    for (size_t at = f.offset; at < f.offset + f.size; at++) {
      for (int v = -1; v < 8; v++) {
        guint8 mask = v < 0 ? 0xff : (guint8)(1u << v);
        Bytes bad = file;
        bad[at] ^= mask;
        Outcome o = push_gif (bad);
        gchar *name = g_strdup_printf ("byte %zu ^ 0x%02x", at, mask);
        /* Bounded output, and anything missing is said. */
        fail_unless (
            o.frames <= ANIM_FRAMES, "%s: %s", name, describe (o).c_str ());
        if (o.frames < ANIM_FRAMES && !o.error && o.warnings.empty ())
          silent.push_back (name);
        if (at < 3)
          assert_error (o, "STREAM/WRONG_TYPE", name);
        if (o.error)
          fail_unless (o.frames == 0 || o.error_code != "STREAM/WRONG_TYPE",
              "%s: %s", name, describe (o).c_str ());
        record_case ({"header-flip", f.name, name, (gint64)at, PUSH_PATH}, o);
        g_free (name);
      }
    }
  }
  std::string list;
  for (const std::string &n : silent)
    list += (list.empty () ? "" : ", ") + n;
  fail_unless (silent == known_silent,
      "flips losing frames without a word: %s (expected only the 2 known ones)",
      list.c_str ());
}
GST_END_TEST;

/* ---- LZW garbage ---- */

GST_START_TEST (test_lzw_garbage)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  for (int frame : {0, 3, 5}) {
    for (guint32 seed = 1; seed <= 8; seed++) {
      Bytes bad = file;
      scramble_image_data (bad, image_block (l, frame), seed);
      Outcome o = push_gif (bad);
      gchar *name = g_strdup_printf ("frame %d, seed %u", frame, seed);
      /* gifdec shows a broken frame as far as it went (the canvas stays consistent). */
      fail_unless (!o.error && o.frames == ANIM_FRAMES, "%s: %s", name,
          describe (o).c_str ());
      record_case (
          {"lzw-garbage",
              "random bytes in the LZW data of frame " + std::to_string (frame),
              name, seed, PUSH_PATH},
          o);
      g_free (name);
    }
  }
  for (guint8 size : {0, 1, 9, 12, 255}) {
    Bytes bad = file;
    bad[image_block (l, 0).data_offset] = size;
    gchar *name = g_strdup_printf ("minimum code size %u", size);
    /* gifdec counts a broken frame against max-errors (-1 by default: never fail, no
     * message but the log), and shows the canvas as it was */
    Outcome o = push_gif (bad);
    fail_unless (!o.error && o.frames == ANIM_FRAMES, "%s: %s", name,
        describe (o).c_str ());
    record_case ({"lzw-garbage", "frame 0's LZW minimum code size out of 2..8",
                     name, size, PUSH_PATH},
        o);
    o = push_gif (bad, STRICT_CHAIN);
    assert_error (o, "STREAM/DECODE", name);
    fail_unless (o.frames == 0, "%s: %s", name, describe (o).c_str ());
    record_case ({"lzw-garbage", "frame 0's LZW minimum code size out of 2..8",
                     name, size, STRICT_CHAIN " (push, harness)"},
        o);
    g_free (name);
  }
}
GST_END_TEST;

/* ---- absurd dimensions ---- */

struct DimCase
{
  const char *name;
  const char *chain;
  int screen_w, screen_h;          /* -1: unchanged */
  int left, top, frame_w, frame_h; /* frame 0; -1: unchanged */
  const char *error;               /* expected error code, or nullptr */
  const char *warning;             /* expected warning, or nullptr */
};

GST_START_TEST (test_dimensions)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  const GifBlock &img = image_block (l, 0);
  const DimCase cases[] = {
      {"screen 0x0", DEMUX_DEC, 0, 0, -1, -1, -1, -1, "STREAM/DEMUX", nullptr},
      {"screen 0x30", DEMUX_DEC, 0, 30, -1, -1, -1, -1, "STREAM/DEMUX",
          nullptr},
      {"screen 40x0", DEMUX_DEC, 40, 0, -1, -1, -1, -1, "STREAM/DEMUX",
          nullptr},
      {"screen 65535x65535 (over max-canvas-pixels)", DEMUX_DEC, 65535, 65535,
          -1, -1, -1, -1, "STREAM/DEMUX", nullptr},
      {"screen 65535x65535, gifdemux max-canvas-pixels=4294836225 (its most)",
          "gifdemux max-canvas-pixels=4294836225 ! gifdec", 65535, 65535, -1,
          -1, -1, -1, "STREAM/DECODE", nullptr},
      {"screen 40x30, gifdemux max-canvas-pixels=1000",
          "gifdemux max-canvas-pixels=1000 ! gifdec", -1, -1, -1, -1, -1, -1,
          "STREAM/DEMUX", nullptr},
      {"screen 40x30, gifdec max-canvas-pixels=1000",
          "gifdemux ! gifdec max-canvas-pixels=1000", -1, -1, -1, -1, -1, -1,
          "STREAM/DECODE", nullptr},
      {"screen 65535x1", DEMUX_DEC, 65535, 1, -1, -1, -1, -1, nullptr, nullptr},
      {"frame 0 at 65000,65000 (off the screen)", DEMUX_DEC, -1, -1, 65000,
          65000, -1, -1, nullptr, nullptr},
      {"frame 0 at 30,20 (partly off the screen)", DEMUX_DEC, -1, -1, 30, 20,
          -1, -1, nullptr, nullptr},
      {"frame 0 of 65535x65535 (data for 40x30)", DEMUX_DEC, -1, -1, -1, -1,
          65535, 65535, nullptr, nullptr},
      {"frame 0 of 65535x1", DEMUX_DEC, -1, -1, -1, -1, 65535, 1, nullptr,
          nullptr},
      {"frame 0 of 0x0", DEMUX_DEC, -1, -1, -1, -1, 0, 0, nullptr, nullptr},
      {"frame 0 of 1x1 (data for 40x30)", DEMUX_DEC, -1, -1, -1, -1, 1, 1,
          nullptr, nullptr},
  };
  for (const DimCase &c : cases) {
    Bytes bad = file;
    if (c.screen_w >= 0) {
      put_u16 (bad, 6, (guint16)c.screen_w);
      put_u16 (bad, 8, (guint16)c.screen_h);
    }
    if (c.left >= 0) {
      put_u16 (bad, img.offset + 1, (guint16)c.left);
      put_u16 (bad, img.offset + 3, (guint16)c.top);
    }
    if (c.frame_w >= 0) {
      put_u16 (bad, img.offset + 5, (guint16)c.frame_w);
      put_u16 (bad, img.offset + 7, (guint16)c.frame_h);
    }
    Outcome o = push_gif (bad, c.chain);
    if (c.error) {
      assert_error (o, c.error, c.name);
      fail_unless (o.frames == 0, "%s: %s", c.name, describe (o).c_str ());
    } else {
      fail_unless (!o.error && o.frames == ANIM_FRAMES, "%s: %s", c.name,
          describe (o).c_str ());
    }
    if (c.warning)
      fail_unless (
          has_warning (o, c.warning), "%s: %s", c.name, describe (o).c_str ());
    std::string path = std::string (c.chain) + " (push, harness)";
    record_case ({"dimensions", "absurd sizes", c.name, -1, path}, o);
  }
}
GST_END_TEST;

/* ---- huge sub-block counts ---- */

/* Buffers of `chunk` bytes over `data` without copying it (static for the test's life). */
static std::vector<GstBuffer *>
wrap_chunks (const Bytes &data, size_t chunk)
{
  std::vector<GstBuffer *> out;
  for (size_t i = 0; i < data.size (); i += chunk)
    out.push_back (gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY,
        (gpointer)(data.data () + i), MIN (chunk, data.size () - i), 0,
        MIN (chunk, data.size () - i), nullptr, nullptr));
  return out;
}

static Outcome
push_chunks (const Bytes &data)
{
  return run_harness (make_bin (DEMUX_DEC), gst_caps_from_string ("image/gif"),
      wrap_chunks (data, 1 << 20));
}

GST_START_TEST (test_sub_blocks)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  const GifBlock &img0 = image_block (l, 0);
  const size_t after2 = l.frame_ends[2];
  const char *group = "huge sub-block counts";

  {
    /* frame 0's data in 1-byte sub-blocks, then two million more after its end code */
    Bytes bad (file.begin (), file.begin () + img0.data_offset + 1);
    Bytes blocks = reblock_image_data (file, img0, 1);
    bad.insert (bad.end (), blocks.begin (), blocks.end ());
    for (int i = 0; i < 2000000; i++) {
      bad.push_back (1);
      bad.push_back (0);
    }
    bad.insert (bad.end (), file.begin () + img0.end - 1, file.end ());
    Outcome o = push_chunks (bad);
    const char *name = "frame 0: 2,000,000 1-byte sub-blocks (4 MB)";
    fail_unless (!o.error && o.frames == ANIM_FRAMES && o.warnings.empty (),
        "%s: %s", name, describe (o).c_str ());
    record_case ({"sub-blocks", group, name, -1, PUSH_PATH}, o);
  }
  {
    /* a comment of 1,000,000 1-byte sub-blocks before frame 3 */
    Bytes bad (file.begin (), file.begin () + after2);
    bad.push_back (0x21);
    bad.push_back (0xfe);
    for (int i = 0; i < 1000000; i++) {
      bad.push_back (1);
      bad.push_back ('x');
    }
    bad.push_back (0);
    bad.insert (bad.end (), file.begin () + after2, file.end ());
    Outcome o = push_chunks (bad);
    const char *name = "comment of 1,000,000 1-byte sub-blocks (2 MB)";
    fail_unless (!o.error && o.frames == ANIM_FRAMES && o.warnings.empty (),
        "%s: %s", name, describe (o).c_str ());
    record_case ({"sub-blocks", group, name, -1, PUSH_PATH}, o);
  }
  /* Past the reader's bound of 64 MiB for one record: a comment that never ends, and frame
   * 3's data that never ends. */
  for (int kind = 0; kind < 2; kind++) {
    Bytes bad (file.begin (), file.begin () + after2);
    if (kind == 0) {
      bad.push_back (0x21);
      bad.push_back (0xfe);
    } else {
      const GifBlock &img3 = image_block (l, 3);
      bad.insert (bad.end (), file.begin () + after2,
          file.begin () + img3.data_offset + 1);
    }
    const size_t total = (size_t)65 << 20;
    bad.reserve (total + 256);
    while (bad.size () < total) {
      bad.push_back (255);
      bad.insert (bad.end (), 255, (guint8)0x55);
    }
    Outcome o = push_chunks (bad);
    const char *name = kind == 0
                           ? "comment of 255-byte sub-blocks for 65 MiB, no end"
                           : "frame 3: 255-byte sub-blocks for 65 MiB, no end";
    fail_unless (
        !o.error && o.frames == 3 && has_warning (o, "damaged after frame 3;"),
        "%s: %s", name, describe (o).c_str ());
    record_case ({"sub-blocks", group, name, -1, PUSH_PATH}, o);
  }
}
GST_END_TEST;

/* ---- unknown extensions ---- */

struct ExtCase
{
  const char *name;
  Bytes bytes;
};

GST_START_TEST (test_unknown_extensions)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  const std::vector<ExtCase> cases = {
      {"application extension, unknown id",
          {0x21, 0xff, 11, 'M', 'K', 'T', 'E', 'S', 'T', 'X', 'X', '1', '.',
              '0', 3, 1, 2, 3, 0}},
      {"application extension, 3-byte id", {0x21, 0xff, 3, 'A', 'B', 'C', 0}},
      {"application extension, no id (label 0xff, terminator only)",
          {0x21, 0xff, 0}},
      {"NETSCAPE2.0 with a 1-byte sub-block",
          {0x21, 0xff, 11, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.',
              '0', 1, 9, 0}},
      {"plain-text extension", {0x21, 0x01, 12, 0, 0, 0, 0, 40, 0, 30, 0, 8, 8,
                                   1, 0, 5, 'h', 'e', 'l', 'l', 'o', 0}},
      {"extension label 0x00", {0x21, 0x00, 2, 0xaa, 0xbb, 0}},
      {"extension label 0x42", {0x21, 0x42, 1, 0x11, 0}},
      {"graphic control extension, 3-byte block",
          {0x21, 0xf9, 3, 0x09, 0x07, 0x00, 0}},
      {"graphic control extension, 6-byte block",
          {0x21, 0xf9, 6, 0x09, 0x07, 0x00, 0x02, 0x00, 0x00, 0}},
      {"empty comment", {0x21, 0xfe, 0}},
  };
  for (const ExtCase &c : cases) {
    for (int where = 0; where < 2; where++) {
      /* before everything (after the header), or between frames 2 and 3 */
      size_t at = where == 0 ? l.header_end : l.frame_ends[2];
      Bytes bad (file.begin (), file.begin () + at);
      bad.insert (bad.end (), c.bytes.begin (), c.bytes.end ());
      bad.insert (bad.end (), file.begin () + at, file.end ());
      std::string name =
          std::string (c.name) +
          (where == 0 ? ", after the header" : ", before frame 3");
      for (const char *chain : {DEMUX_DEC, "gifdemux ! gifmux"}) {
        Outcome o = push_gif (bad, chain);
        bool mux = strstr (chain, "gifmux") != nullptr;
        /* gifmux: a header buffer, 6 frames, the trailer */
        int want = mux ? ANIM_FRAMES + 2 : ANIM_FRAMES;
        fail_unless (!o.error && o.frames == want && o.warnings.empty (),
            "%s, %s: %s", name.c_str (), chain, describe (o).c_str ());
        record_case ({"extensions", "unknown and odd extensions", name, -1,
                         std::string (chain) + " (push, harness)"},
            o);
      }
    }
  }
}
GST_END_TEST;

/* ---- zero-length buffers ---- */

static GstBuffer *
buffer_of (const Bytes &b, size_t from, size_t to)
{
  return gst_buffer_new_memdup (b.data () + from, to - from);
}

/* The anim's caps as gifdemux gives them: image/gif, parsed, codec_data = header. */
static GstCaps *
parsed_caps (const Bytes &file, size_t header_size, const char *extra = "")
{
  GstBuffer *cd = buffer_of (file, 0, header_size);
  gchar *s = g_strdup_printf ("image/gif, parsed=(boolean)true%s", extra);
  GstCaps *caps = gst_caps_from_string (s);
  g_free (s);
  gst_caps_set_simple (caps, "codec_data", GST_TYPE_BUFFER, cd, nullptr);
  gst_buffer_unref (cd);
  return caps;
}

/* The anim's frame records, as gifdemux sends them, with `extra` inserted before frame
 * `before` (or none). */
static std::vector<GstBuffer *>
frame_buffers (const Bytes &file, const GifLayout &l,
    GstBuffer *extra = nullptr, int before = -1)
{
  std::vector<GstBuffer *> out;
  size_t start = l.header_end;
  for (int i = 0; i < ANIM_FRAMES; i++) {
    if (i == before)
      out.push_back (extra);
    out.push_back (buffer_of (file, start, l.frame_ends[i]));
    start = l.frame_ends[i];
  }
  return out;
}

/* `n` 40x30 RGBA frames at 10 fps, and `extra` (when given) before frame `before`. */
static std::vector<GstBuffer *>
raw_frames (int n, GstBuffer *extra = nullptr, int before = -1)
{
  std::vector<GstBuffer *> out;
  int made = 0;
  for (int i = 0; i < n + (extra ? 1 : 0); i++) {
    GstBuffer *b = extra && i == before
                       ? extra
                       : raw_frame (40 * 30 * 4, (guint8)(made++ * 40));
    GST_BUFFER_PTS (b) = (GstClockTime)i * 100 * GST_MSECOND;
    GST_BUFFER_DURATION (b) = 100 * GST_MSECOND;
    out.push_back (b);
  }
  return out;
}

#define RAW_CAPS "video/x-raw,format=RGBA,width=40,height=30,framerate=10/1"

/* One element with properties: "gifdec max-errors=0". */
static GstElement *
parse_launch (const char *description)
{
  GError *err = nullptr;
  GstElement *e = gst_parse_launch (description, &err);
  fail_unless (e != nullptr && err == nullptr, "%s: %s", description,
      err ? err->message : "?");
  return e;
}

GST_START_TEST (test_zero_length)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  const char *group = "zero-length buffers";
  Outcome o;

  /* gifdemux: an empty buffer first, in the middle, alone */
  o = run_harness (element ("gifdemux"), gst_caps_from_string ("image/gif"),
      {gst_buffer_new (), buffer_of (file, 0, 400), gst_buffer_new (),
          buffer_of (file, 400, file.size ())});
  fail_unless (!o.error && o.frames == ANIM_FRAMES && o.warnings.empty (), "%s",
      describe (o).c_str ());
  record_case (
      {"zero-length", group, "empty buffers before and inside the file", -1,
          "gifdemux (push, harness)"},
      o);
  o = run_harness (element ("gifdemux"), gst_caps_from_string ("image/gif"),
      {gst_buffer_new ()});
  assert_error (o, "STREAM/WRONG_TYPE", "gifdemux, only an empty buffer");
  record_case ({"zero-length", group, "only an empty buffer", -1,
                   "gifdemux (push, harness)"},
      o); /* gifdec: an empty frame between frames 2 and 3 holds no image: dropped (it used to go
   * out as a canvas nobody wrote), counted against max-errors */
  for (const char *dec : {"gifdec", "gifdec max-errors=0"}) {
    o = run_harness (parse_launch (dec), parsed_caps (file, l.header_end),
        frame_buffers (file, l, gst_buffer_new (), 3));
    if (strstr (dec, "max-errors")) {
      assert_error (o, "STREAM/DECODE", dec);
      fail_unless (o.frames == 3, "%s", describe (o).c_str ());
    } else {
      fail_unless (
          !o.error && o.frames == ANIM_FRAMES, "%s", describe (o).c_str ());
    }
    record_case ({"zero-length", group, "an empty frame between frames 2 and 3",
                     -1, std::string (dec) + " (harness)"},
        o);
  }

  /* gifmux: the same, skipped as a gap (header, the six frames, trailer) */
  o = run_harness (element ("gifmux"), parsed_caps (file, l.header_end),
      frame_buffers (file, l, gst_buffer_new (), 3));
  fail_unless (!o.error && o.warnings.empty () && o.frames == ANIM_FRAMES + 2,
      "%s", describe (o).c_str ());
  record_case ({"zero-length", group, "an empty frame between frames 2 and 3",
                   -1, "gifmux (harness)"},
      o);

  /* gifenc: an empty raw frame between frames 2 and 3 */
  o = run_harness (element ("gifenc"), gst_caps_from_string (RAW_CAPS),
      raw_frames (6, gst_buffer_new (), 3));
  fail_unless (o.error || !o.warnings.empty () || o.frames == 7, "%s",
      describe (o).c_str ());
  record_case (
      {"zero-length", group, "an empty raw frame between frames 2 and 3", -1,
          "gifenc (harness)"},
      o);
}
GST_END_TEST;

/* ---- caps that lie ---- */

GST_START_TEST (test_caps_lies)
{
  Bytes file = anim ();
  GifLayout l = walk_gif (file);
  const char *group = "caps that disagree with the data";
  Outcome o;

  o = run_harness (element ("gifdec"),
      parsed_caps (file, l.header_end, ", width=(int)100, height=(int)100"),
      frame_buffers (file, l));
  /* the data wins: codec_data says 40x30 */
  fail_unless (
      !o.error && o.frames == ANIM_FRAMES && o.width == 40 && o.height == 30,
      "%s", describe (o).c_str ());
  record_case ({"caps-lies", group,
                   "caps say 100x100, codec_data 40x30 (output caps 40x30)", -1,
                   "gifdec (harness)"},
      o);

  {
    const char text[] = "GIF? no, this is text";
    Bytes junk (text, text + sizeof (text) - 1);
    o = run_harness (element ("gifdec"), parsed_caps (junk, junk.size ()),
        frame_buffers (file, l));
    assert_error (o, "STREAM/DECODE", "gifdec, text as codec_data");
    fail_unless (o.frames == 0);
    record_case (
        {"caps-lies", group, "codec_data is text", -1, "gifdec (harness)"}, o);
    o = run_harness (element ("gifmux"), parsed_caps (junk, junk.size ()),
        frame_buffers (file, l));
    assert_error (o, "STREAM/MUX", "gifmux, text as codec_data");
    fail_unless (o.frames == 0);
    record_case (
        {"caps-lies", group, "codec_data is text", -1, "gifmux (harness)"}, o);
  } /* parsed=true, but the buffer is a whole file: no frame goes out (gifdec with the default
   * max-errors=-1 only logs it) */
  for (const char *name : {"gifdec", "gifdec max-errors=0", "gifmux"}) {
    o = run_harness (parse_launch (name), parsed_caps (file, l.header_end),
        {buffer_of (file, 0, file.size ())});
    fail_unless (o.error || strcmp (name, "gifdec") == 0, "%s: %s", name,
        describe (o).c_str ());
    fail_unless (o.frames == 0, "%s: %s", name, describe (o).c_str ());
    record_case (
        {"caps-lies", group, "parsed=true, but the buffer is the whole file",
            -1, std::string (name) + " (harness)"},
        o);
  }

  /* image/gif caps, random bytes as frames */ for (const char *name :
      {"gifdec", "gifdec max-errors=0", "gifmux"}) {
    std::vector<GstBuffer *> bufs;
    for (guint32 i = 0; i < 4; i++) {
      Bytes r (64);
      for (size_t k = 0; k < r.size (); k++)
        r[k] = (guint8)((k * 131 + i * 71 + 7) & 0xff);
      bufs.push_back (buffer_of (r, 0, r.size ()));
    }
    o = run_harness (
        parse_launch (name), parsed_caps (file, l.header_end), bufs);
    fail_unless (o.error || strcmp (name, "gifdec") == 0, "%s: %s", name,
        describe (o).c_str ());
    fail_unless (o.frames == 0, "%s: %s", name, describe (o).c_str ());
    record_case ({"caps-lies", group, "4 buffers of non-GIF bytes as frames",
                     -1, std::string (name) + " (harness)"},
        o);
  }

  /* gifdemux: image/gif caps on text */
  {
    const char text[] = "This is plainly not a GIF file, just some text.";
    Bytes junk (text, text + sizeof (text) - 1);
    o = run_harness_bytes (element ("gifdemux"), "image/gif", junk);
    assert_error (o, "STREAM/WRONG_TYPE", "gifdemux, text");
    record_case ({"caps-lies", group, "text with image/gif caps", -1,
                     "gifdemux (push, harness)"},
        o);
  }

  /* gifenc: raw frames smaller and larger than the caps say */
  o = run_harness (element ("gifenc"), gst_caps_from_string (RAW_CAPS),
      raw_frames (6, raw_frame (100, 0x80), 3));
  fail_unless (o.error || !o.warnings.empty (), "%s", describe (o).c_str ());
  record_case ({"caps-lies", group,
                   "a 100-byte frame between frames 2 and 3 (caps: 40x30 RGBA)",
                   -1, "gifenc (harness)"},
      o);
  o = run_harness (element ("gifenc"), gst_caps_from_string (RAW_CAPS),
      raw_frames (6, raw_frame (2 * 40 * 30 * 4, 0x80), 3));
  fail_unless (!o.error && o.frames == 7, "%s", describe (o).c_str ());
  record_case ({"caps-lies", group,
                   "a frame twice the caps' size between frames 2 and 3", -1,
                   "gifenc (harness)"},
      o);
  /* the same short frame at the far end of the quality scale, on four threads (issue 15's paths:
   * error budget, temporal threshold, stripes) */
  o = run_harness (parse_launch ("gifenc quality=1 threads=4"),
      gst_caps_from_string (RAW_CAPS),
      raw_frames (6, raw_frame (100, 0x80), 3));
  fail_unless (o.error || !o.warnings.empty (), "%s", describe (o).c_str ());
  record_case ({"caps-lies", group,
                   "a 100-byte frame between frames 2 and 3 (caps: 40x30 RGBA)",
                   -1, "gifenc quality=1 threads=4 (harness)"},
      o);
  /* and under rate control (issue 15): a size target without a duration (a warning, and the
   * short frame's error), a bitrate */
  for (const char *enc : {"gifenc max-size=20000", "gifenc bitrate=50"}) {
    o = run_harness (parse_launch (enc), gst_caps_from_string (RAW_CAPS),
        raw_frames (6, raw_frame (100, 0x80), 3));
    fail_unless (
        o.error || !o.warnings.empty (), "%s: %s", enc, describe (o).c_str ());
    record_case (
        {"caps-lies", group,
            "a 100-byte frame between frames 2 and 3 (caps: 40x30 RGBA)", -1,
            std::string (enc) + " (harness)"},
        o);
  }
  /* both with frames waiting in the look-ahead: the short frame fails with the frames before it
   * still in the window (freed at stop); the long one is coded in its turn */
  o = run_harness (parse_launch ("gifenc lookahead=3"),
      gst_caps_from_string (RAW_CAPS),
      raw_frames (6, raw_frame (100, 0x80), 3));
  fail_unless (o.error || !o.warnings.empty (), "%s", describe (o).c_str ());
  record_case ({"caps-lies", group,
                   "a 100-byte frame between frames 2 and 3 (caps: 40x30 RGBA)",
                   -1, "gifenc lookahead=3 (harness)"},
      o);
  o = run_harness (parse_launch ("gifenc lookahead=3"),
      gst_caps_from_string (RAW_CAPS),
      raw_frames (6, raw_frame (2 * 40 * 30 * 4, 0x80), 3));
  fail_unless (!o.error && o.frames == 7, "%s", describe (o).c_str ());
  record_case ({"caps-lies", group,
                   "a frame twice the caps' size between frames 2 and 3", -1,
                   "gifenc lookahead=3 (harness)"},
      o);
}
GST_END_TEST;

/* ---- adversarial streams ---- */

GST_START_TEST (test_adversarial)
{
  Outcome o;

  /* A comment before each of 2,000 frames, streamed (upstream cannot seek). test_gifdemux
   * bounds what the tag events carry; here: every frame comes out, nothing is said. */
  Bytes comments = gif_test::opaqueAnimation (2000, 10, true);
  o = push_gif (comments);
  fail_unless (!o.error && o.frames == 2000 && o.warnings.empty (), "%s",
      describe (o).c_str ());
  record_case ({"adversarial", "comments",
                   "a comment before each of 2,000 frames", -1, PUSH_PATH},
      o);

  /* honor-loop, every delay 0 (min-delay=0), a loop count of 0 (forever): played once. */
  {
    std::string path =
        mk_write_temp_file (gif_test::opaqueAnimation (3, 0, false, 0));
    o = run_pipeline ("filesrc location=\"" + path +
                      "\" ! gifdemux honor-loop=true min-delay=0 ! gifdec ! "
                      "fakesink name=sink");
    unlink (path.c_str ());
    fail_unless (!o.error && o.frames == 3 && o.warnings.size () == 1, "%s",
        describe (o).c_str ());
    record_case ({"adversarial", "honor-loop",
                     "3 frames, every delay 0 (min-delay=0), loop count 0 "
                     "(forever)",
                     -1,
                     "filesrc ! gifdemux honor-loop=true min-delay=0 ! gifdec "
                     "(pull, pipeline)"},
        o);
  }

  /* A flushing seek in PAUSED to frame 3 of the anim (key unit, snap before), then play to
   * the end: the same frames in pull and in push mode. From a pipe the seek is refused and the
   * whole file plays. */
  {
    Bytes file = anim ();
    std::string path = mk_write_temp_file (file);
    auto seek = [] (GstElement *pipeline) {
      gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
          (GstSeekFlags)(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT |
                         GST_SEEK_FLAG_SNAP_BEFORE),
          3 * 70 * GST_MSECOND);
      fail_unless (gst_element_get_state (pipeline, nullptr, nullptr,
                       60 * GST_SECOND) == GST_STATE_CHANGE_SUCCESS);
    };
    const char *modes[][2] = {
        {"", "filesrc ! gifdemux ! gifdec (pull, pipeline)"},
        {" ! queue", "filesrc ! queue ! gifdemux ! gifdec (push, pipeline)"},
    };
    int frames[2];
    for (int m = 0; m < 2; m++) {
      o = run_pipeline ("filesrc location=\"" + path + "\"" + modes[m][0] +
                            " ! gifdemux ! gifdec ! fakesink name=sink",
          seek);
      fail_unless (!o.error && o.warnings.empty () && o.frames < ANIM_FRAMES,
          "%s: %s", modes[m][1], describe (o).c_str ());
      frames[m] = o.frames;
      record_case ({"adversarial", "seek",
                       "a flushing seek to frame 3 while paused, then play", -1,
                       modes[m][1]},
          o);
    }
    fail_unless_equals_int (frames[1], frames[0]);

    int fds[2];
    fail_unless (pipe (fds) == 0);
    fail_unless (
        write (fds[1], file.data (), file.size ()) == (ssize_t)file.size ());
    close (fds[1]);
    o = run_pipeline ("fdsrc fd=" + std::to_string (fds[0]) +
                          " ! gifdemux ! gifdec ! fakesink name=sink",
        [] (GstElement *pipeline) {
          fail_if (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
              (GstSeekFlags)(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT),
              3 * 70 * GST_MSECOND));
        });
    close (fds[0]);
    fail_unless (!o.error && o.warnings.empty () && o.frames == ANIM_FRAMES,
        "pipe: %s", describe (o).c_str ());
    record_case ({"adversarial", "seek",
                     "a flushing seek to frame 3 while paused (refused), then "
                     "play",
                     -1, "fdsrc (a pipe) ! gifdemux ! gifdec (push, pipeline)"},
        o);
    unlink (path.c_str ());
  }
}
GST_END_TEST;

static Suite *
bad_input_suite (void)
{
  Suite *s = suite_create ("bad-input");
  TCase *tc = tcase_create ("general");
  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_truncated_push);
  tcase_add_test (tc, test_truncated_pull);
  tcase_add_test (tc, test_header_flips);
  tcase_add_test (tc, test_lzw_garbage);
  tcase_add_test (tc, test_dimensions);
  tcase_add_test (tc, test_sub_blocks);
  tcase_add_test (tc, test_unknown_extensions);
  tcase_add_test (tc, test_zero_length);
  tcase_add_test (tc, test_caps_lies);
  add_adversarial_tests (tc);
  tcase_add_test (tc, test_adversarial);
  add_dvpp_tests (tc);
  return s;
}

int
main (int argc, char **argv)
{
  gst_check_init (&argc, &argv);
  record_begin ();
  return gst_check_run_suite (bad_input_suite (), "bad-input", __FILE__);
}
