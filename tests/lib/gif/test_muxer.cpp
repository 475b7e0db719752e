// SPDX-License-Identifier: LGPL-2.1-or-later
// gifmux's GIF knowledge: loop count resolution, codec_data checks and patches, and the layout
// of frame records reduced to graphic control extension + image (extensions dropped, truncated
// data closed, damage refused), assembled here as gifmux assembles its output buffers.
#include <check.h>

#include "../check_main.h"

#include <cstdint>
#include <vector>

#include "gif/muxer.h"
#include "gif/writer.h"

using namespace mk;
using namespace mk::gif;

using Bytes = std::vector<uint8_t>;

static void append(Bytes &b, std::initializer_list<uint8_t> v) {
  b.insert(b.end(), v.begin(), v.end());
}

static Bytes control(uint16_t delay, uint8_t packed = 0x04, uint8_t transparent = 0) {
  return {0x21, 0xF9, 4, packed, uint8_t(delay & 0xff), uint8_t(delay >> 8), transparent, 0};
}

// Image descriptor 2x1 at 0,0 with a 2-entry local table and a one-sub-block LZW stream.
static Bytes image() {
  return {0x2C, 0, 0, 0, 0, 2, 0, 1, 0, 0x80, 0, 0, 0, 255, 255, 255, 2, 2, 0x44, 0x0a, 0};
}

// The record as gifmux writes it: the graphic control extension, the record's image bytes, and
// a terminator when the record's own is missing. False (and `out` untouched) when refused.
static bool rewrite(const Bytes &rec, Bytes &out, FrameRecord *info = nullptr) {
  Result<FrameRecord> r = parseFrameRecord(rec.data(), rec.size());
  if (!r.isOk()) return false;
  if (info) *info = *r;
  if (r->control.present) writeGraphicControl(out, r->control);
  ck_assert_uint_le(r->image_end, rec.size());
  out.insert(out.end(), rec.begin() + static_cast<long>(r->image_offset),
             rec.begin() + static_cast<long>(r->image_end + (r->terminated ? 1 : 0)));
  if (r->terminated)
    ck_assert_int_eq(out.back(), 0);
  else
    out.push_back(0);
  return true;
}

static Bytes comment(const char *text) {
  Bytes b;
  writeComment(b, text);
  return b;
}

START_TEST(test_table_valid) {
  Status s = muxOptions().validate();
  ck_assert_msg(s.isOk(), "%s", s.message().c_str());
  MuxSettings m;
  m.loop_count = 5;
  muxOptions().setDefaults(&m);
  ck_assert_int_eq(m.loop_count, kLoopFromCaps);
  ck_assert_int_eq(m.final_delay, -1);
  ck_assert_int_eq(m.background_index, -1);
}
END_TEST

START_TEST(test_loop_count) {
  ck_assert_int_eq(resolveLoopCount(kLoopFromCaps, 3, true), 3);
  ck_assert_int_eq(resolveLoopCount(kLoopFromCaps, -1, true), kLoopNone);
  ck_assert_int_eq(resolveLoopCount(kLoopFromCaps, 0, false), 0);
  ck_assert_int_eq(resolveLoopCount(kLoopNone, 3, true), kLoopNone);
  ck_assert_int_eq(resolveLoopCount(0, -1, true), 0);
  ck_assert_int_eq(resolveLoopCount(7, 3, true), 7);
  ck_assert_int_eq(resolveLoopCount(kLoopFromCaps, 70000, true), 65535);
}
END_TEST

