// SPDX-License-Identifier: LGPL-2.1-or-later
// What the session's stream says, read back by FFmpeg (ffprobe, ffmpeg's trace_headers filter):
// the VUI written from the settings over the simulator's wrong one, the slices left as they
// were, the level written and checked; the per-frame stats against what the simulator made; and
// the controls (gop-size 0, scene mode, intra refresh) as the simulator's channel received them.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "dvpp/bitstream.h"
#include "dvpp_test_util.h"
#include "../check_main.h"

namespace {

using namespace dvpptest;
using mk::dvpp::Codec;
using mk::dvpp::EncoderSettings;

constexpr auto kDrain = std::chrono::milliseconds(20000);

bool haveFfmpeg() {
  return system("command -v ffprobe > /dev/null 2>&1 && command -v ffmpeg > /dev/null 2>&1") == 0;
}

std::string run(const std::string &command) {
  FILE *pipe = popen(command.c_str(), "r");
  ck_assert(pipe != nullptr);
  std::string out;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  ck_assert_int_eq(pclose(pipe), 0);
  return out;
}

// The outputs, one after the other, in a temporary file.
class StreamFile {
 public:
  explicit StreamFile(const std::vector<Output> &outputs) {
    char path[] = "/tmp/dvpp-stream-XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    for (const auto &o : outputs)
      ck_assert_int_eq((int)write(fd, o.bytes.data(), o.bytes.size()), (int)o.bytes.size());
    close(fd);
    path_ = path;
  }
  ~StreamFile() { unlink(path_.c_str()); }
  const std::string &path() const { return path_; }

 private:
  std::string path_;
};

// ffprobe's view of the stream, every frame decoded and counted.
std::map<std::string, std::string> probe(const std::string &path, Codec codec) {
  std::string text =
      run(std::string("ffprobe -v error -f ") + (codec == Codec::kH264 ? "h264" : "hevc") +
          " -count_frames -show_entries stream=profile,level,color_range,"
          "color_space,color_primaries,color_transfer,sample_aspect_ratio,"
          "r_frame_rate,nb_read_frames -of default=nw=1 " +
          path);
  std::map<std::string, std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    std::size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    at = end + 1;
  }
  return out;
}

// A syntax element as FFmpeg's trace_headers filter reads it, in stream order.
std::vector<long> traced(const std::string &path, Codec codec, const std::string &element) {
  std::string text =
      run(std::string("ffmpeg -v trace -f ") + (codec == Codec::kH264 ? "h264" : "hevc") + " -i " +
          path + " -c copy -bsf:v trace_headers -f null - 2>&1");
  std::vector<long> values;
  std::size_t at = 0;
  while ((at = text.find(" " + element + " ", at)) != std::string::npos) {
    std::size_t eq = text.find(" = ", at);
    std::size_t eol = text.find('\n', at);
    if (eq != std::string::npos && eq < eol) values.push_back(std::atol(text.c_str() + eq + 3));
    at += element.size() + 2;
  }
  return values;
}

// The access unit without its parameter sets (SPS/PPS/VPS/SEI): what the rewrite must not touch.
std::vector<std::uint8_t> slicesOnly(const std::vector<std::uint8_t> &au, Codec codec) {
  std::vector<std::uint8_t> out;
  for (const auto &nal : mk::dvpp::splitNalUnits(au.data(), au.size(), codec)) {
    bool slice = codec == Codec::kH264 ? nal.type >= 1 && nal.type <= 5 : nal.type < 32;
    if (slice) out.insert(out.end(), au.begin() + nal.start, au.begin() + nal.end);
  }
  return out;
}

std::vector<Output> encode(const EncoderSettings &s, int frames, int *channel = nullptr) {
  Collector collector;
  {
    auto session = open(s, collector);
    if (channel) *channel = session->channelId();
    Nv12Source source(s.width, s.height, s.width);
    sendFrames(*session, source, 0, frames);
    checkOk(session->drain(kDrain));
  }
  ck_assert(collector.errors().empty());
  auto outputs = collector.outputs();
  ck_assert_int_eq((int)outputs.size(), frames);
  return outputs;
}

