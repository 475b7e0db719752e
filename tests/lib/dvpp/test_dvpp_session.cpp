// SPDX-License-Identifier: LGPL-2.1-or-later
// mk::dvpp::EncoderSession on the simulator: N frames in → N Annex B access units out, in order,
// with their user ids and pts, IDR first and on request; channel-id probing; back-pressure on a
// full input queue without drops; drain with frames in flight; bitrate changes with and without
// set_chn_attr; host run mode; zero-copy input; H.265; 8 sessions in parallel; settings checks.
// Every test ends with nothing leaked in the simulator.
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "dvpp/venc_options.h"
#include "dvpp_test_util.h"
#include "../check_main.h"

namespace {

using namespace dvpptest;
using mk::dvpp::EncoderSettings;

constexpr auto kDrain = std::chrono::milliseconds(20000);

void checkInOrder(const std::vector<Output> &outputs, int first, int count) {
  ck_assert_int_eq((int)outputs.size(), count);
  for (int i = 0; i < count; i++) {
    ck_assert_int_eq((int)outputs[i].user_id, first + i);
    ck_assert_int_eq((int)outputs[i].pts, 1000 * (first + i));
    ck_assert_msg(nalTypes(outputs[i].bytes, true).at(0) != -1, "frame %d: no start code", i);
  }
}

// Decodes the stream with ffprobe when it is installed; returns the frame count or -1.
int ffprobeFrames(const std::vector<Output> &outputs, const char *format) {
  if (system("command -v ffprobe > /dev/null 2>&1") != 0) return -1;
  char path[] = "/tmp/dvpp-session-XXXXXX";
  int fd = mkstemp(path);
  ck_assert(fd >= 0);
  for (const auto &o : outputs)
    ck_assert_int_eq((int)write(fd, o.bytes.data(), o.bytes.size()), (int)o.bytes.size());
  close(fd);
  std::string cmd = std::string("ffprobe -v error -f ") + format +
                    " -count_frames -select_streams v:0 -show_entries stream=nb_read_frames "
                    "-of csv=p=0 " +
                    path;
  FILE *pipe = popen(cmd.c_str(), "r");
  ck_assert(pipe != nullptr);
  char line[64] = {};
  if (!fgets(line, sizeof(line), pipe)) line[0] = 0;
  pclose(pipe);
  unlink(path);
  return std::atoi(line);
}

START_TEST(encodes_h264) {
  Collector collector;
  const int n = 25;
  {
    auto session = open(smallSettings(), collector);
    ck_assert_int_eq(session->channelId(), 0);
    ck_assert_int_eq((int)session->stride(), 320);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, n);
    checkOk(session->drain(kDrain));
    mk::dvpp::SessionStats stats = session->stats();
    ck_assert_int_eq((int)stats.sent, n);
    ck_assert_int_eq((int)stats.output, n);
    ck_assert_int_eq((int)stats.in_flight, 0);
  }
  assertNothingLeaked();
  auto outputs = collector.outputs();
  checkInOrder(outputs, 0, n);
  ck_assert(collector.errors().empty());
  auto first = nalTypes(outputs[0].bytes);
  ck_assert(contains(first, 7) && contains(first, 8) && contains(first, 5));
  ck_assert(outputs[0].keyframe);
  ck_assert(!outputs[1].keyframe);
  ck_assert(!contains(nalTypes(outputs[1].bytes), 5));
  ck_assert(outputs[10].keyframe && outputs[20].keyframe);  // gop-size 10
  int decoded = ffprobeFrames(outputs, "h264");
  ck_assert_msg(decoded == -1 || decoded == n, "ffprobe decoded %d of %d frames", decoded, n);
}
END_TEST

