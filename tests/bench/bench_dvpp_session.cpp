// SPDX-License-Identifier: LGPL-2.1-or-later
// Per-frame cost of mk::dvpp::EncoderSession around the encoder, on libdvppsim.so (run it with
// DVPPSIM_NULL_ENCODER=1 so that the simulator's encoder costs next to nothing). Three paths:
//   copy      sendFrame() of a host frame (what ascendvenc does): pool acquire, copy, send
//   zerocopy  acquireInputBuffer() + sendBuffer(): pool acquire and send only
//   roundtrip one frame at a time, waiting for its output: the latency of the whole path
//             (send, the simulator's worker, looper wake, get/release, output callback)
// For copy and zerocopy, N frames are sent back to back and drained; us_per_frame is wall time
// per frame, cpu_us_per_frame the CPU time of the session's own threads (the sender and the
// looper, hi_mpi calls included; the simulator's worker thread is the "encoder" and left out).
//   bench=ascendvenc-overhead layer=session size=WxH path=<p> us_per_frame=<x> cpu_us_per_frame=<y>
// Usage: mk-bench-dvpp-session [--quick] [--frames N] [--size WxH]...
// Needs GST_ASCEND_MPI_LIB and GST_ASCEND_ACL_LIB pointing at libdvppsim.so (scripts/bench does).
#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "dvpp/session.h"

namespace {

using Clock = std::chrono::steady_clock;

// Output callback side: counts frames, wakes the roundtrip waiter.
struct Sink {
  std::mutex mutex;
  std::condition_variable cond;
  std::uint64_t outputs = 0;
  std::uint64_t errors = 0;

  mk::dvpp::EncoderCallbacks callbacks() {
    mk::dvpp::EncoderCallbacks cb;
    cb.opaque = this;
    cb.output = [](void *opaque, const mk::dvpp::EncodedFrame &) noexcept {
      auto *self = static_cast<Sink *>(opaque);
      std::lock_guard<std::mutex> lock(self->mutex);
      self->outputs++;
      self->cond.notify_all();
    };
    cb.error = [](void *opaque, const mk::Status &status, bool, std::uint64_t, bool) noexcept {
      auto *self = static_cast<Sink *>(opaque);
      std::fprintf(stderr, "session error: %s\n", status.message().c_str());
      std::lock_guard<std::mutex> lock(self->mutex);
      self->errors++;
      self->cond.notify_all();
    };
    return cb;
  }

