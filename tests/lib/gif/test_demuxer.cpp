// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::gif::Demuxer in the three ways gifdemux reads a file, without a pipeline:
// - pull: an index pass over the whole file, then the frames from the index (the cursor), over
//   the plays honor-loop asks for, and seek points;
// - push: a replay pass in chunks of any size, frames as their records complete;
// - push from a seekable source: the read-ahead, which indexes first and then replays, and
//   resume() after a byte seek.
// And what damage, truncation, comments and the loop extension mean in each. The expected
// records come from the tests' own block walker (gif_walk.h), the timestamps from the delays the
// test wrote.
#include <cstring>
#include <string>
#include <vector>

#include "gif/demuxer.h"
#include "gif_test_util.h"
#include "gif_walk.h"

#include <check.h>  // last: its fail() macro breaks headers that use the name

#include "../check_main.h"

using gif_test::GifBuilder;
using gif_test::Image;
using mk::gif::Demuxer;
using mk::gif::DemuxFailure;
using mk::gif::DemuxFrame;
using mk::gif::DemuxSettings;
using mk::gif::SeekSnap;
using Event = mk::gif::Demuxer::Event;

namespace {

constexpr uint64_t kCs = 10'000'000;  // ns

Image solid(unsigned l, unsigned t, unsigned w, unsigned h, uint8_t c) {
  Image im;
  im.left = l;
  im.top = t;
  im.width = w;
  im.height = h;
  im.pixels.assign(size_t{w} * h, c);
  return im;
}

// 8x8, frames of the given delays; frame i full-screen (a key frame) when keys[i], else a 2x2
// patch (a delta frame); a comment before frames listed in `comments`; a loop extension.
std::vector<uint8_t> animation(const std::vector<unsigned> &delays, const std::vector<bool> &keys,
                               int loop = -1, const std::vector<int> &comments = {}) {
  GifBuilder b;
  b.header(8, 8, gif_test::grayPalette(4));
  if (loop >= 0) b.loop(static_cast<unsigned>(loop));
  for (size_t i = 0; i < delays.size(); i++) {
    for (int c : comments)
      if (c == int(i)) b.comment("comment before frame " + std::to_string(i));
    b.gce(1, delays[i]);
    b.image(keys[i] ? solid(0, 0, 8, 8, uint8_t(i % 4)) : solid(2, 2, 2, 2, uint8_t(i % 4)));
  }
  return b.trailer().bytes;
}

// What a run of the demuxer gave, event by event.
struct Run {
  std::vector<Event> events;
  std::vector<DemuxFrame> frames;
  std::vector<std::vector<uint8_t>> data;  // each frame's bytes
  std::vector<std::string> messages;       // of kTruncated, kDamaged, kFailed
  int frames_before_indexed = -1;          // frames yielded when kIndexed came
  size_t pushed_at_first_frame = 0;        // bytes pushed when the first frame came
};

// Drains the demuxer into `run`; returns the last event (kNeedData, kEnd or kFailed).
Event drain(Demuxer &d, Run &run) {
  for (;;) {
    Event ev = d.next();
    if (ev == Event::kNeedData) return ev;
    run.events.push_back(ev);
    if (ev == Event::kFrame) {
      run.frames.push_back(d.frame());
      run.data.emplace_back(d.frame().data, d.frame().data + d.frame().size);
    } else if (ev == Event::kIndexed) {
      run.frames_before_indexed = int(run.frames.size());
    } else if (ev == Event::kTruncated || ev == Event::kDamaged || ev == Event::kFailed) {
      run.messages.push_back(d.message());
    }
    if (ev == Event::kEnd || ev == Event::kFailed) return ev;
  }
}

// Pushes `file` in chunks of `chunk` bytes (each chunk valid only during its push, as a
// GstBuffer mapped for one chain call), then finishes.
Run feed(Demuxer &d, const std::vector<uint8_t> &file, size_t chunk) {
  Run run;
  Event last = Event::kNeedData;
  run.pushed_at_first_frame = file.size() + 1;  // (after the end: at finish())
  for (size_t at = 0; at < file.size() && last == Event::kNeedData; at += chunk) {
    std::vector<uint8_t> piece(file.begin() + long(at),
                               file.begin() + long(std::min(file.size(), at + chunk)));
    d.push(piece.data(), piece.size());
    last = drain(d, run);
    if (run.pushed_at_first_frame > file.size() && !run.frames.empty())
      run.pushed_at_first_frame = at + piece.size();
    std::fill(piece.begin(), piece.end(), 0xEE);  // the caller's memory goes away
  }
  if (last == Event::kNeedData) {
    d.finish();
    drain(d, run);
  }
  return run;
}

size_t count(const Run &run, Event ev) {
  size_t n = 0;
  for (Event e : run.events) n += e == ev;
  return n;
}

// Every yielded frame against the walker: its index, record, bytes, timestamps, key.
void checkFrames(const Run &run, const std::vector<uint8_t> &file, const gif_walk::Walk &w,
                 const std::vector<unsigned> &delays_cs, const std::vector<bool> &keys,
                 size_t first = 0) {
  ck_assert_uint_eq(run.frames.size(), w.frames.size() - first);
  uint64_t pts = 0;
  for (size_t i = 0; i < first; i++) pts += delays_cs[i] * kCs;
  for (size_t k = 0; k < run.frames.size(); k++) {
    const DemuxFrame &f = run.frames[k];
    const gif_walk::Frame &wf = w.frames[first + k];
    ck_assert_uint_eq(f.index, first + k);
    ck_assert_uint_eq(f.record.offset, wf.record_offset);
    ck_assert_uint_eq(f.record.size, wf.record_end - wf.record_offset);
    ck_assert(run.data[k] == std::vector<uint8_t>(file.begin() + long(wf.record_offset),
                                                  file.begin() + long(wf.record_end)));
    ck_assert_uint_eq(f.pts_ns, pts);
    ck_assert_uint_eq(f.duration_ns, delays_cs[first + k] * kCs);
    ck_assert_msg(f.key == keys[first + k], "frame %zu", first + k);
    pts += delays_cs[first + k] * kCs;
  }
}

const std::vector<unsigned> kDelays = {5, 7, 3, 20, 5, 5};
const std::vector<bool> kKeys = {true, false, false, true, false, true};

}  // namespace