START_TEST(width_not_multiple_of_16) {
  Collector collector;
  EncoderSettings s = smallSettings();
  s.width = 202;
  s.height = 130;
  s.format = mk::dvpp::PixelFormat::kNv21;
  {
    auto session = open(s, collector);
    ck_assert_int_eq((int)session->stride(), 208);
    Nv12Source source(202, 130, 203);  // the caller's stride need not match ours
    sendFrames(*session, source, 0, 5);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  checkInOrder(collector.outputs(), 0, 5);
}
END_TEST

START_TEST(encodes_h265) {
  if (!simHasH265()) return;  // built without x265: H.265 is refused, checked below
  Collector collector;
  EncoderSettings s = smallSettings();
  s.codec = mk::dvpp::Codec::kH265;
  {
    auto session = open(s, collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 12);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  auto outputs = collector.outputs();
  ck_assert_int_eq((int)outputs.size(), 12);
  auto first = nalTypes(outputs[0].bytes, false);
  ck_assert(contains(first, 32) && contains(first, 33) && contains(first, 34));
  ck_assert(outputs[0].keyframe && outputs[10].keyframe && !outputs[1].keyframe);
  int decoded = ffprobeFrames(outputs, "hevc");
  ck_assert_msg(decoded == -1 || decoded == 12, "ffprobe decoded %d of 12 frames", decoded);
}
END_TEST

START_TEST(probes_channel_ids) {
  Collector collector;
  {
    auto a = open(smallSettings(), collector);
    auto b = open(smallSettings(), collector);
    EncoderSettings s = smallSettings();
    s.channel_id = 0;  // taken: the next free one is used
    auto c = open(s, collector);
    s.channel_id = 5;
    auto d = open(s, collector);
    ck_assert_int_eq(a->channelId(), 0);
    ck_assert_int_eq(b->channelId(), 1);
    ck_assert_int_eq(c->channelId(), 2);
    ck_assert_int_eq(d->channelId(), 5);
    s.channel_id = 255;
    auto last = open(s, collector);
    ck_assert_int_eq(last->channelId(), 255);
    auto none = mk::dvpp::EncoderSession::create(s, collector.callbacks());
    ck_assert(!none.isOk());
    ck_assert_int_eq((int)none.status().code(), (int)mk::Errc::kBusy);
    s.channel_id = 256;
    auto bad = mk::dvpp::EncoderSession::create(s, collector.callbacks());
    ck_assert(!bad.isOk());
    ck_assert_int_eq((int)bad.status().code(), (int)mk::Errc::kOutOfRange);
    ck_assert(bad.status().message().find("channel-id") != std::string::npos);
  }
  assertNothingLeaked();
}
END_TEST

START_TEST(back_pressure_drops_nothing) {
  // The first frame's encode takes 200 ms: the six-deep input queue fills and send_frame says
  // NO_BUF; sendFrame must wait and retry.
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_send_frame=slow@1", 1);
  Collector collector;
  EncoderSettings s = smallSettings();
  s.input_buffers = 16;
  const int n = 20;
  {
    auto session = open(s, collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, n);
    checkOk(session->drain(kDrain));
    ck_assert_uint_gt(session->stats().no_buf_retries, 0);
    ck_assert_uint_gt(simStats().no_buf_returns, 0);
  }
  assertNothingLeaked();
  checkInOrder(collector.outputs(), 0, n);
  ck_assert(collector.errors().empty());
}
END_TEST

START_TEST(pool_bound_blocks_senders) {
  // Fewer input buffers than the queue is deep: the pool is the back-pressure.
  Collector collector;
  EncoderSettings s = smallSettings();
  s.input_buffers = 2;
  {
    auto session = open(s, collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 15);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  checkInOrder(collector.outputs(), 0, 15);
}
END_TEST

START_TEST(drain_with_frames_in_flight) {
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 8);
    checkOk(session->drain(kDrain));  // right after sending: most are still in the encoder
    ck_assert_int_eq((int)collector.outputs().size(), 8);
    sendFrames(*session, source, 8, 8);
    checkOk(session->drain(kDrain));
    ck_assert_int_eq((int)collector.outputs().size(), 16);
    checkOk(session->drain(std::chrono::milliseconds(0)));  // nothing in flight: at once
  }
  assertNothingLeaked();
  checkInOrder(collector.outputs(), 0, 16);
}
END_TEST

START_TEST(destroy_with_frames_in_flight) {
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 6);
  }  // no drain: the channel goes with frames queued or encoded
  assertNothingLeaked();
  ck_assert_int_le((int)collector.outputs().size(), 6);
}
END_TEST

