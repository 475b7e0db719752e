// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::FrameDecoder + Compositor: each disposal (0..7), transparency, interlaced rows,
// clipping, empty and off-screen frames, palette edge cases, every output format with padded
// strides, broken frames, reset, the record-buffer path gifdec uses, and no heap allocation per
// frame in steady state. decodeInto() into caller memory that holds older canvases, in every
// pattern a buffer pool hands memory back, against an independent reference compositor; and an
// oversized interlaced frame costs what is visible.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "gif/frame_decoder.h"
#include "gif/reader.h"
#include "gif_test_util.h"

// check.h defines fail(): after the C++ headers.
#include <check.h>

#include "../check_main.h"

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// Counts heap allocations so a test can prove the steady state allocates nothing.
static std::atomic<long> g_allocs{0};
void *operator new(size_t n) {
  g_allocs++;
  if (void *p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void *p) noexcept {
  std::free(p);
}
void operator delete(void *p, size_t) noexcept {
  std::free(p);
}

using gif_test::GifBuilder;
using gif_test::Image;
using mk::gif::FrameDecoder;
using mk::gif::PixelFormat;

namespace {

// Palette entry i of a 4-entry table: distinct, opaque colours.
const std::vector<uint8_t> kPal = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};

Image rect(unsigned l, unsigned t, unsigned w, unsigned h, uint8_t v) {
  Image im;
  im.left = l, im.top = t, im.width = w, im.height = h;
  im.pixels.assign(size_t{w} * h, v);
  return im;
}

// Decodes a whole file to RGBA canvases (one per frame) through the Reader + FrameDecoder.
struct Decoded {
  std::vector<std::vector<uint8_t>> canvases;
  std::vector<mk::Status> status;
  unsigned width = 0, height = 0;
};

Decoded decodeFile(const std::vector<uint8_t> &file, PixelFormat fmt = PixelFormat::kRGBA,
                   uint32_t bg = 0, size_t pad = 0) {
  Decoded d;
  mk::gif::Reader reader;
  FrameDecoder dec;
  mk::gif::DecoderOptions o;
  o.format = fmt;
  o.background_rgb = bg;
  dec.setOptions(o);
  ck_assert(reader.push(file.data(), file.size()).isOk());
  reader.finish();
  for (;;) {
    mk::Result<mk::gif::Event> ev = reader.next();
    ck_assert_msg(ev.isOk(), "%s", ev.status().message().c_str());
    if (*ev == mk::gif::Event::kEnd) break;
    if (*ev == mk::gif::Event::kHeader) {
      ck_assert(dec.setCodecData(reader.eventData(), reader.eventSize()).isOk());
      d.width = dec.screen().width;
      d.height = dec.screen().height;
    } else if (*ev == mk::gif::Event::kFrame) {
      const size_t stride = dec.minStride() + pad;
      std::vector<uint8_t> out(stride * d.height, 0xEE);
      mk::gif::FrameReport rep;
      d.status.push_back(
          dec.decodeParsed(reader.frame(), reader.eventData(), out.data(), stride, &rep));
      ck_assert(rep.output_written);
      // Padding bytes at the end of each row are never touched.
      for (unsigned y = 0; y < d.height; y++)
        for (size_t i = dec.minStride(); i < stride; i++)
          ck_assert_uint_eq(out[y * stride + i], 0xEE);
      d.canvases.push_back(out);
    }
  }
  return d;
}

struct Record {
  std::vector<uint8_t> bytes;
  bool key = false;
};

void splitRecords(const std::vector<uint8_t> &file, std::vector<uint8_t> &codec,
                  std::vector<Record> &records) {
  mk::gif::Reader reader;
  ck_assert(reader.push(file.data(), file.size()).isOk());
  reader.finish();
  for (;;) {
    mk::Result<mk::gif::Event> ev = reader.next();
    ck_assert(ev.isOk());
    if (*ev == mk::gif::Event::kEnd) break;
    if (*ev == mk::gif::Event::kHeader)
      codec.assign(reader.eventData(), reader.eventData() + reader.eventSize());
    if (*ev == mk::gif::Event::kFrame)
      records.push_back(
          {{reader.eventData(), reader.eventData() + reader.eventSize()}, reader.frame().key});
  }
}

uint32_t px(const Decoded &d, size_t frame, unsigned x, unsigned y) {
  const uint8_t *p = d.canvases[frame].data() + (size_t{y} * d.width + x) * 4;
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

uint32_t pal(unsigned i) {
  return (uint32_t{kPal[i * 3]} << 24) | (uint32_t{kPal[i * 3 + 1]} << 16) |
         (uint32_t{kPal[i * 3 + 2]} << 8) | 0xFF;
}

// 4x4 screen: frame 0 fills it with colour 1, frame 1 puts colour 2 at (1,1)-(3,3) with the given
// disposal, frame 2 puts colour 3 at (0,0) only.
Decoded disposalCase(unsigned disposal) {
  GifBuilder b;
  b.header(4, 4, kPal);
  b.gce(0, 1).image(rect(0, 0, 4, 4, 1));
  b.gce(disposal, 1).image(rect(1, 1, 2, 2, 2));
  b.gce(0, 1).image(rect(0, 0, 1, 1, 3));
  b.trailer();
  return decodeFile(b.bytes);
}

}  // namespace

START_TEST(test_disposal_keep) {
  for (unsigned d : {0u, 1u, 5u, 6u, 7u}) {
    Decoded r = disposalCase(d);
    ck_assert_uint_eq(r.canvases.size(), 3);
    ck_assert_uint_eq(px(r, 1, 1, 1), pal(2));
    ck_assert_uint_eq(px(r, 1, 0, 0), pal(1));
    ck_assert_msg(px(r, 2, 1, 1) == pal(2), "disposal %u", d);
    ck_assert_uint_eq(px(r, 2, 0, 0), pal(3));
  }
}
END_TEST

START_TEST(test_disposal_background_clears_to_transparent) {
  Decoded r = disposalCase(2);
  ck_assert_uint_eq(px(r, 1, 2, 2), pal(2));  // drawn first ...
  ck_assert_uint_eq(px(r, 2, 1, 1), 0);       // ... then cleared, not painted with the bg colour
  ck_assert_uint_eq(px(r, 2, 2, 2), 0);
  ck_assert_uint_eq(px(r, 2, 3, 3), pal(1));  // outside the rectangle: kept
  ck_assert_uint_eq(px(r, 2, 0, 0), pal(3));
}
END_TEST

START_TEST(test_disposal_previous) {
  for (unsigned d : {3u, 4u}) {
    Decoded r = disposalCase(d);
    ck_assert_uint_eq(px(r, 1, 1, 1), pal(2));
    ck_assert_msg(px(r, 2, 1, 1) == pal(1), "disposal %u", d);  // restored
    ck_assert_uint_eq(px(r, 2, 2, 2), pal(1));
    ck_assert_uint_eq(px(r, 2, 0, 0), pal(3));
  }
  // Restore-previous on the first frame goes back to the empty canvas.
  GifBuilder b;
  b.header(2, 2, kPal).gce(3, 1).image(rect(0, 0, 2, 2, 1)).gce(0, 1).image(rect(0, 0, 1, 1, 2));
  Decoded r = decodeFile(b.trailer().bytes);
  ck_assert_uint_eq(px(r, 0, 1, 1), pal(1));
  ck_assert_uint_eq(px(r, 1, 1, 1), 0);
  ck_assert_uint_eq(px(r, 1, 0, 0), pal(2));
}
END_TEST

START_TEST(test_transparency) {
  GifBuilder b;
  b.header(3, 1, kPal);
  b.gce(0, 1).image(rect(0, 0, 3, 1, 1));
  Image im = rect(0, 0, 3, 1, 2);
  im.pixels[1] = 0;
  b.gce(0, 1, 0).image(im);
  // A transparent index past the palette's end still makes its pixels transparent.
  Image oob = rect(0, 0, 3, 1, 3);
  oob.pixels = {200, 3, 200};
  oob.min_code_size = 8;
  b.gce(0, 1, 200).image(oob);
  Decoded r = decodeFile(b.trailer().bytes);
  ck_assert_uint_eq(px(r, 1, 0, 0), pal(2));
  ck_assert_uint_eq(px(r, 1, 1, 0), pal(1));  // shows the canvas beneath
  ck_assert_uint_eq(px(r, 1, 2, 0), pal(2));
  ck_assert_uint_eq(px(r, 2, 0, 0), pal(2));
  ck_assert_uint_eq(px(r, 2, 1, 0), pal(3));
  // The first frame's transparent pixels stay transparent.
  GifBuilder f;
  f.header(2, 1, kPal).gce(0, 0, 1).image(rect(0, 0, 2, 1, 1));
  Decoded t = decodeFile(f.trailer().bytes);
  ck_assert_uint_eq(px(t, 0, 0, 0), 0);
}
END_TEST

START_TEST(test_interlaced_rows) {
  for (unsigned h : {1u, 2u, 3u, 4u, 5u, 8u, 9u, 17u}) {
    Image im = rect(0, 0, 2, h, 0);
    for (unsigned y = 0; y < h; y++) im.pixels[y * 2] = im.pixels[y * 2 + 1] = y % 4;
    im.interlaced = true;
    GifBuilder b;
    b.header(2, h, kPal).image(im);
    Decoded r = decodeFile(b.trailer().bytes);
    for (unsigned y = 0; y < h; y++) ck_assert_msg(px(r, 0, 1, y) == pal(y % 4), "h %u y %u", h, y);
  }
}
END_TEST

START_TEST(test_clipping_and_empty_frames) {
  GifBuilder b;
  b.header(4, 4, kPal);
  b.gce(0, 1).image(rect(0, 0, 4, 4, 1));
  Image over = rect(3, 2, 5, 6, 2);  // reaches past the right and bottom edges
  for (size_t i = 0; i < over.pixels.size(); i++) over.pixels[i] = i % 2 ? 2 : 3;
  b.gce(0, 1).image(over);
  b.gce(0, 1).image(rect(10, 10, 3, 3, 3));  // entirely outside
  Image zero;
  zero.left = 1, zero.top = 1, zero.width = 0, zero.height = 0;
  b.gce(2, 1).image(zero);  // zero-size, even with disposal 2
  b.gce(0, 1).image(rect(0, 0, 1, 1, 0));
  Decoded r = decodeFile(b.trailer().bytes);
  ck_assert_uint_eq(r.canvases.size(), 5);
  for (auto &s : r.status) ck_assert(s.isOk());
  ck_assert_uint_eq(px(r, 1, 3, 2), pal(3));  // (0,0) of the frame
  ck_assert_uint_eq(px(r, 1, 3, 3), pal(2));  // frame row 1 starts at index 5 (odd)
  ck_assert_uint_eq(px(r, 1, 2, 3), pal(1));  // left of the frame: untouched
  ck_assert(r.canvases[2] == r.canvases[1]);
  ck_assert(r.canvases[3] == r.canvases[2]);
  ck_assert_uint_eq(px(r, 4, 0, 0), pal(0));
  ck_assert_uint_eq(px(r, 4, 1, 1), pal(1));
}
END_TEST

START_TEST(test_palette_edge_cases) {
  // Index 3 with a 2-entry palette: opaque black.
  GifBuilder b;
  Image im = rect(0, 0, 2, 1, 1);
  im.pixels = {1, 3};
  b.header(2, 1, std::vector<uint8_t>(kPal.begin(), kPal.begin() + 6)).image(im);
  Decoded r = decodeFile(b.trailer().bytes);
  ck_assert_uint_eq(px(r, 0, 0, 0), pal(1));
  ck_assert_uint_eq(px(r, 0, 1, 0), 0x000000FF);
  // No palette anywhere: opaque black; a local palette wins over the global one.
  GifBuilder n;
  n.header(2, 1, {});
  Image a = rect(0, 0, 2, 1, 1);
  a.min_code_size = 2;
  n.image(a);
  Image l = rect(1, 0, 1, 1, 0);
  l.local_palette = {1, 2, 3, 4, 5, 6};
  n.image(l);
  Decoded rn = decodeFile(n.trailer().bytes);
  ck_assert_uint_eq(px(rn, 0, 0, 0), 0x000000FF);
  ck_assert_uint_eq(px(rn, 1, 1, 0), 0x010203FF);
}
END_TEST

START_TEST(test_every_output_format) {
  GifBuilder b;
  b.header(3, 2, kPal);
  Image im = rect(0, 0, 3, 2, 1);
  im.pixels[4] = 0;
  b.gce(0, 1, 0).image(im);
  b.trailer();
  struct Case {
    PixelFormat f;
    unsigned bpp;
    uint8_t opaque[4];  // palette entry 1 = (40, 50, 60)
    uint8_t clear[4];   // transparent, with background 0x112233
  };
  const Case cases[] = {
      {PixelFormat::kRGBA, 4, {40, 50, 60, 255}, {0, 0, 0, 0}},
      {PixelFormat::kBGRA, 4, {60, 50, 40, 255}, {0, 0, 0, 0}},
      {PixelFormat::kARGB, 4, {255, 40, 50, 60}, {0, 0, 0, 0}},
      {PixelFormat::kABGR, 4, {255, 60, 50, 40}, {0, 0, 0, 0}},
      {PixelFormat::kRGBx, 4, {40, 50, 60, 255}, {0x11, 0x22, 0x33, 255}},
      {PixelFormat::kBGRx, 4, {60, 50, 40, 255}, {0x33, 0x22, 0x11, 255}},
      {PixelFormat::kRGB, 3, {40, 50, 60, 0}, {0x11, 0x22, 0x33, 0}},
      {PixelFormat::kBGR, 3, {60, 50, 40, 0}, {0x33, 0x22, 0x11, 0}},
  };
  for (const Case &c : cases) {
    Decoded r = decodeFile(b.bytes, c.f, 0x112233, 7);
    const size_t stride = 3 * c.bpp + 7;
    const uint8_t *row1 = r.canvases[0].data() + stride;
    ck_assert_int_eq(std::memcmp(r.canvases[0].data(), c.opaque, c.bpp), 0);
    ck_assert_int_eq(std::memcmp(row1 + 1 * c.bpp, c.clear, c.bpp), 0);  // (1,1) transparent
    ck_assert_int_eq(std::memcmp(row1 + 2 * c.bpp, c.opaque, c.bpp), 0);
  }
}
END_TEST

START_TEST(test_broken_frames_keep_state_sane) {
  GifBuilder b;
  b.header(4, 1, kPal).gce(0, 1).image(rect(0, 0, 4, 1, 1));
  const size_t cut_from = b.bytes.size();
  b.gce(0, 1).image(rect(0, 0, 4, 1, 2));
  const size_t cut_to = b.bytes.size();
  b.gce(0, 1).image(rect(2, 0, 1, 1, 3)).trailer();
  // Frame 1's LZW data: clear, literal 2, then an undefined code.
  std::vector<uint8_t> bad(b.bytes.begin(), b.bytes.begin() + cut_from);
  const uint8_t frame1[] = {0x21, 0xF9, 4,    0,    1, 0, 0, 0,        // GCE
                            0x2C, 0,    0,    0,    0, 4, 0, 1, 0, 0,  // 4x1 at (0,0)
                            2,    2,    0xD4, 0x01, 0};                // clear, 2, code 7 > next 6
  bad.insert(bad.end(), frame1, frame1 + sizeof(frame1));
  bad.insert(bad.end(), b.bytes.begin() + cut_to, b.bytes.end());
  Decoded r = decodeFile(bad);
  ck_assert_uint_eq(r.canvases.size(), 3);
  ck_assert(r.status[0].isOk());
  ck_assert(r.status[1].code() == mk::Errc::kCorruptData);
  ck_assert_ptr_nonnull(std::strstr(r.status[1].message().c_str(), "frame 1"));
  ck_assert_uint_eq(px(r, 1, 0, 0), pal(2));  // drawn as far as the data went
  ck_assert_uint_eq(px(r, 1, 1, 0), pal(1));  // the rest keeps the canvas
  ck_assert(r.status[2].isOk());
  ck_assert_uint_eq(px(r, 2, 2, 0), pal(3));
  ck_assert_uint_eq(px(r, 2, 0, 0), pal(2));
  // Min code size 11 is refused with a clear error; the frame draws nothing.
  std::vector<uint8_t> big = bad;
  big[cut_from + 18] = 11;
  Decoded rb = decodeFile(big);
  ck_assert(rb.status[1].code() == mk::Errc::kCorruptData);
  ck_assert_ptr_nonnull(std::strstr(rb.status[1].message().c_str(), "outside 2..8"));
  ck_assert(rb.canvases[1] == rb.canvases[0]);
}
END_TEST

START_TEST(test_record_buffers_reset_and_no_steady_allocation) {
  // gifdec's path: codec_data once, then each record as its own buffer.
  GifBuilder b;
  b.header(16, 8, kPal);
  for (int i = 0; i < 40; i++) {
    Image im = rect(i % 8, i % 4, 8, 4, 0);
    for (size_t p = 0; p < im.pixels.size(); p++) im.pixels[p] = (p + i) % 4;
    im.interlaced = i % 3 == 0;
    b.gce(i % 4, 3, i % 5 == 0 ? 1 : -1).image(im);
  }
  b.trailer();
  Decoded whole = decodeFile(b.bytes);
  std::vector<uint8_t> codec;
  std::vector<Record> recs;
  splitRecords(b.bytes, codec, recs);
  std::vector<std::vector<uint8_t>> records;
  std::vector<bool> keys;
  for (Record &r : recs) {
    records.push_back(r.bytes);
    keys.push_back(r.key);
  }
  ck_assert_uint_eq(records.size(), 40);
  FrameDecoder dec;
  ck_assert(dec.setCodecData(codec.data(), codec.size()).isOk());
  std::vector<uint8_t> out(dec.minStride() * 8);
  long allocs_before = 0;
  for (size_t i = 0; i < records.size(); i++) {
    if (i == 8) allocs_before = g_allocs.load();
    ck_assert(
        dec.decodeFrame(records[i].data(), records[i].size(), out.data(), dec.minStride()).isOk());
    ck_assert_msg(out == whole.canvases[i], "frame %zu", i);
  }
  ck_assert_int_eq(g_allocs.load() - allocs_before, 0);
  // Restart at any key frame after reset(): the same canvases follow.
  for (size_t k = 1; k < records.size(); k++) {
    if (!keys[k]) continue;
    dec.reset();
    for (size_t i = k; i < records.size() && i < k + 6; i++) {
      ck_assert(dec.decodeFrame(records[i].data(), records[i].size(), out.data(), dec.minStride())
                    .isOk());
      ck_assert_msg(out == whole.canvases[i], "restart at %zu, frame %zu", k, i);
    }
  }
  // A buffer with no image, and a decoder without codec data.
  const uint8_t only_comment[] = {0x21, 0xFE, 1, 'x', 0};
  ck_assert(
      dec.decodeFrame(only_comment, sizeof(only_comment), out.data(), dec.minStride()).code() ==
      mk::Errc::kCorruptData);
  FrameDecoder fresh;
  ck_assert(fresh.decodeFrame(records[0].data(), records[0].size(), out.data(), 64).code() ==
            mk::Errc::kInvalidArgument);
  ck_assert(dec.decodeFrame(records[0].data(), records[0].size(), out.data(), 3).code() ==
            mk::Errc::kInvalidArgument);
}
END_TEST

START_TEST(test_truncated_frame_best_effort) {
  GifBuilder b;
  Image im = rect(0, 0, 32, 32, 0);
  for (size_t p = 0; p < im.pixels.size(); p++) im.pixels[p] = (p * 7 + p / 5) % 4;
  b.header(32, 32, kPal).image(im).trailer();
  std::vector<uint8_t> cut(b.bytes.begin(), b.bytes.begin() + b.bytes.size() / 2 + 20);
  mk::gif::Reader reader;
  ck_assert(reader.push(cut.data(), cut.size()).isOk());
  reader.finish();
  FrameDecoder dec;
  std::vector<uint8_t> out(32 * 32 * 4);
  mk::Result<mk::gif::Event> ev = reader.next();
  ck_assert(ev.isOk() && *ev == mk::gif::Event::kHeader);
  ck_assert(dec.setCodecData(reader.eventData(), reader.eventSize()).isOk());
  ev = reader.next();
  ck_assert(ev.isOk() && *ev == mk::gif::Event::kFrame);
  ck_assert(reader.frame().truncated);
  mk::gif::FrameReport rep;
  mk::Status st = dec.decodeParsed(reader.frame(), reader.eventData(), out.data(), 128, &rep);
  ck_assert(st.code() == mk::Errc::kTruncated);
  ck_assert(rep.output_written);
  ck_assert_uint_gt(rep.pixels_decoded, 100);
  ck_assert_uint_lt(rep.pixels_decoded, 1024);
  ck_assert_uint_eq(out[0 * 4 + 3], 255);   // decoded part drawn
  ck_assert_uint_eq(out[1023 * 4 + 3], 0);  // the rest left transparent
  ev = reader.next();
  ck_assert(!ev.isOk() && ev.status().code() == mk::Errc::kTruncated);
}
END_TEST

namespace {

// An independent reference: composites the frames a test built (their pixels known) into RGBA
// canvases with the policies of compositor.h, by the simplest means (whole-canvas copies).
struct RefFrame {
  Image im;
  unsigned disposal = 0;
  int transparent = -1;
};

std::vector<std::vector<uint8_t>> referenceCanvases(unsigned w, unsigned h,
                                                    const std::vector<uint8_t> &gct,
                                                    const std::vector<RefFrame> &frames) {
  std::vector<std::vector<uint8_t>> out;
  std::vector<uint8_t> canvas(size_t{w} * h * 4, 0);
  for (const RefFrame &f : frames) {
    const std::vector<uint8_t> before = canvas;
    const std::vector<uint8_t> &pal = f.im.local_palette.empty() ? gct : f.im.local_palette;
    for (unsigned y = 0; y < f.im.height; y++)
      for (unsigned x = 0; x < f.im.width; x++) {
        const unsigned cx = f.im.left + x, cy = f.im.top + y;
        if (cx >= w || cy >= h) continue;
        const unsigned v = f.im.pixels[size_t{y} * f.im.width + x];
        if (static_cast<int>(v) == f.transparent) continue;
        uint8_t *p = canvas.data() + (size_t{cy} * w + cx) * 4;
        const bool in_pal = v * 3 < pal.size();
        p[0] = in_pal ? pal[v * 3] : 0;
        p[1] = in_pal ? pal[v * 3 + 1] : 0;
        p[2] = in_pal ? pal[v * 3 + 2] : 0;
        p[3] = 255;
      }
    out.push_back(canvas);
    if (f.disposal == 2) {
      for (unsigned y = f.im.top; y < f.im.top + f.im.height && y < h; y++)
        for (unsigned x = f.im.left; x < f.im.left + f.im.width && x < w; x++)
          std::memset(canvas.data() + (size_t{y} * w + x) * 4, 0, 4);
    } else if (f.disposal == 3 || f.disposal == 4) {
      canvas = before;
    }
  }
  return out;
}

// A random animation over a w x h screen: partial frames (some reaching past the screen),
// full-screen opaque ones, every disposal, transparency, interlacing, indexes past the palette.
struct Animation {
  unsigned w = 0, h = 0;
  std::vector<uint8_t> gct;
  std::vector<RefFrame> frames;
  std::vector<uint8_t> bytes;
};

Animation randomAnimation(unsigned w, unsigned h, unsigned count, unsigned seed) {
  std::mt19937 rng(seed);
  Animation a;
  a.w = w, a.h = h;
  a.gct = gif_test::grayPalette(8);
  GifBuilder b;
  b.header(w, h, a.gct);
  for (unsigned i = 0; i < count; i++) {
    RefFrame f;
    const bool full = i == 0 || rng() % 6 == 0;
    f.im.left = full ? 0 : rng() % w;
    f.im.top = full ? 0 : rng() % h;
    f.im.width = full ? w : 1 + rng() % (w - f.im.left + 3);
    f.im.height = full ? h : 1 + rng() % (h - f.im.top + 3);
    f.im.interlaced = rng() % 4 == 0;
    f.im.min_code_size = 4;  // indexes 8..15 are past the 8-entry palette: opaque black
    f.disposal = full ? rng() % 2 : rng() % 5;
    f.transparent = full || rng() % 3 == 0 ? -1 : static_cast<int>(rng() % 16);
    f.im.pixels.resize(size_t{f.im.width} * f.im.height);
    const unsigned base = rng() % 16;
    for (size_t p = 0; p < f.im.pixels.size(); p++)
      f.im.pixels[p] = static_cast<uint8_t>(rng() % 4 ? base : rng() % 16);
    b.gce(f.disposal, 2, f.transparent).image(f.im);
    a.frames.push_back(f);
  }
  a.bytes = b.trailer().bytes;
  return a;
}

// `rgba` in `format`, as gifdec writes it (transparent: the background colour without alpha).
std::vector<uint8_t> inFormat(const std::vector<uint8_t> &rgba, PixelFormat format, uint32_t bg) {
  const mk::gif::PixelLayout l = mk::gif::layoutOf(format);
  std::vector<uint8_t> out;
  for (size_t i = 0; i < rgba.size(); i += 4) {
    uint8_t px[4] = {};
    const bool clear = rgba[i + 3] == 0;
    const uint8_t r = clear && l.a < 0 ? static_cast<uint8_t>(bg >> 16) : rgba[i];
    const uint8_t g = clear && l.a < 0 ? static_cast<uint8_t>(bg >> 8) : rgba[i + 1];
    const uint8_t bl = clear && l.a < 0 ? static_cast<uint8_t>(bg) : rgba[i + 2];
    px[l.r] = r, px[l.g] = g, px[l.b] = bl;
    if (l.a >= 0) px[l.a] = rgba[i + 3];
    if (l.pad >= 0) px[l.pad] = 0xFF;
    out.insert(out.end(), px, px + l.bytes);
  }
  return out;
}

// Caller memory as a pool hands it out: buffers that keep what was last written into them.
struct Buffer {
  std::vector<uint8_t> mem;
  uint64_t holds = 0;
};

enum class Schedule { kSame, kRing2, kRing3, kRing20, kFresh, kRandom };

}  // namespace

START_TEST(test_decode_into_reused_memory) {
  const Schedule schedules[] = {Schedule::kSame,   Schedule::kRing2, Schedule::kRing3,
                                Schedule::kRing20, Schedule::kFresh, Schedule::kRandom};
  const PixelFormat formats[] = {PixelFormat::kRGBA, PixelFormat::kBGR, PixelFormat::kRGBx};
  const uint32_t bg = 0x405060;
  for (unsigned seed = 1; seed <= 3; seed++) {
    Animation a = randomAnimation(37 + seed, 23, 60, seed);
    const auto expect = referenceCanvases(a.w, a.h, a.gct, a.frames);
    std::vector<uint8_t> codec;
    std::vector<Record> records;
    splitRecords(a.bytes, codec, records);
    ck_assert_uint_eq(records.size(), a.frames.size());
    for (PixelFormat format : formats)
      for (Schedule sched : schedules)
        for (bool resets : {false, true}) {
          FrameDecoder dec;
          mk::gif::DecoderOptions o;
          o.format = format;
          o.background_rgb = bg;
          dec.setOptions(o);
          ck_assert(dec.setCodecData(codec.data(), codec.size()).isOk());
          const size_t stride = dec.minStride() + 5;  // padding that must stay untouched
          std::vector<Buffer> pool(sched == Schedule::kRing20 ? 20 : 4);
          for (Buffer &buf : pool) buf.mem.assign(stride * a.h, 0xA5);
          std::mt19937 rng(seed * 31 + static_cast<unsigned>(sched));
          int last = -1;  // the buffer that holds the canvas (-1: the decoder's own)
          for (size_t i = 0; i < records.size(); i++) {
            const bool reset = resets && records[i].key && i % 2;
            if (reset) dec.reset();
            int pick = 0;
            switch (sched) {
              case Schedule::kSame:
                pick = 0;
                break;
              case Schedule::kRing2:
                pick = static_cast<int>(i % 2);
                break;
              case Schedule::kRing3:
                pick = static_cast<int>(i % 3);
                break;
              case Schedule::kRing20:
                pick = static_cast<int>(i % 20);
                break;
              case Schedule::kFresh:  // never what it held: the other one holds the canvas
                pick = static_cast<int>(i % 2);
                pool[pick].mem.assign(stride * a.h, static_cast<uint8_t>(i));
                pool[pick].holds = 0;
                break;
              case Schedule::kRandom:
                pick = static_cast<int>(rng() % 5) - 1;  // -1: the decoder's own canvas
                if (pick >= 0 && pick != last && rng() % 8 == 0) {
                  // Written by someone else meanwhile: the caller no longer knows what it holds.
                  std::fill(pool[pick].mem.begin(), pool[pick].mem.end(), 0x5A);
                  pool[pick].holds = 0;
                }
                break;
            }
            mk::gif::CanvasTarget target;
            const std::vector<uint8_t> before = pick >= 0 ? pool[pick].mem : std::vector<uint8_t>();
            if (pick >= 0) {
              target.data = pool[pick].mem.data();
              target.stride = stride;
              target.holds = pool[pick].holds;
            }
            mk::gif::CanvasView source;
            if (last >= 0) source = {pool[last].mem.data(), stride};
            mk::gif::FrameReport rep;
            ck_assert(dec.decodeInto(records[i].bytes.data(), records[i].bytes.size(), target,
                                     last >= 0 ? &source : nullptr, &rep)
                          .isOk());
            ck_assert_uint_eq(rep.canvas_id, dec.canvasId());
            std::vector<uint8_t> got(dec.minStride() * a.h);
            if (pick >= 0) {
              pool[pick].holds = rep.canvas_id;
              last = pick;
              for (unsigned y = 0; y < a.h; y++) {
                std::memcpy(got.data() + y * dec.minStride(), target.data + y * stride,
                            dec.minStride());
                for (size_t k = y * stride + dec.minStride(); k < (y + 1) * stride; k++)
                  ck_assert_uint_eq(target.data[k], before[k]);
              }
            } else {
              last = -1;
              dec.copyCanvasTo(got.data(), dec.minStride());
            }
            ck_assert_msg(got == inFormat(expect[i], format, bg),
                          "seed %u format %d schedule %d resets %d frame %zu", seed,
                          static_cast<int>(format), static_cast<int>(sched), resets, i);
            // How the memory was brought up to date follows from what it held.
            using mk::gif::CanvasUpdate;
            if (i > 0 && sched == Schedule::kSame && !reset)
              ck_assert(rep.update == CanvasUpdate::kInPlace);
            if (sched == Schedule::kFresh)
              ck_assert(rep.update == CanvasUpdate::kCopied ||
                        rep.update == CanvasUpdate::kOverwritten);
            if ((i >= 2 && sched == Schedule::kRing2) || (i >= 3 && sched == Schedule::kRing3))
              ck_assert(rep.update == CanvasUpdate::kUpdated);
            if (i >= 20 && sched == Schedule::kRing20)  // 20 frames back: past the history
              ck_assert(rep.update != CanvasUpdate::kUpdated &&
                        rep.update != CanvasUpdate::kInPlace);
          }
        }
  }
}
END_TEST

START_TEST(test_decode_into_copies_only_changes) {
  // 8x8 RGBA, by hand: which bytes reach memory that holds an older canvas, or nothing known.
  GifBuilder b;
  b.header(8, 8, kPal);
  b.gce(0, 1).image(rect(0, 0, 8, 8, 1));  // 0: full screen, opaque
  Image t = rect(1, 1, 2, 2, 2);
  t.pixels[0] = 0;                            // uses its transparent index
  b.gce(0, 1, 0).image(t);                    // 1: 2x2 at (1,1)
  b.gce(2, 1).image(rect(4, 4, 3, 3, 3));     // 2: 3x3 at (4,4), opaque, then cleared
  b.gce(0, 1, 3).image(rect(0, 6, 8, 2, 2));  // 3: 8x2 at (0,6), transparent index unused
  b.trailer();
  std::vector<uint8_t> codec;
  std::vector<Record> records;
  splitRecords(b.bytes, codec, records);
  FrameDecoder dec;
  ck_assert(dec.setCodecData(codec.data(), codec.size()).isOk());
  std::vector<uint8_t> m0(8 * 8 * 4), m1(8 * 8 * 4);
  using mk::gif::CanvasUpdate;
  mk::gif::FrameReport rep;
  // Frame f into `into` (holding canvas `holds`), the canvas being in `from` (null: nowhere).
  const auto decode = [&](FrameDecoder &d, size_t f, std::vector<uint8_t> &into, uint64_t holds,
                          std::vector<uint8_t> *from) {
    const mk::gif::CanvasView src{from ? from->data() : nullptr, 32};
    return d.decodeInto(records[f].bytes.data(), records[f].bytes.size(), {into.data(), 32, holds},
                        from ? &src : nullptr, &rep);
  };
  // 0 into unknown memory: it covers everything, nothing to copy.
  ck_assert(decode(dec, 0, m0, 0, nullptr).isOk());
  ck_assert(rep.update == CanvasUpdate::kOverwritten);
  ck_assert_uint_eq(rep.bytes_copied, 0);
  const uint64_t id0 = rep.canvas_id;
  // 1 into unknown memory: the whole canvas is copied (it has transparent pixels).
  ck_assert(decode(dec, 1, m1, 0, &m0).isOk());
  ck_assert(rep.update == CanvasUpdate::kCopied);
  ck_assert_uint_eq(rep.bytes_copied, 64 * 4);
  const uint64_t id1 = rep.canvas_id;
  // 2 into m0, which holds canvas 0: only frame 1's 2x2 rectangle is copied.
  ck_assert(decode(dec, 2, m0, id0, &m1).isOk());
  ck_assert(rep.update == CanvasUpdate::kUpdated);
  ck_assert_uint_eq(rep.bytes_copied, 4 * 4);
  const uint64_t id2 = rep.canvas_id;
  // 3 into m1 (canvas 1): frame 2's 3x3 and the clearing of it (the same rectangle), except
  // the row frame 3 covers with opaque pixels: 3x3 - 3x1 = 6 pixels.
  ck_assert(decode(dec, 3, m1, id1, &m0).isOk());
  ck_assert(rep.update == CanvasUpdate::kUpdated);
  ck_assert_uint_eq(rep.bytes_copied, 6 * 4);
  ck_assert_uint_ne(rep.canvas_id, id2);
  // The same record again into m1, which holds the latest canvas: in place.
  const uint64_t id3 = rep.canvas_id;
  ck_assert(decode(dec, 3, m1, id3, nullptr).isOk());
  ck_assert(rep.update == CanvasUpdate::kInPlace);
  ck_assert_uint_eq(rep.bytes_copied, 0);
  // Caller memory holds the canvas: a target that does not, without a source, is refused.
  ck_assert(decode(dec, 3, m0, id2, nullptr).code() == mk::Errc::kInvalidArgument);
  // Ids of another decoder mean nothing here.
  FrameDecoder other;
  ck_assert(other.setCodecData(codec.data(), codec.size()).isOk());
  ck_assert(decode(other, 1, m1, id3, nullptr).isOk());
  ck_assert(rep.update == CanvasUpdate::kCopied);
}
END_TEST

START_TEST(test_oversized_interlaced_costs_what_is_visible) {
  // Issue 12: an interlaced frame larger than max-canvas-pixels over a 1x2 screen. Its second
  // row comes in the last interlace pass, after nearly the whole frame; only 2 pixels show.
  // Decoding must not write (or walk) the rest: the LZW work beyond the visible pixels is a
  // cost per code.
  const unsigned fw = 1500, fh = 1000;
  GifBuilder b;
  b.header(1, 2, kPal);
  Image big = rect(0, 0, fw, fh, 0);
  for (size_t p = 0; p < big.pixels.size(); p++)
    big.pixels[p] = static_cast<uint8_t>((p / 7 + p / fw) % 4);
  big.interlaced = true;
  b.image(big).trailer();
  mk::gif::Reader reader;
  ck_assert(reader.push(b.bytes.data(), b.bytes.size()).isOk());
  reader.finish();
  FrameDecoder dec;
  mk::gif::DecoderOptions o;
  o.max_canvas_pixels = 1 << 20;  // the frame (1.5 Mpx) is larger: the row-by-row path
  dec.setOptions(o);
  mk::Result<mk::gif::Event> ev = reader.next();
  ck_assert(ev.isOk() && *ev == mk::gif::Event::kHeader);
  ck_assert(dec.setCodecData(reader.eventData(), reader.eventSize()).isOk());
  ev = reader.next();
  ck_assert(ev.isOk() && *ev == mk::gif::Event::kFrame);
  std::vector<uint8_t> out(2 * 4);
  mk::gif::FrameReport rep;
  ck_assert(dec.decodeParsed(reader.frame(), reader.eventData(), out.data(), 4, &rep).isOk());
  ck_assert_uint_eq(px(Decoded{{out}, {}, 1, 2}, 0, 0, 0), pal(big.pixels[0]));
  ck_assert_uint_eq(px(Decoded{{out}, {}, 1, 2}, 0, 0, 1), pal(big.pixels[fw]));
  // Row 1 is the first row of pass 4, after the 125 + 125 + 250 rows of the others.
  ck_assert_uint_ge(rep.pixels_decoded, uint64_t{500} * fw + 1);
  ck_assert_uint_le(rep.pixels_written, 2 + 4096);  // the visible pixels (+ one string)
}
END_TEST

int main() {
  Suite *s = suite_create("gif-compositor");
  TCase *tc = tcase_create("compositor");
  tcase_add_test(tc, test_disposal_keep);
  tcase_add_test(tc, test_disposal_background_clears_to_transparent);
  tcase_add_test(tc, test_disposal_previous);
  tcase_add_test(tc, test_transparency);
  tcase_add_test(tc, test_interlaced_rows);
  tcase_add_test(tc, test_clipping_and_empty_frames);
  tcase_add_test(tc, test_palette_edge_cases);
  tcase_add_test(tc, test_every_output_format);
  tcase_add_test(tc, test_broken_frames_keep_state_sane);
  tcase_add_test(tc, test_record_buffers_reset_and_no_steady_allocation);
  tcase_add_test(tc, test_truncated_frame_best_effort);
  tcase_add_test(tc, test_decode_into_reused_memory);
  tcase_add_test(tc, test_decode_into_copies_only_changes);
  tcase_add_test(tc, test_oversized_interlaced_costs_what_is_visible);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