// Pull mode: one index pass (no frame out), then the frames from the index by the cursor.
START_TEST(test_pull_index_then_cursor) {
  const std::vector<uint8_t> file = animation(kDelays, kKeys, 1, {0, 3});
  const gif_walk::Walk w = gif_walk::walk(file);
  ck_assert_msg(w.ok, "%s", w.error.c_str());
  DemuxSettings s;
  s.honor_loop = true;
  Demuxer d(s);
  d.start(Demuxer::Mode::kIndex);
  Run run = feed(d, file, 64 * 1024);
  ck_assert_uint_eq(run.frames.size(), 0);
  ck_assert_uint_eq(count(run, Event::kComment), 2);
  ck_assert_uint_eq(count(run, Event::kIndexed), 1);
  ck_assert(run.events.back() == Event::kEnd);
  ck_assert(d.indexComplete());
  ck_assert_uint_eq(d.index().size(), w.frames.size());
  for (size_t i = 0; i < w.frames.size(); i++) {
    ck_assert_uint_eq(d.index()[i].offset, w.frames[i].record_offset);
    ck_assert_uint_eq(d.index()[i].size, w.frames[i].record_end - w.frames[i].record_offset);
    ck_assert(d.index()[i].key == kKeys[i]);
  }
  ck_assert(d.codecData() == std::vector<uint8_t>(file.begin(), file.begin() + long(w.header_end)));
  ck_assert_int_eq(d.loopCount(), 1);
  ck_assert_uint_eq(d.plays(), 2);  // a count of 1 plays twice
  ck_assert_uint_eq(*d.durationNs(), 2 * 45 * kCs);
  ck_assert_uint_eq(d.comments().kept().size(), 2);

  // Two plays from the cursor: the second one's timestamps follow the first.
  std::vector<DemuxFrame> out;
  DemuxFrame f;
  while (d.cursorFrame(&f)) {
    out.push_back(f);
    d.advanceCursor();
    ck_assert_uint_le(out.size(), 2 * w.frames.size());
  }
  ck_assert_uint_eq(out.size(), 2 * w.frames.size());
  uint64_t pts = 0;
  for (size_t k = 0; k < out.size(); k++) {
    const size_t i = k % w.frames.size();
    ck_assert_uint_eq(out[k].index, i);
    ck_assert_uint_eq(out[k].play, k / w.frames.size());
    ck_assert_uint_eq(out[k].record.offset, w.frames[i].record_offset);
    ck_assert_uint_eq(out[k].pts_ns, pts);
    ck_assert_ptr_null(out[k].data);
    pts += kDelays[i] * kCs;
  }

  // Seek points: frame 2 starts at 12 cs, frame 3 (key) at 15 cs, frame 5 (key) at 40 cs.
  mk::gif::SeekPoint p = d.seekPoint(13 * kCs, SeekSnap::kNone, true);
  ck_assert_uint_eq(p.frame, 0);  // decode from the key frame before frame 2
  ck_assert_uint_eq(p.start_ns, 13 * kCs);
  p = d.seekPoint(13 * kCs, SeekSnap::kBefore, true);
  ck_assert_uint_eq(p.frame, 0);
  ck_assert_uint_eq(p.start_ns, 0);
  p = d.seekPoint(13 * kCs, SeekSnap::kAfter, true);
  ck_assert_uint_eq(p.frame, 3);
  ck_assert_uint_eq(p.start_ns, 15 * kCs);
  p = d.seekPoint(13 * kCs, SeekSnap::kNearest, true);
  ck_assert_uint_eq(p.frame, 3);
  p = d.seekPoint((45 + 41) * kCs, SeekSnap::kBefore, true);  // in the second play
  ck_assert_uint_eq(p.play, 1);
  ck_assert_uint_eq(p.frame, 5);
  ck_assert_uint_eq(p.start_ns, (45 + 40) * kCs);
  p = d.seekPoint((45 + 41) * kCs, SeekSnap::kBefore, false);  // push mode: no replays
  ck_assert_uint_eq(p.play, 0);
  ck_assert_uint_eq(p.frame, 5);
  d.setCursor(p);
  ck_assert(d.cursorFrame(&f));
  ck_assert_uint_eq(f.index, 5);
  ck_assert_uint_eq(f.pts_ns, 40 * kCs);
}
END_TEST

