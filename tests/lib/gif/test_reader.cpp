// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Reader and scanIndex: records and their byte ranges, chunked pushes of every size give
// the same events, every truncation ends cleanly with a Status, loop counts, comments, unknown
// extensions, key frames, limits and corrupt input.
#include <cstring>
#include <string>
#include <vector>

#include "gif/reader.h"
#include "gif_test_util.h"

// check.h defines fail(): after the C++ headers.
#include <check.h>

#include "../check_main.h"

using gif_test::GifBuilder;
using gif_test::Image;
using mk::gif::Disposal;
using mk::gif::Event;
using mk::gif::ExtensionKind;
using mk::gif::Reader;

namespace {

Image solid(unsigned l, unsigned t, unsigned w, unsigned h, uint8_t v) {
  Image im;
  im.left = l, im.top = t, im.width = w, im.height = h;
  im.pixels.assign(size_t{w} * h, v);
  return im;
}

// A file with every kind of record; offsets noted as it is built.
struct Sample {
  std::vector<uint8_t> bytes;
  size_t frame0_start = 0, frame0_end = 0, frame1_start = 0, frame1_end = 0;
};

Sample sample() {
  Sample s;
  GifBuilder b;
  b.header(8, 6, gif_test::grayPalette(4));
  s.frame0_start = b.bytes.size();
  b.loop(3);
  b.comment(std::string(600, 'c') + "!", 100);
  b.extension(0x2A, {1, 2, 3});
  b.extension(0xFF, {'X', 'M', 'P', ' ', 'D', 'a', 't', 'a', 'X', 'M', 'P', 9, 8}, 11);
  b.gce(1, 10);
  Image im = solid(0, 0, 8, 6, 1);
  im.pixels[5] = 2;
  b.image(im);
  s.frame0_end = b.bytes.size();
  s.frame1_start = b.bytes.size();
  b.gce(2, 25, 0);
  b.image(solid(2, 1, 3, 3, 3));
  s.frame1_end = b.bytes.size();
  b.comment("after");
  b.trailer();
  s.bytes = b.bytes;
  return s;
}

// Everything a reader said, as text, so runs can be compared.
std::string describe(Reader &r, const std::vector<uint8_t> &file, size_t chunk, size_t limit,
                     mk::Status *final_status = nullptr) {
  std::string log;
  size_t pos = 0;
  // Each chunk lives in `held` only until the reader asks for more, as a GstBuffer would: the
  // reader must keep what it still needs itself.
  std::vector<uint8_t> held;
  for (int guard = 0; guard < 1000000; guard++) {
    mk::Result<Event> ev = r.next();
    if (!ev) {
      log += "error:" + ev.status().message() + "\n";
      if (final_status) *final_status = ev.status();
      return log;
    }
    switch (*ev) {
      case Event::kNeedData:
        if (pos >= limit) {
          r.finish();
        } else {
          size_t n = limit - pos < chunk ? limit - pos : chunk;
          std::fill(held.begin(), held.end(), 0xAA);
          held = std::vector<uint8_t>(file.begin() + pos, file.begin() + pos + n);
          ck_assert(r.push(held.data(), n).isOk());
          pos += n;
        }
        break;
      case Event::kHeader:
        log += "header " + std::to_string(r.screen().width) + "x" +
               std::to_string(r.screen().height) + " " +
               std::to_string(r.screen().codec_data.size) + "\n";
        ck_assert_uint_eq(r.eventSize(), r.screen().codec_data.size);
        ck_assert_int_eq(std::memcmp(r.eventData(), file.data(), r.eventSize()), 0);
        break;
      case Event::kExtension: {
        const auto &e = r.extension();
        log += "ext " + std::to_string(e.label) + " " + std::to_string(e.bytes.offset) + "+" +
               std::to_string(e.bytes.size) + " id=" + e.app_id +
               " n=" + std::to_string(e.payload.size()) + " loop=" + std::to_string(e.loop_count) +
               "\n";
        ck_assert_int_eq(std::memcmp(r.eventData(), file.data() + e.bytes.offset, e.bytes.size), 0);
        break;
      }
      case Event::kFrame: {
        const auto &f = r.frame();
        log += "frame " + std::to_string(f.index) + " " + std::to_string(f.record.offset) + "+" +
               std::to_string(f.record.size) + " lzw@" + std::to_string(f.lzw_offset) + ":" +
               std::to_string(f.lzw_data_bytes) + " key=" + std::to_string(f.key) +
               " trunc=" + std::to_string(f.truncated) + "\n";
        ck_assert_uint_eq(r.eventSize(), f.record.size);
        ck_assert_int_eq(std::memcmp(r.eventData(), file.data() + f.record.offset, f.record.size),
                         0);
        break;
      }
      case Event::kEnd:
        log += "end trailer=" + std::to_string(r.trailerSeen()) + "\n";
        if (final_status) *final_status = mk::Status::ok();
        return log;
    }
  }
  ck_abort_msg("reader did not finish");
  return log;
}

}  // namespace

