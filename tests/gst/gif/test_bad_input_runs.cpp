/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-bad-input's adversarial runs of gifdec and gifmux (issue 12): a flushing seek into
 * `gifmux ! filesink`, decoding and muxing under an address-space limit, and a comment on
 * every frame into gifmux. Each asserts its outcome and is recorded for the table of
 * docs/robustness.md, class "adversarial". */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include <string>
#include <vector>

#include "badinput.h"
#include "mktestutil.h"

#define ANIM "gif/anim-6f-loop1.gif"
#define ANIM_FRAMES 6
#define CLASS "adversarial"

/* ---- a flushing seek into gifmux ! filesink ---- */

GST_START_TEST (test_flush_into_filesink)
{
  const std::string path = write_temp_file (Bytes ());
  GifLayout anim = walk_gif (mk_read_file (mk_test_file (ANIM)));
  struct
  {
    const char *name;
    GstClockTime target;
    int frames; /* GIF frames the file must hold */
  } cases[] = {
      {"seek to 0 after 3 buffers reached filesink", 0, ANIM_FRAMES},
      {"seek to the end after 3 buffers reached filesink", 350 * GST_MSECOND,
          1},
  };
  for (const auto &c : cases) {
    Outcome o;
    GstMessage *err = mk_run_with_flush (
        "filesrc location=\"" + mk_test_file (ANIM) +
            "\" ! gifdemux name=demux ! gifmux ! filesink name=sink "
            "location=\"" +
            path + "\"",
        3, c.target, &o.warnings);
    if (err) {
      GError *e = nullptr;
      gst_message_parse_error (err, &e, nullptr);
      o.error = true;
      o.error_text = e->message;
      g_error_free (e);
      gst_message_unref (err);
    }
    Bytes file = mk_read_file (path);
    /* a whole GIF (the walker fails on zeros, a missing header or trailer) */
    GifLayout l = walk_gif (file);
    o.frames = (int)l.frame_ends.size ();
    o.bytes = (gint64)file.size ();
    fail_unless (
        !o.error && o.frames == c.frames && l.header_end == anim.header_end,
        "%s: %s", c.name, describe (o).c_str ());
    record_case ({CLASS, "a flushing seek on gifdemux into gifmux ! filesink",
                     c.name, -1,
                     "filesrc ! gifdemux ! gifmux ! filesink (pull, pipeline; "
                     "counted: the GIF frames in the file)"},
        o);
  }
  unlink (path.c_str ());
}
GST_END_TEST;

/* ---- an address-space limit ---- */

GST_START_TEST (test_memory_limit)
{
  Bytes file = mk_read_file (mk_test_file (ANIM));
  GifLayout l = walk_gif (file);
  const char *group = "under an address-space limit (RLIMIT_AS) counted from "
                      "the process's size";
  {
    MkAddressSpaceLimit probe (0);
    if (!probe.active ())
      return; /* sanitizers: no limit possible, nothing to record */
  }

  /* gifdec on an 8192x4096 screen (128 MiB of RGBA); the harness keeps the output buffers */
  Bytes big = file;
  put_u16 (big, 6, 8192);
  put_u16 (big, 8, 4096);
  struct
  {
    int mib, frames, out;
    const char *what;
  } dec_cases[] = {
      {32, 1, 0, "the canvas does not fit"},
      {160, 1, 0, "the output buffer does not fit"},
      {288, 2, 1, "2 frames, a second output buffer does not fit"},
  };
  for (const auto &c : dec_cases) {
    GstBuffer *cd = gst_buffer_new_memdup (big.data (), l.header_end);
    GstCaps *caps = gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN,
        TRUE, "codec_data", GST_TYPE_BUFFER, cd, nullptr);
    gst_buffer_unref (cd);
    std::vector<GstBuffer *> frames;
    for (int i = 0; i < c.frames; i++)
      frames.push_back (gst_buffer_new_memdup (
          big.data () + l.header_end, l.frame_ends[0] - l.header_end));
    Outcome o;
    {
      MkAddressSpaceLimit limit ((gsize)c.mib << 20);
      o = run_harness (element ("gifdec"), caps, frames);
    }
    gchar *name = g_strdup_printf (
        "8192x4096 screen, %d MiB to spare (%s)", c.mib, c.what);
    fail_unless (o.error && o.error_code == "RESOURCE/NO_SPACE_LEFT" &&
                     o.frames == c.out,
        "%s: %s", name, describe (o).c_str ());
    record_case ({CLASS, group, name, c.mib, "gifdec (harness)"}, o);
    g_free (name);
  }

  /* gifmux: a 48 MiB frame record with 16 MiB to spare (passed on without a copy) */
  {
    Bytes record (
        file.begin () + l.header_end, file.begin () + l.frame_ends[0]);
    const gsize total = (gsize)48 << 20;
    GstBuffer *cd = gst_buffer_new_memdup (file.data (), l.header_end);
    GstCaps *caps = gst_caps_new_simple ("image/gif", "parsed", G_TYPE_BOOLEAN,
        TRUE, "codec_data", GST_TYPE_BUFFER, cd, nullptr);
    gst_buffer_unref (cd);
    GstBuffer *in = mk_long_record (record, total);
    const gint64 in_size = (gint64)gst_buffer_get_size (in);
    Outcome o;
    {
      MkAddressSpaceLimit limit ((gsize)16 << 20);
      o = run_harness (element ("gifmux"), caps, {in});
    }
    const char *name = "a 48 MiB frame record, 16 MiB to spare";
    /* header, the frame, the trailer */
    fail_unless (!o.error && o.frames == 3 && o.bytes > (gint64)total &&
                     o.bytes < in_size + 4096,
        "%s: %s", name, describe (o).c_str ());
    record_case ({CLASS, group, name, 16, "gifmux (harness)"}, o);
  }
}
GST_END_TEST;

