// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::FrameDecoder + Compositor: each disposal (0..7), transparency, interlaced rows,
// clipping, empty and off-screen frames, palette edge cases, every output format with padded
// strides, broken frames, reset, the record-buffer path gifdec uses, and no heap allocation per
// frame in steady state.
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
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
  mk::gif::Reader reader;
  ck_assert(reader.push(b.bytes.data(), b.bytes.size()).isOk());
  std::vector<std::vector<uint8_t>> records;
  std::vector<uint8_t> codec;
  std::vector<bool> keys;
  for (;;) {
    mk::Result<mk::gif::Event> ev = reader.next();
    ck_assert(ev.isOk());
    if (*ev == mk::gif::Event::kEnd) break;
    if (*ev == mk::gif::Event::kHeader)
      codec.assign(reader.eventData(), reader.eventData() + reader.eventSize());
    if (*ev == mk::gif::Event::kFrame) {
      records.emplace_back(reader.eventData(), reader.eventData() + reader.eventSize());
      keys.push_back(reader.frame().key);
    }
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
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