START_TEST(test_records_and_ranges) {
  Sample s = sample();
  Reader r;
  ck_assert(r.push(s.bytes.data(), s.bytes.size()).isOk());
  r.finish();
  mk::Result<Event> ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kHeader);
  ck_assert_uint_eq(r.screen().width, 8);
  ck_assert_uint_eq(r.screen().global_palette.size, 4);
  ck_assert_uint_eq(r.screen().codec_data.offset, 0);
  ck_assert_uint_eq(r.screen().codec_data.size, 13 + 12);
  // Loop, comment, unknown, application: one event each, in file order.
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kExtension);
  ck_assert(r.extension().kind == ExtensionKind::kLoop);
  ck_assert(r.extension().has_loop_count);
  ck_assert_uint_eq(r.extension().loop_count, 3);
  ck_assert_uint_eq(r.extension().bytes.offset, s.frame0_start);
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kExtension);
  ck_assert(r.extension().kind == ExtensionKind::kComment);
  ck_assert_uint_eq(r.extension().payload.size(), 601);
  ck_assert_uint_eq(r.extension().payload[600], '!');
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kExtension);
  ck_assert(r.extension().kind == ExtensionKind::kUnknown);
  ck_assert_uint_eq(r.extension().label, 0x2A);
  ck_assert_uint_eq(r.extension().payload.size(), 3);
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kExtension);
  ck_assert(r.extension().kind == ExtensionKind::kApplication);
  ck_assert_str_eq(r.extension().app_id.c_str(), "XMP DataXMP");
  ck_assert_uint_eq(r.extension().payload.size(), 2);
  // Frame 0: its record starts at the first extension after the header.
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kFrame);
  const auto &f = r.frame();
  ck_assert_uint_eq(f.index, 0);
  ck_assert_uint_eq(f.record.offset, s.frame0_start);
  ck_assert_uint_eq(f.record.end(), s.frame0_end);
  ck_assert(f.control.present);
  ck_assert_uint_eq(f.control.delay_cs, 10);
  ck_assert(f.control.disposal == Disposal::kKeep);
  ck_assert_uint_eq(f.width, 8);
  ck_assert_uint_eq(f.lzw_min_code_size, 2);
  ck_assert_uint_eq(s.bytes[f.descriptor_offset], 0x2C);
  ck_assert(f.key);
  // Frame 1: from its GCE to its terminator; transparent sub-rectangle, so not a key frame.
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kFrame);
  ck_assert_uint_eq(f.index, 1);
  ck_assert_uint_eq(f.record.offset, s.frame1_start);
  ck_assert_uint_eq(f.record.end(), s.frame1_end);
  ck_assert(f.control.has_transparency);
  ck_assert_uint_eq(f.control.transparent_index, 0);
  ck_assert_uint_eq(f.left, 2);
  ck_assert_uint_eq(f.top, 1);
  ck_assert(!f.key);
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kExtension);
  const std::string after(r.extension().payload.begin(), r.extension().payload.end());
  ck_assert_str_eq(after.c_str(), "after");
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kEnd);
  ck_assert(r.trailerSeen());
  ev = r.next();
  ck_assert(ev.isOk() && *ev == Event::kEnd);  // sticky
}
END_TEST

START_TEST(test_every_chunk_size_same_events) {
  Sample s = sample();
  Reader whole;
  const std::string expect = describe(whole, s.bytes, s.bytes.size(), s.bytes.size());
  ck_assert_ptr_nonnull(std::strstr(expect.c_str(), "end trailer=1"));
  for (size_t chunk = 1; chunk <= s.bytes.size(); chunk++) {
    Reader r;
    std::string got = describe(r, s.bytes, chunk, s.bytes.size());
    ck_assert_msg(got == expect, "chunk %zu:\n%s\nvs\n%s", chunk, got.c_str(), expect.c_str());
    ck_assert_uint_le(r.bufferedBytes(), s.bytes.size());
  }
}
END_TEST