  bool waitOutputs(std::uint64_t n) {
    std::unique_lock<std::mutex> lock(mutex);
    return cond.wait_for(lock, std::chrono::seconds(30), [&] { return outputs + errors >= n; });
  }
};

// CPU time (ns) of every thread of this process, by tid, with its name.
struct ThreadCpu {
  std::string name;
  std::uint64_t ns = 0;
};

std::map<int, ThreadCpu> threadTimes() {
  std::map<int, ThreadCpu> out;
  DIR *dir = opendir("/proc/self/task");
  if (!dir) return out;
  while (dirent *e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    int tid = std::atoi(e->d_name);
    std::string base = std::string("/proc/self/task/") + e->d_name;
    ThreadCpu t;
    std::ifstream comm(base + "/comm");
    std::getline(comm, t.name);
    std::ifstream sched(base + "/schedstat");  // first field: ns on a CPU
    if (!(sched >> t.ns)) {
      // No schedstat: utime + stime in clock ticks from stat (fields 14, 15 after the name).
      std::ifstream stat(base + "/stat");
      std::string line;
      std::getline(stat, line);
      std::size_t close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::vector<std::string> fields;
      std::size_t pos = close + 2;
      while (pos < line.size()) {
        std::size_t end = line.find(' ', pos);
        if (end == std::string::npos) end = line.size();
        fields.push_back(line.substr(pos, end - pos));
        pos = end + 1;
      }
      if (fields.size() < 13) continue;
      double ticks = std::atof(fields[11].c_str()) + std::atof(fields[12].c_str());
      t.ns = static_cast<std::uint64_t>(ticks * 1e9 / sysconf(_SC_CLK_TCK));
    }
    out[tid] = t;
  }
  closedir(dir);
  return out;
}

// CPU ns between two snapshots: of the session's threads (this one and its looper), and of the
// rest (the simulator's worker).
std::pair<double, double> cpuSplit(const std::map<int, ThreadCpu> &before,
                                   const std::map<int, ThreadCpu> &after) {
  double session = 0, other = 0;
  int self = static_cast<int>(getpid());
  for (const auto &[tid, t] : after) {
    auto it = before.find(tid);
    double d = static_cast<double>(t.ns - (it == before.end() ? 0 : it->second.ns));
    if (tid == self || t.name.rfind("mk-dvpp-dev", 0) == 0)
      session += d;
    else
      other += d;
  }
  return {session, other};
}

struct Options {
  int frames = 2000;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sizes;
};

bool runSize(std::uint32_t w, std::uint32_t h, int frames) {
  Sink sink;
  mk::dvpp::EncoderSettings s;
  s.width = w;
  s.height = h;
  s.bitrate = 2000;
  s.gop_size = 30;
  s.profile = 0;
  auto created = mk::dvpp::EncoderSession::create(s, sink.callbacks());
  if (!created.isOk()) {
    std::fprintf(stderr, "cannot create a session: %s\n", created.status().message().c_str());
    return false;
  }
  auto &session = *created.value();
  // One pre-made NV12 frame at the session's stride: the source costs nothing.
  std::size_t stride = session.stride();
  std::vector<std::uint8_t> y(stride * h, 0x80), uv(stride * h / 2, 0x80);
  mk::dvpp::HostFrame frame;
  frame.planes[0] = y.data();
  frame.planes[1] = uv.data();
  frame.strides[0] = frame.strides[1] = stride;
  std::uint64_t sent = 0;
  auto send = [&](bool zero_copy) {
    mk::dvpp::FrameMeta meta;
    meta.user_id = sent;
    meta.pts = static_cast<std::int64_t>(sent) * 33333;
    sent++;
    if (!zero_copy) return session.sendFrame(frame, meta);
    auto buf = session.acquireInputBuffer();
    if (!buf.isOk()) return buf.status();
    return session.sendBuffer(std::move(buf).value(), meta);
  };
  auto fail = [](const char *what, const mk::Status &st) {
    std::fprintf(stderr, "%s: %s\n", what, st.message().c_str());
    return false;
  };
  const auto kDrain = std::chrono::milliseconds(60000);

  for (int i = 0; i < 30; i++)  // warm up: pool filled, caches hot
    if (mk::Status st = send(false); !st.isOk()) return fail("send", st);
  if (mk::Status st = session.drain(kDrain); !st.isOk()) return fail("drain", st);

  for (const char *path : {"copy", "zerocopy"}) {
    bool zero_copy = std::strcmp(path, "zerocopy") == 0;
    if (zero_copy && !session.inputIsHostAccessible()) continue;
    auto cpu0 = threadTimes();
    auto t0 = Clock::now();
    for (int i = 0; i < frames; i++)
      if (mk::Status st = send(zero_copy); !st.isOk()) return fail("send", st);
    if (mk::Status st = session.drain(kDrain); !st.isOk()) return fail("drain", st);
    double wall = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    auto [cpu, sim] = cpuSplit(cpu0, threadTimes());
    std::printf(
        "bench=ascendvenc-overhead layer=session size=%ux%u path=%s us_per_frame=%.1f "
        "cpu_us_per_frame=%.1f sim_cpu_us_per_frame=%.1f\n",
        w, h, path, wall / frames, cpu / 1000.0 / frames, sim / 1000.0 / frames);
  }

  // One frame in flight at a time: the full path's latency, wakes included.
  int round = frames / 4 > 50 ? frames / 4 : 50;
  std::uint64_t base;
  {
    std::lock_guard<std::mutex> lock(sink.mutex);
    base = sink.outputs + sink.errors;
  }
  auto t0 = Clock::now();
  for (int i = 0; i < round; i++) {
    if (mk::Status st = send(false); !st.isOk()) return fail("send", st);
    if (!sink.waitOutputs(base + i + 1)) {
      std::fprintf(stderr, "no output for frame %d\n", i);
      return false;
    }
  }
  double wall = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  std::printf(
      "bench=ascendvenc-overhead layer=session size=%ux%u path=roundtrip us_per_frame=%.1f\n", w, h,
      wall / round);
  std::fflush(stdout);
  std::lock_guard<std::mutex> lock(sink.mutex);
  if (sink.errors) {
    std::fprintf(stderr, "%llu frames failed\n", static_cast<unsigned long long>(sink.errors));
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    unsigned w = 0, h = 0;
    if (a == "--quick") {
      o.frames = 300;
    } else if (a == "--frames" && i + 1 < argc) {
      o.frames = std::atoi(argv[++i]);
    } else if (a == "--size" && i + 1 < argc && std::sscanf(argv[++i], "%ux%u", &w, &h) == 2) {
      o.sizes.emplace_back(w, h);
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--frames N] [--size WxH]...\n", argv[0]);
      return 2;
    }
  }
  if (o.frames < 1) o.frames = 1;
  if (o.sizes.empty()) o.sizes = {{1280, 720}, {640, 480}, {320, 240}};
  const char *null_encoder = std::getenv("DVPPSIM_NULL_ENCODER");
  if (!null_encoder || std::strcmp(null_encoder, "1") != 0)
    std::fprintf(stderr,
                 "note: DVPPSIM_NULL_ENCODER=1 is not set: the encoder's time is "
                 "included\n");
  for (const auto &[w, h] : o.sizes)
    if (!runSize(w, h, o.frames)) return 1;
  return 0;
}
