// SPDX-License-Identifier: LGPL-2.1-or-later
// Helpers for the lib/dvpp tests: a collector for session callbacks, a synthetic NV12 source,
// Annex B parsing, and the simulator's stats (looked up with dlsym). Tests skip (77) without
// the simulator.
#pragma once

#include <dirent.h>
#include <dlfcn.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "dvpp/session.h"
#include "dvppsim/dvppsim.h"

// Last: check.h defines a fail() macro that clashes with std::basic_ios::fail.
#include <check.h>

namespace dvpptest {

// Bound on any wait in these tests: only a hang gets near it.
constexpr auto kHang = std::chrono::seconds(30);

inline bool haveSimulator() {
  const char *path = std::getenv("DVPP_TEST_SIM_LIB");
  return path && *path;
}

inline int skipWithoutSimulator() {
  std::fprintf(stderr, "libdvppsim.so was not built (needs openh264): skipped\n");
  return 77;
}

inline void *simHandle() {
  const char *path = std::getenv("GST_ASCEND_MPI_LIB");
  ck_assert(path != nullptr);
  void *handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  if (!handle) handle = dlopen(path, RTLD_NOW);
  ck_assert_msg(handle != nullptr, "cannot open %s", path);
  return handle;
}

inline dvppsim_stats simStats() {
  auto get = reinterpret_cast<dvppsim_get_stats_fn>(dlsym(simHandle(), "dvppsim_get_stats"));
  ck_assert(get != nullptr);
  dvppsim_stats stats{};
  get(&stats);
  return stats;
}

inline int simChannelBitrate(int chn) {
  auto get = reinterpret_cast<dvppsim_get_channel_bitrate_fn>(
      dlsym(simHandle(), "dvppsim_get_channel_bitrate"));
  ck_assert(get != nullptr);
  return get(chn);
}

inline bool simHasH265() {
  auto has = reinterpret_cast<int (*)()>(dlsym(simHandle(), "dvppsim_has_h265"));
  return has && has() == 1;
}

inline bool simChannel(int chn, dvppsim_channel *out) {
  auto get = reinterpret_cast<dvppsim_get_channel_fn>(dlsym(simHandle(), "dvppsim_get_channel"));
  ck_assert(get != nullptr);
  return get(chn, out) == 0;
}

// The streams the simulator made on channel id `chn` (the last channel opened with that id).
inline std::vector<dvppsim_frame> simFrames(int chn) {
  auto get = reinterpret_cast<dvppsim_get_frames_fn>(dlsym(simHandle(), "dvppsim_get_frames"));
  ck_assert(get != nullptr);
  int n = get(chn, nullptr, 0);
  ck_assert(n >= 0);
  std::vector<dvppsim_frame> frames(static_cast<std::size_t>(n));
  get(chn, frames.data(), n);
  return frames;
}

// Nothing the simulator handed out is still held (call with no session alive).
inline void assertNothingLeaked() {
  dvppsim_stats s = simStats();
  ck_assert_int_eq(s.dvpp_allocations, 0);
  ck_assert_int_eq(s.open_channels, 0);
  ck_assert_int_eq(s.unreleased_streams, 0);
  ck_assert_int_eq(s.streams_lost_at_destroy, 0);
  ck_assert_int_eq(s.epoll_instances, 0);
  ck_assert_int_eq(s.contexts, 0);
  ck_assert_int_eq(s.sys_initialised, 0);
}

// Threads of this process whose name starts with `prefix` (/proc/self/task/*/comm).
inline int threadsNamed(const std::string &prefix) {
  int count = 0;
  DIR *dir = opendir("/proc/self/task");
  ck_assert(dir != nullptr);
  while (dirent *e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream comm(std::string("/proc/self/task/") + e->d_name + "/comm");
    std::string name;
    if (std::getline(comm, name) && name.compare(0, prefix.size(), prefix) == 0) count++;
  }
  closedir(dir);
  return count;
}

// Lets `n` threads wait for each other (C++17 has no std::barrier). A thread that gives up
// drops out, so the others are not held up by it.
class Barrier {
 public:
  explicit Barrier(int n) : left_(n) {}
  void arrive_and_wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (--left_ <= 0) cond_.notify_all();
    ck_assert(cond_.wait_for(lock, kHang, [this] { return left_ <= 0; }));
  }
  void arrive_and_drop() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (--left_ <= 0) cond_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cond_;
  int left_;
};

struct Output {
  std::uint64_t user_id;
  std::int64_t pts;
  bool keyframe;
  std::vector<std::uint8_t> bytes;
  int start_qp;
  int mean_qp;
};

struct ErrorReport {
  mk::Errc code;
  std::string message;
  bool has_frame;
  std::uint64_t user_id;
  bool fatal;
};