// The VUI of the settings, over the simulator's (BT.470M, full range, 7:3, integer rate), for
// both codecs; the slices stay byte for byte what the encoder made.
void checkVui(Codec codec) {
  EncoderSettings s = smallSettings();
  s.codec = codec;
  s.gop_size = 5;
  s.fps_n = 30000;
  s.fps_d = 1001;
  auto plain = encode(s, 12);
  s.vui.colour_primaries = 1;  // BT.709
  s.vui.transfer_characteristics = 1;
  s.vui.matrix_coefficients = 1;
  s.vui.full_range = 0;
  s.vui.sar_n = 4;
  s.vui.sar_d = 3;
  s.vui.fps_n = 30000;
  s.vui.fps_d = 1001;
  auto rewritten = encode(s, 12);
  assertNothingLeaked();
  for (int i = 0; i < 12; i++) {
    ck_assert_msg(slicesOnly(plain[i].bytes, codec) == slicesOnly(rewritten[i].bytes, codec),
                  "frame %d: the slices changed", i);
    ck_assert_int_eq(rewritten[i].keyframe, i % 5 == 0);
    if (!rewritten[i].keyframe) ck_assert(plain[i].bytes == rewritten[i].bytes);
  }
  if (!haveFfmpeg()) return;
  StreamFile before(plain), after(rewritten);
  auto was = probe(before.path(), codec);
  ck_assert_str_eq(was["color_primaries"].c_str(), "bt470m");  // the simulator's, unrewritten
  auto is = probe(after.path(), codec);
  ck_assert_str_eq(is["color_range"].c_str(), "tv");
  ck_assert_str_eq(is["color_space"].c_str(), "bt709");
  ck_assert_str_eq(is["color_primaries"].c_str(), "bt709");
  ck_assert_str_eq(is["color_transfer"].c_str(), "bt709");
  ck_assert_str_eq(is["sample_aspect_ratio"].c_str(), "4:3");
  ck_assert_str_eq(is["r_frame_rate"].c_str(), "30000/1001");
  ck_assert_str_eq(is["nb_read_frames"].c_str(), "12");
  if (codec == Codec::kH264) {
    auto fixed = traced(after.path(), codec, "fixed_frame_rate_flag");
    ck_assert(!fixed.empty());
    for (long f : fixed) ck_assert_int_eq(f, 1);
    auto scale = traced(after.path(), codec, "time_scale");
    auto units = traced(after.path(), codec, "num_units_in_tick");
    ck_assert(!scale.empty() && !units.empty());
    ck_assert_int_eq(scale[0], 60000);  // two ticks a frame
    ck_assert_int_eq(units[0], 1001);
  }
}

START_TEST(vui_h264) {
  checkVui(Codec::kH264);
}
END_TEST

START_TEST(vui_h265) {
  if (!simHasH265()) return;
  checkVui(Codec::kH265);
}
END_TEST

START_TEST(level_written) {
  EncoderSettings s = smallSettings();
  s.level = "3.1";
  StreamFile h264(encode(s, 3));
  if (haveFfmpeg()) {
    std::string level = probe(h264.path(), Codec::kH264)["level"];
    ck_assert_str_eq(level.c_str(), "31");
  }
  if (simHasH265()) {
    s.codec = Codec::kH265;
    StreamFile h265(encode(s, 3));
    if (haveFfmpeg()) {
      std::string level = probe(h265.path(), Codec::kH265)["level"];
      ck_assert_str_eq(level.c_str(), "93");  // general_level_idc: 30 x the level
    }
  }
  assertNothingLeaked();
}
END_TEST

START_TEST(level_checked) {
  Collector collector;
  EncoderSettings s = smallSettings();
  s.width = 640;
  s.height = 480;
  s.level = "1";
  auto low = mk::dvpp::EncoderSession::create(s, collector.callbacks());
  ck_assert(!low.isOk());
  ck_assert_int_eq((int)low.status().code(), (int)mk::Errc::kOutOfRange);
  // Table A-1: 40 x 30 macroblocks; level 2.2 allows 20250 a second, 3 allows 40500.
  ck_assert_str_eq(low.status().message().c_str(),
                   "level 1 is too low for 640x480 at 30 fps: 1200 macroblocks a frame, more than "
                   "its 99 (allowed: level 3 or higher)");
  s.level = "2.2";
  auto rate = mk::dvpp::EncoderSession::create(s, collector.callbacks());
  ck_assert(!rate.isOk());
  ck_assert_msg(rate.status().message().find("36000 macroblocks a second, more than its 20250") !=
                    std::string::npos,
                "%s", rate.status().message().c_str());
  s.level = "1b";
  s.codec = Codec::kH265;
  auto other = mk::dvpp::EncoderSession::create(s, collector.callbacks());
  ck_assert(!other.isOk());
  ck_assert_str_eq(other.status().message().c_str(),
                   "level 1b is not an H.265 level (allowed: auto, 1, 2, 2.1, 3, 3.1, 4, 4.1, 5, "
                   "5.1, 5.2, 6, 6.1, 6.2)");
  s.level = "4.3";
  s.codec = Codec::kH264;
  ck_assert(!mk::dvpp::EncoderSession::create(s, collector.callbacks()).isOk());
  assertNothingLeaked();
}
END_TEST