// Push mode: a replay pass in chunks of any size gives every frame once, as in the file.
START_TEST(test_push_any_chunks) {
  const std::vector<uint8_t> file = animation(kDelays, kKeys, 0, {2, 2, 4});
  const gif_walk::Walk w = gif_walk::walk(file);
  ck_assert(w.ok);
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{7}, size_t{64}, file.size()}) {
    Demuxer d;
    d.start(Demuxer::Mode::kReplay);
    Run run = feed(d, file, chunk);
    checkFrames(run, file, w, kDelays, kKeys);
    ck_assert_uint_eq(count(run, Event::kComment), 2);  // two comments, one a repeat
    ck_assert_uint_eq(count(run, Event::kIndexed), 1);
    ck_assert_int_eq(run.frames_before_indexed, int(w.frames.size()));
    ck_assert(run.events.back() == Event::kEnd);
    ck_assert_int_eq(d.loopCount(), 0);
    ck_assert_uint_eq(d.plays(), 1);  // no honor-loop
    ck_assert_uint_eq(*d.durationNs(), 45 * kCs);
  }
}
END_TEST

// Push mode from a seekable source: the read-ahead yields no frame before the index is complete,
// so the frame rate and duration are known with the first frame; past its limit it plays what it
// kept and streams the rest.
START_TEST(test_read_ahead) {
  const std::vector<unsigned> delays(12, 4);
  const std::vector<bool> keys(12, true);
  const std::vector<uint8_t> file = animation(delays, keys, -1, {0, 9});
  const gif_walk::Walk w = gif_walk::walk(file);
  ck_assert(w.ok);
  for (size_t chunk : {size_t{3}, size_t{100}, file.size()}) {
    Demuxer d;
    d.start(Demuxer::Mode::kReadAhead);
    Run run = feed(d, file, chunk);
    checkFrames(run, file, w, delays, keys);
    ck_assert_uint_eq(count(run, Event::kComment), 2);  // once each: the reader reads once
    ck_assert_int_eq(run.frames_before_indexed, 0);
    ck_assert_uint_ge(run.pushed_at_first_frame, w.trailer + 1);
    ck_assert_uint_eq(d.frameRate().num, 25);
    ck_assert_uint_eq(d.frameRate().den, 1);
  }
  // A limit of about half the file: frames start once it is passed; the index completes at the
  // end.
  Demuxer d;
  d.start(Demuxer::Mode::kReadAhead, file.size() / 2);
  Run run = feed(d, file, 16);
  checkFrames(run, file, w, delays, keys);
  ck_assert_uint_gt(run.pushed_at_first_frame, file.size() / 2);
  ck_assert_uint_le(run.pushed_at_first_frame, file.size() / 2 + 16);
  ck_assert_int_eq(run.frames_before_indexed, int(w.frames.size()));
  ck_assert_uint_eq(count(run, Event::kIndexed), 1);
  ck_assert_uint_eq(count(run, Event::kComment), 2);

  // resume(): after a byte seek to frame 7's record, frames 7.. with their place and times.
  d.resume(w.frames[7].record_offset);
  std::vector<uint8_t> rest(file.begin() + long(w.frames[7].record_offset), file.end());
  Run again = feed(d, rest, 50);
  ck_assert_uint_eq(again.frames.size(), 5);
  for (size_t k = 0; k < 5; k++) {
    ck_assert_uint_eq(again.frames[k].index, 7 + k);
    ck_assert_uint_eq(again.frames[k].pts_ns, (7 + k) * 4 * kCs);
  }
  ck_assert_uint_eq(count(again, Event::kIndexed), 0);  // once per file
}
END_TEST