START_TEST(test_every_truncation_ends_cleanly) {
  Sample s = sample();
  // Where one block ends and the next begins: a file cut there ends cleanly (no trailer).
  std::vector<size_t> boundaries;
  size_t lzw0 = 0;
  {
    Reader whole;
    ck_assert(whole.push(s.bytes.data(), s.bytes.size()).isOk());
    for (;;) {
      mk::Result<Event> ev = whole.next();
      ck_assert(ev.isOk());
      if (*ev == Event::kEnd) break;
      if (*ev == Event::kHeader) boundaries.push_back(whole.screen().codec_data.end());
      if (*ev == Event::kExtension) boundaries.push_back(whole.extension().bytes.end());
      if (*ev == Event::kFrame) {
        boundaries.push_back(whole.frame().descriptor_offset);  // the end of its GCE
        if (whole.frame().index == 0) lzw0 = whole.frame().lzw_offset;
        boundaries.push_back(whole.frame().record.end());
      }
    }
  }
  ck_assert_uint_eq(boundaries.size(), 10);
  for (size_t len = 0; len < s.bytes.size(); len++) {
    for (size_t chunk : {size_t{1}, size_t{7}, s.bytes.size()}) {
      Reader r;
      mk::Status st(mk::Errc::kInternal, "unset");
      std::string log = describe(r, s.bytes, chunk, len, &st);
      bool boundary = false;
      for (size_t b : boundaries) boundary |= b == len;
      if (boundary) {
        // Cut exactly between records (no trailer): a clean end after the last whole record.
        ck_assert_msg(st.isOk(), "len %zu: %s", len, log.c_str());
        ck_assert(!r.trailerSeen());
      } else if (len >= s.frame1_end) {
        ck_assert_msg(st.code() == mk::Errc::kTruncated, "len %zu: %s", len, log.c_str());
      } else {
        ck_assert_msg(st.code() == mk::Errc::kTruncated, "len %zu: %s", len, log.c_str());
        ck_assert_ptr_nonnull(std::strstr(st.message().c_str(), "ended"));
      }
      if (len > lzw0 && len < s.frame0_end)
        ck_assert_msg(std::strstr(log.c_str(), "trunc=1") != nullptr, "len %zu: %s", len,
                      log.c_str());
    }
  }
}
END_TEST

START_TEST(test_loop_extensions) {
  for (const char *id : {"NETSCAPE2.0", "ANIMEXTS1.0"}) {
    GifBuilder b;
    b.header(2, 2, gif_test::grayPalette(2)).loop(0, id).image(solid(0, 0, 2, 2, 1)).loop(7, id);
    b.gce(0, 5).image(solid(0, 0, 2, 2, 0)).trailer();
    mk::Result<mk::gif::Index> idx = mk::gif::scanIndex(b.bytes.data(), b.bytes.size());
    ck_assert(idx.isOk());
    ck_assert_int_eq(idx->loop_count, 7);  // the most recent block wins (FFmpeg, Wuffs)
    ck_assert_uint_eq(idx->frames.size(), 2);
    ck_assert_uint_eq(idx->total_delay_cs, 5);
    ck_assert(idx->trailer_seen);
    ck_assert(idx->status.isOk());
  }
  GifBuilder none;
  none.header(2, 2, gif_test::grayPalette(2)).image(solid(0, 0, 2, 2, 1));  // no trailer
  mk::Result<mk::gif::Index> idx = mk::gif::scanIndex(none.bytes.data(), none.bytes.size());
  ck_assert(idx.isOk());
  ck_assert_int_eq(idx->loop_count, -1);
  ck_assert(!idx->trailer_seen);
  ck_assert(idx->status.isOk());
  ck_assert_uint_eq(idx->frames.size(), 1);
}
END_TEST