// gop-size 0: IDR frames only on request (the rate control gets the longest GOP it takes).
START_TEST(gop_size_zero) {
  Collector collector;
  EncoderSettings s = smallSettings();
  s.gop_size = 0;
  {
    auto session = open(s, collector);
    dvppsim_channel channel{};
    ck_assert(simChannel(session->channelId(), &channel));
    ck_assert_int_eq(channel.gop, 65536);
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, 25);
    mk::dvpp::FrameMeta meta;
    meta.user_id = 25;
    meta.pts = 25000;
    meta.force_idr = true;
    checkOk(session->sendFrame(source.frame(25), meta));
    sendFrames(*session, source, 26, 14);
    checkOk(session->drain(kDrain));
  }
  assertNothingLeaked();
  auto outputs = collector.outputs();
  ck_assert_int_eq((int)outputs.size(), 40);
  for (int i = 0; i < 40; i++)
    ck_assert_msg(outputs[i].keyframe == (i == 0 || i == 25), "frame %d key %d", i,
                  outputs[i].keyframe);
}
END_TEST

START_TEST(scene_mode_and_intra_refresh) {
  Collector collector;
  EncoderSettings s = smallSettings();
  s.scene_mode = mk::dvpp::SceneMode::kMotionHighBitrate;
  s.intra_refresh = mk::dvpp::IntraRefresh::kRows;
  s.intra_refresh_period = 5;
  {
    auto session = open(s, collector);
    dvppsim_channel channel{};
    ck_assert(simChannel(session->channelId(), &channel));
    ck_assert_int_eq(channel.scene_mode, 1);
    ck_assert_int_eq(channel.intra_refresh, 1);
    ck_assert_int_eq(channel.refresh_num, 3);  // 15 macroblock rows in 5 frames
    s.intra_refresh = mk::dvpp::IntraRefresh::kColumns;
    s.intra_refresh_period = 100;  // longer than the picture is wide: one column a frame
    auto columns = open(s, collector);
    ck_assert(simChannel(columns->channelId(), &channel));
    ck_assert_int_eq(channel.intra_refresh, 2);
    ck_assert_int_eq(channel.refresh_num, 1);
  }
  assertNothingLeaked();
}
END_TEST

// The call is not made unless intra-refresh is set: a fault on it goes unnoticed by default,
// and fails the session that asks for it.
START_TEST(intra_refresh_only_when_set) {
  setenv("DVPPSIM_FAULTS", "hi_mpi_venc_set_intra_refresh=fail@1", 1);
  Collector collector;
  {
    auto plain = open(smallSettings(), collector);
    dvppsim_channel channel{};
    ck_assert(simChannel(plain->channelId(), &channel));
    ck_assert_int_eq(channel.intra_refresh, 0);
    EncoderSettings s = smallSettings();
    s.intra_refresh = mk::dvpp::IntraRefresh::kRows;
    auto refused = mk::dvpp::EncoderSession::create(s, collector.callbacks());
    ck_assert(!refused.isOk());
    ck_assert_msg(
        refused.status().message().find("hi_mpi_venc_set_intra_refresh") != std::string::npos, "%s",
        refused.status().message().c_str());
  }
  assertNothingLeaked();
}
END_TEST

START_TEST(intra_refresh_missing_call) {
  setenv("GST_ASCEND_MPI_LIB", getenv("DVPP_TEST_SIM_NOCHNATTR_LIB"), 1);
  setenv("GST_ASCEND_ACL_LIB", getenv("DVPP_TEST_SIM_NOCHNATTR_LIB"), 1);
  Collector collector;
  EncoderSettings s = smallSettings();
  s.intra_refresh = mk::dvpp::IntraRefresh::kColumns;
  auto session = mk::dvpp::EncoderSession::create(s, collector.callbacks());
  ck_assert(!session.isOk());
  ck_assert_int_eq((int)session.status().code(), (int)mk::Errc::kUnsupported);
  ck_assert_msg(session.status().message().find("does not export") != std::string::npos, "%s",
                session.status().message().c_str());
  auto plain = mk::dvpp::EncoderSession::create(smallSettings(), collector.callbacks());
  ck_assert(plain.isOk());
}
END_TEST