// A file cut inside a frame: the frames before it, then the cut frame, said once (kTruncated
// before it) in each mode; the read-ahead's index pass says nothing, its replay says it.
START_TEST(test_truncated) {
  const std::vector<uint8_t> file = animation(kDelays, kKeys);
  const gif_walk::Walk w = gif_walk::walk(file);
  const size_t cut = w.frames[3].record_end - 3;
  const std::vector<uint8_t> part(file.begin(), file.begin() + long(cut));
  for (Demuxer::Mode mode : {Demuxer::Mode::kReplay, Demuxer::Mode::kReadAhead}) {
    Demuxer d;
    d.start(mode);
    Run run = feed(d, part, 10);
    ck_assert_uint_eq(run.frames.size(), 4);
    ck_assert(run.frames[3].truncated);
    ck_assert_uint_eq(count(run, Event::kTruncated), 1);
    ck_assert_uint_eq(count(run, Event::kDamaged), 0);
    ck_assert(run.events.back() == Event::kEnd);
    ck_assert_ptr_nonnull(std::strstr(run.messages[0].c_str(), "frame 3"));
  }
  Demuxer d;
  d.start(Demuxer::Mode::kIndex);
  Run run = feed(d, part, 64 * 1024);
  ck_assert_uint_eq(count(run, Event::kTruncated), 1);
  ck_assert_uint_eq(d.index().size(), 4);
}
END_TEST

// Garbage where a block should start: the frames before it, then kDamaged (once), then the end.
// Before any frame, nothing can be played: kFailed, kNoImages, naming the damage.
START_TEST(test_damaged) {
  const std::vector<uint8_t> file = animation(kDelays, kKeys);
  const gif_walk::Walk w = gif_walk::walk(file);
  std::vector<uint8_t> bad(file.begin(), file.begin() + long(w.frames[1].record_end));
  bad.insert(bad.end(), {0x77, 0x77, 0x77});
  for (Demuxer::Mode mode : {Demuxer::Mode::kReplay, Demuxer::Mode::kReadAhead}) {
    Demuxer d;
    d.start(mode);
    Run run = feed(d, bad, 5);
    ck_assert_uint_eq(run.frames.size(), 2);
    ck_assert_uint_eq(count(run, Event::kDamaged), 1);
    ck_assert_ptr_nonnull(std::strstr(run.messages[0].c_str(), "0x77"));
    ck_assert(run.events.back() == Event::kEnd);
    ck_assert(d.indexComplete());
  }
  // Damage past the read-ahead's limit: its frames from what it kept, the next one streamed,
  // then the damage, said once.
  std::vector<uint8_t> late(file.begin(), file.begin() + long(w.frames[3].record_end));
  late.insert(late.end(), {0x77, 0x77, 0x77});
  Demuxer d;
  d.start(Demuxer::Mode::kReadAhead, w.frames[1].record_end);
  Run run = feed(d, late, 7);
  ck_assert_uint_eq(run.frames.size(), 4);
  for (size_t k = 0; k < 4; k++) {
    ck_assert_uint_eq(run.frames[k].index, k);
    ck_assert(run.data[k] == std::vector<uint8_t>(file.begin() + long(w.frames[k].record_offset),
                                                  file.begin() + long(w.frames[k].record_end)));
  }
  ck_assert_uint_eq(count(run, Event::kDamaged), 1);
  ck_assert(run.events[run.events.size() - 3] == Event::kDamaged);
  ck_assert(run.events.back() == Event::kEnd);
  std::vector<uint8_t> none(file.begin(), file.begin() + long(w.header_end));
  none.insert(none.end(), {0x77, 0x77});
  for (Demuxer::Mode mode :
       {Demuxer::Mode::kIndex, Demuxer::Mode::kReplay, Demuxer::Mode::kReadAhead}) {
    Demuxer d;
    d.start(mode);
    Run run = feed(d, none, 4);
    ck_assert(run.events.back() == Event::kFailed);
    ck_assert(d.failure() == DemuxFailure::kNoImages);
    ck_assert_ptr_nonnull(std::strstr(d.message().c_str(), "0x77"));
    // Sticky, and what comes after is not kept.
    const uint8_t more[] = {1, 2, 3};
    d.push(more, 3);
    ck_assert(d.next() == Event::kFailed);
  }
}
END_TEST