START_TEST(test_key_frames) {
  GifBuilder b;
  b.header(4, 4, gif_test::grayPalette(4));
  b.gce(0, 1).image(solid(1, 1, 2, 2, 1));     // 0: key (first)
  b.gce(0, 1).image(solid(0, 0, 4, 4, 1));     // 1: key (covers, opaque)
  b.gce(0, 1, 2).image(solid(0, 0, 4, 4, 1));  // 2: transparent -> delta
  b.gce(2, 1).image(solid(0, 0, 4, 4, 1));     // 3: covers, opaque, then clears everything
  b.gce(0, 1, 0).image(solid(1, 1, 1, 1, 1));  // 4: drawn on an empty canvas -> key
  b.gce(3, 1).image(solid(0, 0, 4, 4, 1));     // 5: covers but restores previous -> delta
  b.gce(0, 1).image(solid(0, 0, 2, 2, 1));     // 6: small -> delta
  b.trailer();
  mk::Result<mk::gif::Index> idx = mk::gif::scanIndex(b.bytes.data(), b.bytes.size());
  ck_assert(idx.isOk());
  const bool expect[] = {true, true, false, true, true, false, false};
  ck_assert_uint_eq(idx->frames.size(), 7);
  for (size_t i = 0; i < 7; i++) ck_assert_msg(idx->frames[i].key == expect[i], "frame %zu", i);
}
END_TEST

START_TEST(test_garbage_and_corruption) {
  Sample s = sample();
  // Garbage after the trailer is ignored and counted.
  std::vector<uint8_t> g = s.bytes;
  for (int i = 0; i < 50; i++) g.push_back(0xAB);
  Reader r;
  std::string log = describe(r, g, g.size(), g.size());
  ck_assert_ptr_nonnull(std::strstr(log.c_str(), "end trailer=1"));
  ck_assert_uint_eq(r.bytesAfterTrailer(), 50);
  // A stray byte where a block should start.
  std::vector<uint8_t> c = s.bytes;
  c[s.frame1_start] = 0x99;
  Reader r2;
  mk::Status st;
  log = describe(r2, c, c.size(), c.size(), &st);
  ck_assert(st.code() == mk::Errc::kCorruptData);
  ck_assert_ptr_nonnull(std::strstr(st.message().c_str(), "0x99"));
  ck_assert_ptr_nonnull(
      std::strstr(st.message().c_str(), ("offset " + std::to_string(s.frame1_start)).c_str()));
  ck_assert_ptr_nonnull(std::strstr(log.c_str(), "frame 0"));  // what came before is kept
  // Not a GIF, and an unknown version.
  const uint8_t png[] = {0x89, 'P', 'N', 'G'};
  Reader r3;
  ck_assert(r3.push(png, sizeof(png)).isOk());
  ck_assert(r3.next().status().code() == mk::Errc::kCorruptData);
  std::vector<uint8_t> v = s.bytes;
  v[4] = '0';
  Reader r4;
  ck_assert(r4.push(v.data(), v.size()).isOk());
  mk::Result<Event> ev = r4.next();
  ck_assert(!ev.isOk());
  ck_assert_ptr_nonnull(std::strstr(ev.status().message().c_str(), "version"));
  ck_assert(!r4.next().isOk());  // sticky
}
END_TEST

START_TEST(test_limits) {
  // A 38-byte file declaring a 65535x65535 screen is refused with its size named.
  GifBuilder big;
  big.header(65535, 65535, gif_test::grayPalette(2)).trailer();
  Reader r;
  ck_assert(r.push(big.bytes.data(), big.bytes.size()).isOk());
  mk::Result<Event> ev = r.next();
  ck_assert(!ev.isOk());
  ck_assert(ev.status().code() == mk::Errc::kUnsupported);
  ck_assert_ptr_nonnull(std::strstr(ev.status().message().c_str(), "65535x65535"));
  // A zero-area screen has nothing to show.
  GifBuilder zero;
  zero.header(0, 4, gif_test::grayPalette(2)).trailer();
  Reader rz;
  ck_assert(rz.push(zero.bytes.data(), zero.bytes.size()).isOk());
  ck_assert(rz.next().status().code() == mk::Errc::kCorruptData);
  // Record and payload caps.
  Sample s = sample();
  mk::gif::ReaderLimits small;
  small.max_payload_bytes = 100;
  Reader rp(small);
  ck_assert(rp.push(s.bytes.data(), s.bytes.size()).isOk());
  bool saw_comment = false;
  for (;;) {
    ev = rp.next();
    ck_assert(ev.isOk());
    if (*ev == Event::kEnd) break;
    if (*ev == Event::kExtension && rp.extension().kind == ExtensionKind::kComment &&
        rp.extension().payload_truncated) {
      ck_assert_uint_eq(rp.extension().payload.size(), 100);
      saw_comment = true;
    }
  }
  ck_assert(saw_comment);
  small.max_record_bytes = 300;
  Reader rr(small);
  ck_assert(rr.push(s.bytes.data(), s.bytes.size()).isOk());
  for (;;) {
    ev = rr.next();
    if (!ev.isOk()) break;
    ck_assert(*ev != Event::kEnd);
  }
  ck_assert(ev.status().code() == mk::Errc::kUnsupported);
}
END_TEST