mk::Status setRates(mk::dvpp::EncoderSession &session, std::uint32_t bitrate,
                    std::uint32_t max_bitrate) {
  EncoderSettings live = session.settings();
  live.bitrate = bitrate;
  live.max_bitrate = max_bitrate;
  return session.reconfigure(live);
}

void bitrateChange(bool with_chn_attr) {
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 6);
    ck_assert_int_eq(simChannelBitrate(session->channelId()), 1000);
    checkOk(setRates(*session, 3000, 0));
    ck_assert_int_eq((int)session->settings().bitrate, 3000);
    ck_assert_int_eq(simChannelBitrate(session->channelId()), 3000);
    ck_assert_int_eq((int)session->stats().reopens, with_chn_attr ? 0 : 1);
    sendFrames(*session, source, 6, 6);
    checkOk(session->drain(kDrain));
    // Out of range: refused, the last good settings stay, the session lives on.
    auto bad = setRates(*session, 1, 0);
    ck_assert(!bad.isOk());
    ck_assert(bad.message().find("bitrate") != std::string::npos);
    ck_assert_int_eq((int)session->settings().bitrate, 3000);
    ck_assert_int_eq(simChannelBitrate(session->channelId()), 3000);
    ck_assert(session->failure().isOk());
    // Options that cannot change while running are ignored, and nothing is reopened for them.
    EncoderSettings other = session->settings();
    other.gop_size = 7;
    checkOk(session->reconfigure(other));
    ck_assert_int_eq((int)session->settings().gop_size, 10);
    ck_assert_int_eq((int)session->stats().reopens, with_chn_attr ? 0 : 1);
  }
  assertNothingLeaked();
  auto outputs = collector.outputs();
  checkInOrder(outputs, 0, 12);
  if (!with_chn_attr) ck_assert(outputs[6].keyframe);  // a new channel starts with an IDR
}

START_TEST(bitrate_change_set_chn_attr) {
  bitrateChange(true);
}
END_TEST

START_TEST(bitrate_change_reopen) {
  // A runtime without hi_mpi_venc_set_chn_attr: drain and reopen.
  setenv("GST_ASCEND_MPI_LIB", getenv("DVPP_TEST_SIM_NOCHNATTR_LIB"), 1);
  setenv("GST_ASCEND_ACL_LIB", getenv("DVPP_TEST_SIM_NOCHNATTR_LIB"), 1);
  bitrateChange(false);
}
END_TEST

// In cbr, max-bitrate is not read: a bitrate above it is fine. In vbr it is refused, and the
// channel keeps the last good rates; bitrate and max-bitrate changed together are checked and
// applied together.
START_TEST(live_rates_cross_check) {
  Collector collector;
  {
    EncoderSettings s = smallSettings();
    s.max_bitrate = 2000;
    auto cbr = open(s, collector);
    checkOk(setRates(*cbr, 5000, 2000));
    ck_assert_int_eq(simChannelBitrate(cbr->channelId()), 5000);

    s.rc_mode = mk::dvpp::RcMode::kVbr;
    auto vbr = open(s, collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*vbr, source, 0, 3);
    auto refused = setRates(*vbr, 3000, 2000);
    ck_assert_int_eq((int)refused.code(), (int)mk::Errc::kOutOfRange);
    ck_assert_msg(refused.message().find("max-bitrate") != std::string::npos, "%s",
                  refused.message().c_str());
    ck_assert_int_eq(simChannelBitrate(vbr->channelId()), 2000);  // vbr runs at its peak
    ck_assert_int_eq((int)vbr->settings().bitrate, 1000);
    checkOk(setRates(*vbr, 3000, 4000));
    ck_assert_int_eq(simChannelBitrate(vbr->channelId()), 4000);
    sendFrames(*vbr, source, 3, 3);
    checkOk(vbr->drain(kDrain));
    ck_assert(vbr->failure().isOk());
  }
  assertNothingLeaked();
  ck_assert(collector.errors().empty());
}
END_TEST