/* ---- a comment on every frame into gifmux ---- */

/* `n` frames of the anim's first frame, each after a comment of its own. */
static Bytes
commented_file (int n)
{
  Bytes file = mk_read_file (mk_test_file (ANIM));
  GifLayout l = walk_gif (file);
  const GifBlock &img = image_block (l, 0);
  Bytes out (file.begin (), file.begin () + l.header_end);
  for (int i = 0; i < n; i++) {
    gchar *text = g_strdup_printf ("frame %d", i);
    out.push_back (0x21);
    out.push_back (0xfe);
    out.push_back ((guint8)strlen (text));
    out.insert (out.end (), text, text + strlen (text));
    out.push_back (0);
    g_free (text);
    out.insert (
        out.end (), file.begin () + img.offset, file.begin () + (long)img.end);
  }
  out.push_back (0x3b);
  return out;
}

GST_START_TEST (test_comments_every_frame)
{
  const int n = 3000;
  const Bytes file = commented_file (n);
  const std::string path = write_temp_file (file);
  for (int mode = 0; mode < 2; mode++) {
    /* pull mode: the tags come once, before the frames; push mode from a source that cannot
     * seek: as the comments are read */
    Outcome o =
        mode == 0 ? run_pipeline ("filesrc location=\"" + path +
                                  "\" ! gifdemux ! gifmux ! fakesink name=sink")
                  : run_harness_bytes (
                        make_bin ("gifdemux ! gifmux"), "image/gif", file);
    const char *how = mode == 0 ? "filesrc ! gifdemux ! gifmux (pull, pipeline)"
                                : "gifdemux ! gifmux (push, harness)";
    /* The header, the frames, the trailer, and in push mode the comments that came after the
     * header in buffers of their own. The file keeps 64 comments: it is smaller than the input
     * by the ~2,900 comments left out (it was larger: every comment, and a loop extension). */
    fail_unless (!o.error && o.warnings.empty () && o.frames >= n + 2 &&
                     o.frames <= n + 2 + 64 && o.bytes < (gint64)file.size (),
        "%s: %s (input %zu bytes)", how, describe (o).c_str (), file.size ());
    record_case ({CLASS, "a comment before every frame, into gifmux",
                     "3,000 frames, 3,000 distinct comments", n, how},
        o);
  }
  unlink (path.c_str ());
}
GST_END_TEST;

void
add_adversarial_tests (TCase *tc)
{
  tcase_add_test (tc, test_flush_into_filesink);
  tcase_add_test (tc, test_memory_limit);
  tcase_add_test (tc, test_comments_every_frame);
}