START_TEST(test_codec_data) {
  ColorTable t;
  t.size = 3;
  t.entries[1] = {255, 0, 0};
  Bytes cd;
  ck_assert(writeCodecData(cd, 40, 30, &t, 0).isOk());
  Result<ScreenInfo> h = parseCodecData(cd.data(), cd.size());
  ck_assert(h.isOk());
  ck_assert_int_eq(h->width, 40);
  ck_assert_int_eq(h->height, 30);
  ck_assert_int_eq(h->codec_data.size, 13 + 12);

  ck_assert(setBackgroundIndex(cd, 2).isOk());
  ck_assert_int_eq(cd[11], 2);
  ck_assert_int_eq(parseCodecData(cd.data(), cd.size())->background_index, 2);
  ck_assert(!setBackgroundIndex(cd, 256).isOk());

  Bytes longer = cd;
  longer.push_back(0x21);  // a byte past the global table: not codec_data alone
  ck_assert(!parseCodecData(longer.data(), longer.size()).isOk());
  ck_assert(!parseCodecData(cd.data(), cd.size() - 1).isOk());
  ck_assert(!parseCodecData(cd.data(), 10).isOk());
  Bytes bad = cd;
  bad[0] = 'J';
  ck_assert(!parseCodecData(bad.data(), bad.size()).isOk());

  Bytes none;
  ck_assert(writeCodecData(none, 1, 1, nullptr).isOk());
  ck_assert(parseCodecData(none.data(), none.size()).isOk());
}
END_TEST

START_TEST(test_strip_extensions) {
  // ImageMagick's order: GCE, comment, NETSCAPE loop, another application extension, image.
  Bytes rec = control(7);
  Bytes c = comment("made by hand");
  rec.insert(rec.end(), c.begin(), c.end());
  writeLoopExtension(rec, 1);
  append(rec, {0x21, 0xFF, 11, 'I', 'm', 'a', 'g', 'e', 'M', 'a', 'g', 'i', 'c', 'k', 3, 'a', 'b',
               'c', 0});
  Bytes img = image();
  rec.insert(rec.end(), img.begin(), img.end());

  Bytes out = {0xAA};  // appended after what is there
  FrameRecord info;
  ck_assert(rewrite(rec, out, &info));
  ck_assert(info.control.present);
  ck_assert_int_eq(info.control.delay_cs, 7);
  ck_assert_int_eq(info.dropped_blocks, 3);
  ck_assert(info.terminated);
  Bytes want = {0xAA};
  Bytes gce = control(7);
  want.insert(want.end(), gce.begin(), gce.end());
  want.insert(want.end(), img.begin(), img.end());
  ck_assert(out == want);
}
END_TEST

START_TEST(test_last_control_wins) {
  Bytes rec = control(3);
  Bytes second = control(9, 0x09, 1);
  rec.insert(rec.end(), second.begin(), second.end());
  Bytes img = image();
  rec.insert(rec.end(), img.begin(), img.end());
  Bytes out;
  FrameRecord info;
  ck_assert(rewrite(rec, out, &info));
  ck_assert_int_eq(info.control.delay_cs, 9);
  ck_assert_int_eq(info.dropped_blocks, 0);
  Bytes want = second;
  want.insert(want.end(), img.begin(), img.end());
  ck_assert(out == want);
}
END_TEST

START_TEST(test_no_control) {
  Bytes img = image();
  Bytes out;
  FrameRecord info;
  ck_assert(rewrite(img, out, &info));
  ck_assert(!info.control.present);
  ck_assert_int_eq(info.image_offset, 0);
  ck_assert_int_eq(info.image_end, img.size() - 1);
  ck_assert(out == img);
  // gifmux's final-delay on such a record: a graphic control extension with the defaults.
  GraphicControl gce;
  gce.delay_cs = 300;
  Bytes with;
  writeGraphicControl(with, gce);
  Bytes want = control(300, 0);
  ck_assert(with == want);
}
END_TEST

START_TEST(test_truncated_data_closed) {
  Bytes rec = control(5);
  // Descriptor, LZW min code size, one whole sub-block, then a sub-block cut short.
  append(rec, {0x2C, 0, 0, 0, 0, 2, 0, 1, 0, 0, 2, 2, 0x44, 0x0a, 5, 1, 2});
  Bytes out;
  FrameRecord info;
  ck_assert(rewrite(rec, out, &info));
  ck_assert(!info.terminated);
  Bytes want = control(5);
  append(want, {0x2C, 0, 0, 0, 0, 2, 0, 1, 0, 0, 2, 2, 0x44, 0x0a, 0});
  ck_assert(out == want);
}
END_TEST