// The runtime refusing set_chn_attr: the change is reported, the channel keeps encoding with the
// last good rate, and no frame is lost.
START_TEST(live_change_refused_by_runtime) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_set_chn_attr=fail@1", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 4);
    auto refused = setRates(*session, 3000, 0);
    ck_assert(!refused.isOk());
    ck_assert_msg(refused.message().find("hi_mpi_venc_set_chn_attr") != std::string::npos, "%s",
                  refused.message().c_str());
    ck_assert_int_eq((int)session->settings().bitrate, 1000);
    ck_assert_int_eq(simChannelBitrate(session->channelId()), 1000);
    sendFrames(*session, source, 4, 4);
    checkOk(session->drain(kDrain));
    checkOk(setRates(*session, 3000, 0));  // the next try goes through
    ck_assert_int_eq(simChannelBitrate(session->channelId()), 3000);
  }
  assertNothingLeaked();
  checkInOrder(collector.outputs(), 0, 8);
  ck_assert(collector.errors().empty());
}
END_TEST

START_TEST(idr_on_request) {
  Collector collector;
  EncoderSettings s = smallSettings();
  s.gop_size = 1000;
  {
    auto session = open(s, collector);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 5);
    mk::dvpp::FrameMeta meta;
    meta.user_id = 5;
    meta.pts = 5000;
    meta.force_idr = true;
    checkOk(session->sendFrame(source.frame(5), meta));
    sendFrames(*session, source, 6, 3);
    checkOk(session->drain(kDrain));
    checkOk(session->requestIdr());
    sendFrames(*session, source, 9, 2);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  auto outputs = collector.outputs();
  checkInOrder(outputs, 0, 11);
  for (int i = 0; i < 11; i++) {
    bool want = i == 0 || i == 5 || i == 9;
    ck_assert_msg(outputs[i].keyframe == want, "frame %d keyframe %d", i, outputs[i].keyframe);
    ck_assert(contains(nalTypes(outputs[i].bytes), 5) == want);
  }
}
END_TEST

START_TEST(host_run_mode) {
  setenv("DVPPSIM_RUN_MODE", "host", 1);
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    ck_assert(!session->inputIsHostAccessible());
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 6);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  checkInOrder(collector.outputs(), 0, 6);
}
END_TEST

START_TEST(zero_copy_input) {
  Collector collector;
  {
    auto session = open(smallSettings(), collector);
    ck_assert(session->inputIsHostAccessible());
    for (int i = 0; i < 6; i++) {
      auto buffer = session->acquireInputBuffer();
      ck_assert_msg(buffer.isOk(), "%s", buffer.status().message().c_str());
      ck_assert_int_eq((int)buffer->size(), (int)session->frameSize());
      std::memset(buffer->data(), 16 + i * 20, session->frameSize());
      mk::dvpp::FrameMeta meta;
      meta.user_id = static_cast<std::uint64_t>(i);
      meta.pts = 1000 * i;
      checkOk(session->sendBuffer(std::move(buffer).value(), meta));
    }
    auto unused = session->acquireInputBuffer();  // dropped unsent: back to the pool
    ck_assert(unused.isOk());
    checkOk(session->drain(kDrain));
    auto wrong = session->sendBuffer(mk::PoolBuffer(), mk::dvpp::FrameMeta());
    ck_assert_int_eq((int)wrong.code(), (int)mk::Errc::kInvalidArgument);
  }
  assertNothingLeaked();
  checkInOrder(collector.outputs(), 0, 6);
}
END_TEST