// Why nothing can be played: the failure tells the element which message to post.
START_TEST(test_failures) {
  struct Case {
    std::vector<uint8_t> bytes;
    DemuxFailure failure;
  };
  GifBuilder big, zero, empty;
  big.header(65535, 65535, gif_test::grayPalette(2)).trailer();
  zero.header(0, 4, gif_test::grayPalette(2)).trailer();
  empty.header(4, 4, gif_test::grayPalette(2)).trailer();
  const std::string text = "not a GIF at all";
  const std::vector<Case> cases = {
      {std::vector<uint8_t>(text.begin(), text.end()), DemuxFailure::kNotGif},
      {{}, DemuxFailure::kNotGif},
      {big.bytes, DemuxFailure::kTooLarge},
      {zero.bytes, DemuxFailure::kBadHeader},
      {std::vector<uint8_t>(big.bytes.begin(), big.bytes.begin() + 9), DemuxFailure::kBadHeader},
      {empty.bytes, DemuxFailure::kNoImages},
  };
  for (const Case &c : cases) {
    Demuxer d;
    d.start(Demuxer::Mode::kReplay);
    Run run = feed(d, c.bytes, 7);
    ck_assert(run.events.back() == Event::kFailed);
    ck_assert_int_eq(int(d.failure()), int(c.failure));
    ck_assert(!d.message().empty());
  }
}
END_TEST

// The loop extension that counts is the one before the first frame, as gifdemux has always
// taken it (a later one is ignored); ANIMEXTS1.0 is read as NETSCAPE2.0.
START_TEST(test_loop_extension) {
  for (const char *id : {"NETSCAPE2.0", "ANIMEXTS1.0"}) {
    GifBuilder b;
    b.header(2, 2, gif_test::grayPalette(2)).loop(0, id).image(solid(0, 0, 2, 2, 1)).loop(7, id);
    b.gce(0, 5).image(solid(0, 0, 2, 2, 0)).trailer();
    const gif_walk::Walk w = gif_walk::walk(b.bytes);
    ck_assert_int_eq(w.loop_count_before_first_frame, 0);
    ck_assert_uint_eq(w.loop_counts.size(), 2);
    Demuxer d;
    d.start(Demuxer::Mode::kIndex);
    feed(d, b.bytes, 3);
    ck_assert_int_eq(d.loopCount(), w.loop_count_before_first_frame);
    ck_assert_uint_eq(d.index().size(), 2);
  }
  GifBuilder none;
  none.header(2, 2, gif_test::grayPalette(2)).image(solid(0, 0, 2, 2, 1));  // no trailer
  Demuxer d;
  d.start(Demuxer::Mode::kIndex);
  Run run = feed(d, none.bytes, 100);
  ck_assert_int_eq(d.loopCount(), -1);
  ck_assert(!d.trailerSeen());
  ck_assert(run.events.back() == Event::kEnd);
  ck_assert_uint_eq(d.index().size(), 1);
}
END_TEST

// honor-loop on an animation whose delays are all 0 (min-delay=0): one play, said.
START_TEST(test_loop_takes_no_time) {
  DemuxSettings s;
  s.honor_loop = true;
  s.min_delay = 0;
  Demuxer d(s);
  d.start(Demuxer::Mode::kIndex);
  feed(d, animation({0, 0, 0}, {true, true, true}, 0), 1000);
  ck_assert(d.loopTakesNoTime());
  ck_assert_uint_eq(d.plays(), 1);
  ck_assert_uint_eq(*d.durationNs(), 0);
  size_t n = 0;
  DemuxFrame f;
  for (; d.cursorFrame(&f) && n < 100; n++) d.advanceCursor();
  ck_assert_uint_eq(n, 3);
  // The same file at the default delay policy loops for ever: no duration.
  DemuxSettings defaults;
  defaults.honor_loop = true;
  Demuxer forever(defaults);
  forever.start(Demuxer::Mode::kIndex);
  feed(forever, animation({0, 0, 0}, {true, true, true}, 0), 1000);
  ck_assert(!forever.loopTakesNoTime());
  ck_assert_uint_eq(forever.plays(), 0);
  ck_assert(!forever.durationNs());
}
END_TEST