// Each frame's size, key flag and QPs are what the simulator made and reported, and the running
// totals add them up; in fixqp the QP is the one FFmpeg reads from the slice headers.
START_TEST(frame_stats) {
  Collector collector;
  EncoderSettings s = smallSettings();
  s.rc_mode = mk::dvpp::RcMode::kFixQp;
  s.i_qp = s.p_qp = 25;
  const int n = 15;
  int chn = -1;
  mk::dvpp::SessionStats stats;
  {
    auto session = open(s, collector);
    chn = session->channelId();
    Nv12Source source(320, 240, 320);
    sendFrames(*session, source, 0, n);
    checkOk(session->drain(kDrain));
    stats = session->stats();
  }
  assertNothingLeaked();
  auto outputs = collector.outputs();
  auto made = simFrames(chn);
  ck_assert_int_eq((int)outputs.size(), n);
  ck_assert_int_eq((int)made.size(), n);
  std::uint64_t bytes = 0, keyframes = 0, qp_sum = 0;
  for (int i = 0; i < n; i++) {
    ck_assert_int_eq((int)outputs[i].bytes.size(), (int)made[i].bytes);
    ck_assert_int_eq(outputs[i].keyframe, made[i].idr);
    ck_assert_int_eq(outputs[i].mean_qp, made[i].qp);
    ck_assert_int_eq(outputs[i].start_qp, made[i].qp);
    ck_assert_int_eq(outputs[i].mean_qp, 25);
    bytes += outputs[i].bytes.size();
    keyframes += outputs[i].keyframe ? 1 : 0;
    qp_sum += static_cast<std::uint64_t>(outputs[i].mean_qp);
  }
  ck_assert_uint_eq(stats.bytes_out, bytes);
  ck_assert_uint_eq(stats.keyframes, keyframes);
  ck_assert_uint_eq(stats.qp_frames, n);
  ck_assert_uint_eq(stats.qp_sum, qp_sum);
  // With rate control, the encoder's own per-frame QPs.
  s = smallSettings();
  auto cbr = encode(s, 6, &chn);
  made = simFrames(chn);
  for (int i = 0; i < 6; i++) {
    ck_assert_int_eq(cbr[i].mean_qp, made[i].qp);
    ck_assert_msg(cbr[i].mean_qp > 0 && cbr[i].mean_qp <= 51, "frame %d qp %d", i, cbr[i].mean_qp);
  }
  assertNothingLeaked();
  if (!haveFfmpeg()) return;
  // The QPs FFmpeg reads in the slice headers (one slice a frame).
  StreamFile file(outputs);
  auto init = traced(file.path(), Codec::kH264, "pic_init_qp_minus26");
  auto deltas = traced(file.path(), Codec::kH264, "slice_qp_delta");
  ck_assert(!init.empty());
  ck_assert_int_eq((int)deltas.size(), n);
  for (long d : deltas) ck_assert_int_eq(26 + init.back() + d, 25);
  StreamFile cbr_file(cbr);
  init = traced(cbr_file.path(), Codec::kH264, "pic_init_qp_minus26");
  deltas = traced(cbr_file.path(), Codec::kH264, "slice_qp_delta");
  ck_assert_int_eq((int)deltas.size(), 6);
  for (int i = 0; i < 6; i++) ck_assert_int_eq(26 + init.back() + deltas[i], cbr[i].start_qp);
}
END_TEST

Suite *streamSuite() {
  Suite *s = suite_create("dvpp-stream");
  TCase *tc = tcase_create("stream");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, vui_h264);
  tcase_add_test(tc, vui_h265);
  tcase_add_test(tc, level_written);
  tcase_add_test(tc, level_checked);
  tcase_add_test(tc, gop_size_zero);
  tcase_add_test(tc, scene_mode_and_intra_refresh);
  tcase_add_test(tc, intra_refresh_only_when_set);
  tcase_add_test(tc, intra_refresh_missing_call);
  tcase_add_test(tc, frame_stats);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() {
  if (!haveSimulator()) return skipWithoutSimulator();
  return mktest::runSuite(streamSuite(), mktest::Fork::kAlways);
}
