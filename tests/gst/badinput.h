/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-bad-input's tools: run bad input through an element (GstHarness) or a pipeline and
 * collect what came out (error, warnings, frames, bytes); write one JSON line per case to the
 * record file named by MK_BAD_INPUT_RECORD (tests/gst/robustness_table.py turns the records
 * into the table of docs/robustness.md); walk and edit GIF files. */
#pragma once

#include <gst/check/gstcheck.h>

#include <functional>
#include <string>
#include <vector>

typedef std::vector<guint8> Bytes;

/* What one run of bad input produced. Deterministic: user-facing texts only (the debug
 * strings name offsets and addresses), no timings. */
struct Outcome
{
  bool error = false;
  std::string error_code; /* "STREAM/DEMUX" */
  std::string error_text;
  std::vector<std::string>
      warnings;              /* distinct texts, in the order first posted */
  int frames = 0;            /* buffers out; -1 when not deterministic */
  gint64 bytes = 0;          /* bytes out; -1 when not deterministic */
  int width = 0, height = 0; /* output caps, when they have a size */
};

/* One case of the table. */
struct Case
{
  std::string klass; /* "truncated", "header-flip", ... */
  std::string group; /* a row group inside the class */
  std::string name;  /* this case */
  gint64 at = -1;   /* a number ordering the cases of a group (offset), or -1 */
  std::string path; /* what ran: "gifdemux ! gifdec (push)" */
};

/* Appends the record of `c` to MK_BAD_INPUT_RECORD (nothing without it). */
void record_case (const Case &c, const Outcome &o);
/* Truncates the record file (the start of a run). */
void record_begin (void);

/* Runs `element` (an element or a bin with ghost pads "sink" and "src"; a demuxer's src pad
 * is picked up when it appears) in a harness: sets `caps`, pushes `buffers` one by one until
 * one is refused, then EOS when `eos`. Takes ownership of `element`, `caps` and `buffers`. */
Outcome run_harness (GstElement *element, GstCaps *caps,
    std::vector<GstBuffer *> buffers, bool eos = true);
/* Same for `bytes` in one buffer (none when empty, so only EOS is pushed). */
Outcome run_harness_bytes (
    GstElement *element, const char *caps, const Bytes &bytes);
/* A bin of "demuxer [props] ! element [props]", ghost pads "sink" and "src". */
GstElement *make_bin (const char *description);

/* Runs a pipeline whose last element is `fakesink name=sink` to EOS or an error (a bound only
 * a hang reaches); frames and bytes are counted at the sink. With `when_paused`, the pipeline
 * is prerolled first and `when_paused` is called on it (a seek, say) before it plays. */
Outcome run_pipeline (const std::string &description,
    const std::function<void (GstElement *)> &when_paused = nullptr);
/* `bytes` in a temporary file, for filesrc; the caller unlinks it. */
std::string write_temp_file (const Bytes &bytes);

/* The outcome as a line for failure messages. */
std::string describe (const Outcome &o);
bool has_warning (const Outcome &o, const char *text);

/* A buffer of `size` bytes of `value`. */
GstBuffer *raw_frame (size_t size, guint8 value);
/* gst_element_factory_make that fails the test when the element is missing. */
GstElement *element (const char *name);
/* test_bad_input_dvpp.cpp: the DVPP fault sweep and ascendvenc's bad buffers. */
void add_dvpp_tests (TCase *tc);
/* gif/test_bad_input_runs.cpp: flushes into gifmux ! filesink, memory limits, comments. */
void add_adversarial_tests (TCase *tc);

/* ---- GIF files: the blocks of a file, to cut and patch it at known places ---- */

struct GifBlock
{
  enum Kind { kExtension, kImage } kind;
  size_t offset;      /* 0x21 or 0x2c */
  size_t end;         /* one past the block terminator */
  guint8 label;       /* extensions */
  size_t data_offset; /* images: the LZW minimum code size byte */
  int frame; /* images: frame index; extensions: the frame they precede */
};

struct GifLayout
{
  size_t header_end = 0; /* signature + screen descriptor + global palette */
  std::vector<GifBlock> blocks;
  std::vector<size_t> frame_ends; /* one past each frame's LZW terminator */
  size_t trailer = 0;             /* offset of 0x3b */
};

/* Walks a well-formed file (the test's own inputs). */
GifLayout walk_gif (const Bytes &file);
const GifBlock &image_block (const GifLayout &layout, int frame);
const GifBlock &extension_block (
    const GifLayout &layout, guint8 label, int frame);
/* The LZW data of an image block re-cut into sub-blocks of `block` bytes (no terminator). */
Bytes reblock_image_data (
    const Bytes &file, const GifBlock &image, size_t block);
/* Overwrites the image data sub-block payloads with seeded random bytes. */
void scramble_image_data (Bytes &file, const GifBlock &image, guint32 seed);
void put_u16 (Bytes &file, size_t offset, guint16 value);