// A comment before each of 500 frames: the first 64 distinct ones are kept, each said once;
// the rest change nothing.
START_TEST(test_comments_bounded) {
  GifBuilder b;
  b.header(2, 2, gif_test::grayPalette(2));
  for (int i = 0; i < 500; i++) {
    b.comment("comment " + std::to_string(i % 250));  // every comment twice
    b.gce(0, 2).image(solid(0, 0, 2, 2, 1));
  }
  b.trailer();
  Demuxer d;
  d.start(Demuxer::Mode::kReplay);
  Run run = feed(d, b.bytes, 4096);
  ck_assert_uint_eq(run.frames.size(), 500);
  ck_assert_uint_eq(count(run, Event::kComment), mk::gif::CommentList::kMaxComments);
  ck_assert_uint_eq(d.comments().kept().size(), mk::gif::CommentList::kMaxComments);
  ck_assert_str_eq(d.comments().kept()[0].c_str(), "comment 0");
  ck_assert_uint_eq(d.comments().dropped(), 500 - mk::gif::CommentList::kMaxComments);
}
END_TEST

// The read-ahead changes when frames come out, not what comes out: for the file cut at every
// byte, or damaged there, and read-ahead limits from none to all of it, the same frames (their
// bytes those of the file at their record), the same damage and truncation with the same
// messages, the same end as a replay pass.
START_TEST(test_read_ahead_as_replay) {
  const std::vector<uint8_t> file = animation(kDelays, kKeys, 0, {2});
  const gif_walk::Walk w = gif_walk::walk(file);
  auto without = [](const Run &run) {
    std::vector<Event> events;
    for (Event e : run.events)
      if (e != Event::kIndexed && e != Event::kComment) events.push_back(e);
    return events;
  };
  for (size_t cut = w.header_end; cut <= file.size(); cut++) {
    for (bool damage : {false, true}) {
      std::vector<uint8_t> input(file.begin(), file.begin() + long(cut));
      if (damage) input.insert(input.end(), {0x77, 0x77});
      Demuxer replay;
      replay.start(Demuxer::Mode::kReplay);
      const Run expected = feed(replay, input, 7);
      for (size_t limit : {size_t{0}, size_t{40}, input.size() / 2, input.size()}) {
        Demuxer d;
        d.start(Demuxer::Mode::kReadAhead, limit);
        const Run run = feed(d, input, 7);
        ck_assert_msg(without(run) == without(expected), "cut %zu damage %d limit %zu", cut,
                      int(damage), limit);
        ck_assert(run.messages == expected.messages);
        ck_assert_uint_eq(run.frames.size(), expected.frames.size());
        for (size_t k = 0; k < run.frames.size(); k++) {
          const DemuxFrame &f = run.frames[k];
          ck_assert_uint_eq(f.index, k);
          ck_assert_uint_eq(f.record.offset, expected.frames[k].record.offset);
          ck_assert_uint_eq(f.pts_ns, expected.frames[k].pts_ns);
          ck_assert(f.truncated == expected.frames[k].truncated);
          ck_assert(run.data[k] ==
                    std::vector<uint8_t>(input.begin() + long(f.record.offset),
                                         input.begin() + long(f.record.offset + f.record.size)));
          ck_assert(run.data[k] == expected.data[k]);
        }
        ck_assert_uint_eq(count(run, Event::kComment), count(expected, Event::kComment));
        ck_assert_uint_eq(count(run, Event::kIndexed), count(expected, Event::kIndexed));
      }
    }
  }
}
END_TEST

int main() {
  Suite *s = suite_create("gif-demuxer");
  TCase *tc = tcase_create("demuxer");
  tcase_add_test(tc, test_pull_index_then_cursor);
  tcase_add_test(tc, test_push_any_chunks);
  tcase_add_test(tc, test_read_ahead);
  tcase_add_test(tc, test_read_ahead_as_replay);
  tcase_add_test(tc, test_truncated);
  tcase_add_test(tc, test_damaged);
  tcase_add_test(tc, test_failures);
  tcase_add_test(tc, test_loop_extension);
  tcase_add_test(tc, test_loop_takes_no_time);
  tcase_add_test(tc, test_comments_bounded);
  suite_add_tcase(s, tc);
  return mktest::runSuite(s);
}