START_TEST(test_streaming_buffer_is_bounded) {
  // 200 frames pushed in 64-byte chunks: the reader never holds more than about one record.
  GifBuilder b;
  b.header(16, 16, gif_test::grayPalette(16));
  for (int i = 0; i < 200; i++) {
    Image im = solid(0, 0, 16, 16, static_cast<uint8_t>(i % 16));
    for (size_t p = 0; p < im.pixels.size(); p++) im.pixels[p] = static_cast<uint8_t>((p * i) % 16);
    b.gce(0, 2).image(im);
  }
  b.trailer();
  Reader r;
  size_t pos = 0, max_record = 0, max_buffered = 0;
  unsigned frames = 0;
  for (;;) {
    mk::Result<Event> ev = r.next();
    ck_assert(ev.isOk());
    if (*ev == Event::kEnd) break;
    if (*ev == Event::kFrame) {
      frames++;
      if (r.frame().record.size > max_record) max_record = r.frame().record.size;
    }
    if (*ev == Event::kNeedData) {
      size_t n = b.bytes.size() - pos < 64 ? b.bytes.size() - pos : 64;
      if (!n)
        r.finish();
      else
        ck_assert(r.push(b.bytes.data() + pos, n).isOk());
      pos += n;
      if (r.bufferedBytes() > max_buffered) max_buffered = r.bufferedBytes();
    }
  }
  ck_assert_uint_eq(frames, 200);
  ck_assert_uint_le(max_buffered, max_record + 64);
  ck_assert_uint_lt(max_buffered * 20, b.bytes.size());
}
END_TEST

START_TEST(test_signature_decides) {
  // Six bytes of GIF87a / GIF89a make the data a GIF: a header cut short after them is a damaged
  // GIF (kTruncated, signatureSeen), before them the data is not known to be a GIF at all.
  const char *sig = "GIF89a\x28\x00\x1e\x00\xf7";  // a 40x30 screen, a 256-colour palette
  for (size_t n = 0; n <= 11; n++) {
    Reader r;
    if (n) ck_assert(r.push(reinterpret_cast<const uint8_t *>(sig), n).isOk());
    r.finish();
    mk::Result<Event> ev = r.next();
    ck_assert(!ev.isOk());
    ck_assert(ev.status().code() == mk::Errc::kTruncated);
    ck_assert(r.signatureSeen() == (n >= 6));
    ck_assert(mk::gif::looksLikeGif(reinterpret_cast<const uint8_t *>(sig), n) == (n >= 6));
  }
  const uint8_t gif87[] = {'G', 'I', 'F', '8', '7', 'a'}, gif88[] = {'G', 'I', 'F', '8', '8', 'a'};
  ck_assert(mk::gif::looksLikeGif(gif87, 6));
  ck_assert(!mk::gif::looksLikeGif(gif88, 6));
  Reader r;
  ck_assert(r.push(gif88, 6).isOk());
  ck_assert(r.next().status().code() == mk::Errc::kCorruptData);
  ck_assert(!r.signatureSeen());
}
END_TEST

int main() {
  Suite *s = suite_create("gif-reader");
  TCase *tc = tcase_create("reader");
  tcase_add_test(tc, test_records_and_ranges);
  tcase_add_test(tc, test_every_chunk_size_same_events);
  tcase_add_test(tc, test_every_truncation_ends_cleanly);
  tcase_add_test(tc, test_loop_extensions);
  tcase_add_test(tc, test_key_frames);
  tcase_add_test(tc, test_garbage_and_corruption);
  tcase_add_test(tc, test_limits);
  tcase_add_test(tc, test_streaming_buffer_is_bounded);
  tcase_add_test(tc, test_signature_decides);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