class Collector {
 public:
  mk::dvpp::EncoderCallbacks callbacks() {
    mk::dvpp::EncoderCallbacks cb;
    cb.opaque = this;
    cb.output = [](void *opaque, const mk::dvpp::EncodedFrame &frame) noexcept {
      auto *self = static_cast<Collector *>(opaque);
      std::lock_guard<std::mutex> lock(self->mutex_);
      self->outputs_.push_back(
          Output{frame.user_id, frame.pts, frame.keyframe,
                 std::vector<std::uint8_t>(frame.data, frame.data + frame.size), frame.start_qp,
                 frame.mean_qp});
      self->cond_.notify_all();
    };
    cb.error = [](void *opaque, const mk::Status &status, bool has_frame, std::uint64_t user_id,
                  bool fatal) noexcept {
      auto *self = static_cast<Collector *>(opaque);
      std::lock_guard<std::mutex> lock(self->mutex_);
      self->errors_.push_back(
          ErrorReport{status.code(), status.message(), has_frame, user_id, fatal});
      self->cond_.notify_all();
    };
    return cb;
  }

  std::vector<Output> outputs() {
    std::lock_guard<std::mutex> lock(mutex_);
    return outputs_;
  }
  std::vector<ErrorReport> errors() {
    std::lock_guard<std::mutex> lock(mutex_);
    return errors_;
  }
  // Waits until at least `n` errors were reported.
  bool waitErrors(std::size_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cond_.wait_for(lock, kHang, [&] { return errors_.size() >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cond_;
  std::vector<Output> outputs_;
  std::vector<ErrorReport> errors_;
};

// A moving NV12 gradient, `stride` bytes per row.
class Nv12Source {
 public:
  Nv12Source(std::uint32_t width, std::uint32_t height, std::size_t stride)
      : width_(width),
        height_(height),
        stride_(stride),
        y_(stride * height),
        uv_(stride * height / 2) {}

  mk::dvpp::HostFrame frame(int n) {
    for (std::uint32_t r = 0; r < height_; r++)
      for (std::uint32_t c = 0; c < width_; c++)
        y_[r * stride_ + c] = static_cast<std::uint8_t>((r + c + n * 4) ^ ((c / 16 + n) * 7));
    for (std::uint32_t r = 0; r < height_ / 2; r++)
      for (std::uint32_t c = 0; c < width_; c++)
        uv_[r * stride_ + c] = static_cast<std::uint8_t>(128 + ((r * 2 + c + n) % 64) - 32);
    mk::dvpp::HostFrame f;
    f.planes[0] = y_.data();
    f.planes[1] = uv_.data();
    f.strides[0] = stride_;
    f.strides[1] = stride_;
    return f;
  }

 private:
  std::uint32_t width_, height_;
  std::size_t stride_;
  std::vector<std::uint8_t> y_, uv_;
};

inline mk::dvpp::EncoderSettings smallSettings() {
  mk::dvpp::EncoderSettings s;
  s.width = 320;
  s.height = 240;
  s.bitrate = 1000;
  s.gop_size = 10;
  return s;
}

// NAL unit types in an Annex B access unit, in order; -1 first if it does not start with a
// start code.
inline std::vector<int> nalTypes(const std::vector<std::uint8_t> &au, bool h264 = true) {
  std::vector<int> types;
  if (au.size() < 4 || !(au[0] == 0 && au[1] == 0 && (au[2] == 1 || (au[2] == 0 && au[3] == 1))))
    types.push_back(-1);
  for (std::size_t i = 0; i + 3 < au.size(); i++) {
    if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
      std::uint8_t h = au[i + 3];
      types.push_back(h264 ? (h & 0x1F) : ((h >> 1) & 0x3F));
      i += 2;
    }
  }
  return types;
}

inline bool contains(const std::vector<int> &v, int x) {
  for (int e : v)
    if (e == x) return true;
  return false;
}

inline void checkOk(const mk::Status &status) {
  ck_assert_msg(status.isOk(), "%s", status.message().c_str());
}

inline std::unique_ptr<mk::dvpp::EncoderSession> open(const mk::dvpp::EncoderSettings &settings,
                                                      Collector &collector) {
  auto session = mk::dvpp::EncoderSession::create(settings, collector.callbacks());
  ck_assert_msg(session.isOk(), "%s", session.status().message().c_str());
  return std::move(session).value();
}

// Sends `count` frames with user ids first..first+count-1 and pts = 1000 * id.
inline void sendFrames(mk::dvpp::EncoderSession &session, Nv12Source &source, int first,
                       int count) {
  for (int i = first; i < first + count; i++) {
    mk::dvpp::FrameMeta meta;
    meta.user_id = static_cast<std::uint64_t>(i);
    meta.pts = 1000 * i;
    checkOk(session.sendFrame(source.frame(i), meta));
  }
}

}  // namespace dvpptest