START_TEST(parallel_sessions) {
  constexpr int kSessions = 32;
  constexpr int kFrames = 10;
  std::vector<Collector> collectors(kSessions);
  std::vector<int> channels(kSessions, -1);
  std::vector<std::string> failures(kSessions);
  std::vector<std::thread> threads;
  Barrier opened(kSessions);
  int looper_threads = -1, epolls = -1;
  for (int t = 0; t < kSessions; t++) {
    threads.emplace_back([&, t] {
      EncoderSettings s = smallSettings();
      s.width = 192;
      s.height = 128;
      s.input_buffers = 3;
      auto session = mk::dvpp::EncoderSession::create(s, collectors[t].callbacks());
      if (!session) {
        failures[t] = session.status().message();
        opened.arrive_and_drop();
        return;
      }
      channels[t] = (*session)->channelId();
      // Every session is open before any sends: then all of them share one looper and one
      // DVPP epoll, however many there are.
      opened.arrive_and_wait();
      if (t == 0) {
        looper_threads = threadsNamed("mk-dvpp-dev");
        epolls = simStats().epoll_instances;
      }
      Nv12Source source(192, 128, 192);
      for (int i = 0; i < kFrames; i++) {
        mk::dvpp::FrameMeta meta;
        meta.user_id = static_cast<std::uint64_t>(i);
        meta.pts = 1000 * i;
        mk::Status st = (*session)->sendFrame(source.frame(i + t), meta);
        if (!st) {
          failures[t] = st.message();
          return;
        }
      }
      mk::Status st = (*session)->drain(kDrain);
      if (!st) failures[t] = st.message();
    });
  }
  for (auto &thread : threads) thread.join();
  std::vector<bool> seen(256, false);
  for (int t = 0; t < kSessions; t++) {
    ck_assert_msg(failures[t].empty(), "session %d: %s", t, failures[t].c_str());
    ck_assert(channels[t] >= 0 && channels[t] < 256 && !seen[channels[t]]);
    seen[channels[t]] = true;
    checkInOrder(collectors[t].outputs(), 0, kFrames);
  }
  ck_assert_int_eq(looper_threads, 1);
  ck_assert_int_eq(epolls, 1);
  assertNothingLeaked();
  ck_assert_int_eq(threadsNamed("mk-dvpp-dev"), 0);  // stopped with the last session
}
END_TEST

START_TEST(rejects_bad_settings) {
  Collector collector;
  struct Case {
    const char *option;
    void (*apply)(EncoderSettings &);
  } cases[] = {
      {"width", [](EncoderSettings &s) { s.width = 321; }},
      {"width", [](EncoderSettings &s) { s.width = 64; }},
      {"height", [](EncoderSettings &s) { s.height = 5000; }},
      {"bitrate", [](EncoderSettings &s) { s.bitrate = 0; }},
      {"max-bitrate",
       [](EncoderSettings &s) { s.rc_mode = mk::dvpp::RcMode::kVbr, s.max_bitrate = 10; }},
      {"gop-size", [](EncoderSettings &s) { s.gop_size = 65537; }},
      {"qp-min", [](EncoderSettings &s) { s.qp_min = 40, s.qp_max = 30; }},
      {"i-qp", [](EncoderSettings &s) { s.i_qp = 52; }},
      {"input-buffers", [](EncoderSettings &s) { s.input_buffers = 0; }},
      {"profile", [](EncoderSettings &s) { s.profile = 3; }},
      {"channel-id", [](EncoderSettings &s) { s.channel_id = -2; }},
  };
  // The text as users read it (the element posts it as it is: no "dvpp: " tag to strip).
  EncoderSettings odd = smallSettings();
  odd.width = 321;
  auto refused = mk::dvpp::EncoderSession::create(odd, collector.callbacks());
  ck_assert(!refused.isOk());
  ck_assert_str_eq(refused.status().message().c_str(),
                   "width 321 is out of range (allowed: even, 128 to 4096)");
  for (const auto &c : cases) {
    EncoderSettings s = smallSettings();
    c.apply(s);
    auto session = mk::dvpp::EncoderSession::create(s, collector.callbacks());
    ck_assert_msg(!session.isOk(), "%s accepted", c.option);
    ck_assert_int_eq((int)session.status().code(), (int)mk::Errc::kOutOfRange);
    ck_assert_msg(session.status().message().find(c.option) != std::string::npos, "%s: %s",
                  c.option, session.status().message().c_str());
  }
  assertNothingLeaked();
}
END_TEST