START_TEST(test_damage_refused) {
  Bytes out = {1, 2, 3};
  const Bytes before = out;
  Bytes junk = {0x99, 0, 0};
  ck_assert(!rewrite(junk, out));
  Bytes only_ext = control(1);
  ck_assert(!rewrite(only_ext, out));
  Bytes cut_ext = {0x21, 0xFE, 10, 'a'};
  ck_assert(!rewrite(cut_ext, out));
  Bytes cut_desc = {0x2C, 0, 0, 0};
  ck_assert(!rewrite(cut_desc, out));
  // The local table announced but missing.
  Bytes cut_table = {0x2C, 0, 0, 0, 0, 2, 0, 1, 0, 0x87, 1, 2, 3};
  ck_assert(!rewrite(cut_table, out));
  // An image without pixels and without data (no minimum code size): nothing to write.
  Bytes no_data = {0x2C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x21, 0xFE, 0};
  ck_assert(!rewrite(no_data, out));
  ck_assert(!parseFrameRecord(nullptr, 0).isOk());
  ck_assert(out == before);
}
END_TEST

// What the rewrite on Reader made explicit: the image is found where it is (offsets into the
// record, so gifmux can send those bytes without copying them), bytes after the first image are
// not written, and the graphic control extension is written from its fields.
START_TEST(test_layout) {
  Bytes rec = comment("before");
  const size_t gce_at = rec.size();
  Bytes gce = control(12, 0x09, 3);
  rec.insert(rec.end(), gce.begin(), gce.end());
  const size_t img_at = rec.size();
  Bytes img = image();
  rec.insert(rec.end(), img.begin(), img.end());
  const size_t second_at = rec.size();
  rec.insert(rec.end(), img.begin(), img.end());  // a second image: not this frame's
  Result<FrameRecord> r = parseFrameRecord(rec.data(), rec.size());
  ck_assert(r.isOk());
  ck_assert(gce_at > 0);
  ck_assert_int_eq(r->image_offset, img_at);
  ck_assert_int_eq(r->image_end, second_at - 1);
  ck_assert(r->terminated);
  ck_assert_int_eq(r->dropped_blocks, 1);
  ck_assert(r->control.present);
  ck_assert(r->control.has_transparency);
  ck_assert_int_eq(r->control.transparent_index, 3);
  ck_assert_int_eq(static_cast<int>(r->control.disposal), 2);

  Bytes out;
  ck_assert(rewrite(rec, out));
  Bytes want = gce;
  want.insert(want.end(), img.begin(), img.end());
  ck_assert(out == want);

  // Reserved flag bits are not copied (browsers ignore them; the writer writes none).
  rec[gce_at + 3] |= 0xE0;
  out.clear();
  ck_assert(rewrite(rec, out));
  ck_assert(out == want);
}
END_TEST

// Every prefix of a valid record is either refused or closed: never a crash or an overread
// (under ASan).
START_TEST(test_every_prefix) {
  Bytes rec = control(5);
  Bytes c = comment("x");
  rec.insert(rec.end(), c.begin(), c.end());
  Bytes img = image();
  rec.insert(rec.end(), img.begin(), img.end());
  for (size_t n = 0; n <= rec.size(); n++) {
    Bytes prefix(rec.begin(), rec.begin() + static_cast<long>(n));
    Bytes out;
    if (rewrite(prefix, out)) {
      ck_assert(!out.empty());
      ck_assert_int_eq(out.back(), 0);
    } else {
      ck_assert(out.empty());
    }
  }
}
END_TEST

static Suite *muxerSuite() {
  Suite *s = suite_create("gif-muxer");
  TCase *tc = tcase_create("muxer");
  tcase_add_test(tc, test_table_valid);
  tcase_add_test(tc, test_loop_count);
  tcase_add_test(tc, test_codec_data);
  tcase_add_test(tc, test_strip_extensions);
  tcase_add_test(tc, test_last_control_wins);
  tcase_add_test(tc, test_no_control);
  tcase_add_test(tc, test_truncated_data_closed);
  tcase_add_test(tc, test_damage_refused);
  tcase_add_test(tc, test_layout);
  tcase_add_test(tc, test_every_prefix);
  suite_add_tcase(s, tc);
  return s;
}

int main() {
  return mktest::runSuite(muxerSuite());
}