// Every option just outside its range: create() refuses it with the very message the option
// table gives for setting that value (the table is the one place a range is stated; the GObject
// door is tests/gst/test_option_ranges.cpp).
START_TEST(ranges_are_the_tables) {
  const mk::OptionTable &table = mk::dvpp::encoderOptions();
  Collector collector;
  int probed = 0;
  for (const mk::Option &o : table) {
    std::vector<long long> values;
    switch (o.type) {
      case mk::OptionType::kInt:
        if (o.int_min > INT_MIN) values.push_back(o.int_min - 1);
        if (o.int_max < INT_MAX) values.push_back(o.int_max + 1);
        break;
      case mk::OptionType::kUint:
        if (o.int_min > 0) values.push_back(o.int_min - 1);
        if (o.int_max < UINT_MAX) values.push_back(o.int_max + 1);
        break;
      case mk::OptionType::kEnum: {
        long long top = 0;
        for (std::size_t i = 0; i < o.constant_count; i++)
          top = std::max<long long>(top, o.constants[i].value);
        values.push_back(top + 1);
        break;
      }
      default:
        break;  // level, the one string, is checked by validate() (level_checked)
    }
    for (long long v : values) {
      EncoderSettings set_here = smallSettings();
      mk::Status refused = table.setInteger(&set_here, o, v);
      ck_assert(!refused.isOk());
      EncoderSettings s = smallSettings();
      if (o.type == mk::OptionType::kUint) {
        unsigned u = static_cast<unsigned>(v);
        o.store(&s, &u);
      } else {
        int i = static_cast<int>(v);
        o.store(&s, &i);
      }
      auto session = mk::dvpp::EncoderSession::create(s, collector.callbacks());
      ck_assert_msg(!session.isOk(), "%s = %lld accepted", o.name, v);
      ck_assert_int_eq((int)session.status().code(), (int)mk::Errc::kOutOfRange);
      ck_assert_str_eq(session.status().message().c_str(), refused.message().c_str());
      probed++;
    }
  }
  ck_assert_int_ge(probed, 15);
  assertNothingLeaked();
}
END_TEST

START_TEST(rate_control_modes) {
  const mk::dvpp::RcMode modes[] = {mk::dvpp::RcMode::kCbr,  mk::dvpp::RcMode::kVbr,
                                    mk::dvpp::RcMode::kAvbr, mk::dvpp::RcMode::kQvbr,
                                    mk::dvpp::RcMode::kCvbr, mk::dvpp::RcMode::kFixQp};
  for (auto mode : modes) {
    Collector collector;
    EncoderSettings s = smallSettings();
    s.rc_mode = mode;
    s.max_bitrate = 2000;
    s.qp_min = 20;
    s.qp_max = 40;
    s.profile = 0;
    {
      auto session = open(s, collector);
      Nv12Source source(320, 240, 320);
      sendFrames(*session, source, 0, 3);
      checkOk(session->drain(kDrain));
    }
    checkInOrder(collector.outputs(), 0, 3);
  }
  assertNothingLeaked();
}
END_TEST

START_TEST(refuses_310) {
  setenv("DVPPSIM_CHIP", "310", 1);
  Collector collector;
  auto session = mk::dvpp::EncoderSession::create(smallSettings(), collector.callbacks());
  ck_assert(!session.isOk());
  ck_assert_int_eq((int)session.status().code(), (int)mk::Errc::kUnsupported);
  ck_assert(session.status().message().find("first-generation") != std::string::npos);
  assertNothingLeaked();
}
END_TEST

Suite *sessionSuite() {
  Suite *s = suite_create("dvpp-session");
  TCase *tc = tcase_create("session");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, encodes_h264);
  tcase_add_test(tc, width_not_multiple_of_16);
  tcase_add_test(tc, encodes_h265);
  tcase_add_test(tc, probes_channel_ids);
  tcase_add_test(tc, back_pressure_drops_nothing);
  tcase_add_test(tc, pool_bound_blocks_senders);
  tcase_add_test(tc, drain_with_frames_in_flight);
  tcase_add_test(tc, destroy_with_frames_in_flight);
  tcase_add_test(tc, bitrate_change_set_chn_attr);
  tcase_add_test(tc, bitrate_change_reopen);
  tcase_add_test(tc, live_rates_cross_check);
  tcase_add_test(tc, live_change_refused_by_runtime);
  tcase_add_test(tc, idr_on_request);
  tcase_add_test(tc, host_run_mode);
  tcase_add_test(tc, zero_copy_input);
  tcase_add_test(tc, parallel_sessions);
  tcase_add_test(tc, rejects_bad_settings);
  tcase_add_test(tc, ranges_are_the_tables);
  tcase_add_test(tc, rate_control_modes);
  tcase_add_test(tc, refuses_310);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() {
  if (!haveSimulator()) return skipWithoutSimulator();
  // each test gets a fresh runtime and environment
  return mktest::runSuite(sessionSuite(), mktest::Fork::kAlways);
}
