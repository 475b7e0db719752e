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
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
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
#include <thread>
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

// CPU ns between two snapshots: of the session's threads (senders and the looper), and of the
// simulator's encoder workers ("dvppsim-venc"). Threads that ended in between are not counted.
std::pair<double, double> cpuSplit(const std::map<int, ThreadCpu> &before,
                                   const std::map<int, ThreadCpu> &after) {
  double session = 0, sim = 0;
  for (const auto &[tid, t] : after) {
    auto it = before.find(tid);
    double d = static_cast<double>(t.ns - (it == before.end() ? 0 : it->second.ns));
    if (t.name.rfind("dvppsim", 0) == 0)
      sim += d;
    else
      session += d;
  }
  return {session, sim};
}

int threadsNamed(const std::map<int, ThreadCpu> &threads, const char *prefix) {
  int n = 0;
  for (const auto &[tid, t] : threads) n += t.name.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

double processCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct Options {
  int frames = 2000;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sizes;
  std::vector<int> channels;  // --channels: the many-channel run instead
  int pace = 0;               // --pace FPS: each channel at that rate (else back to back)
  double seconds = 3;         // --seconds: how long a paced run lasts
};

// N sessions in one process, one sender thread each (as N pipelines' streaming threads): how
// many looper threads serve them, the CPU a frame costs (the whole process, and the session's
// threads: senders and looper), the frames a second all together, and how long opening and
// closing the N channels takes. Back to back (pace 0: `frames_total` frames over all channels,
// the throughput), or each channel at `pace` frames a second for `seconds` (as cameras send:
// the CPU a frame costs when the machine is not saturated).
//   bench=ascendvenc-channels mode=<max|paced> channels=N looper_threads=L threads=T fps=F
//     cpu_us_per_frame=C session_cpu_us_per_frame=S start_ms=A stop_ms=B
bool runChannels(int channels, int frames_total, int pace, double seconds, std::uint32_t w,
                 std::uint32_t h) {
  const int per_channel = pace > 0 ? std::max(static_cast<int>(pace * seconds), 1)
                                   : std::max(frames_total / channels, 20);
  std::vector<Sink> sinks(static_cast<std::size_t>(channels));
  std::vector<std::unique_ptr<mk::dvpp::EncoderSession>> sessions;
  mk::dvpp::EncoderSettings s;
  s.width = w;
  s.height = h;
  s.gop_size = 30;
  s.profile = 0;
  s.input_buffers = 4;
  auto t0 = Clock::now();
  for (int i = 0; i < channels; i++) {
    auto created = mk::dvpp::EncoderSession::create(s, sinks[i].callbacks());
    if (!created.isOk()) {
      std::fprintf(stderr, "session %d: %s\n", i, created.status().message().c_str());
      return false;
    }
    sessions.push_back(std::move(created).value());
  }
  double start_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  std::size_t stride = sessions[0]->stride();
  std::vector<std::uint8_t> y(stride * h, 0x80), uv(stride * h / 2, 0x80);
  mk::dvpp::HostFrame frame;
  frame.planes[0] = y.data();
  frame.planes[1] = uv.data();
  frame.strides[0] = frame.strides[1] = stride;

  auto before = threadTimes();
  int looper_threads = threadsNamed(before, "mk-dvpp-dev");
  int threads = static_cast<int>(before.size()) + channels;  // and the senders
  double cpu0 = processCpuNs();
  auto t1 = Clock::now();
  std::vector<std::thread> senders;
  std::atomic<int> failed{0};
  for (int i = 0; i < channels; i++) {
    senders.emplace_back([&, i] {
      // Paced channels start spread over one frame interval, as independent cameras do.
      auto next = Clock::now();
      const auto interval =
          pace > 0 ? std::chrono::nanoseconds(1000000000LL / pace) : std::chrono::nanoseconds(0);
      next += interval * i / channels;
      for (int n = 0; n < per_channel; n++) {
        if (pace > 0) {
          std::this_thread::sleep_until(next);
          next += interval;
        }
        mk::dvpp::FrameMeta meta;
        meta.user_id = static_cast<std::uint64_t>(n);
        if (!sessions[i]->sendFrame(frame, meta).isOk()) {
          failed++;
          return;
        }
      }
      if (!sessions[i]->drain(std::chrono::milliseconds(120000)).isOk()) failed++;
    });
  }
  for (auto &t : senders) t.join();
  double wall = std::chrono::duration<double>(Clock::now() - t1).count();
  double cpu = processCpuNs() - cpu0;
  auto [session_cpu, sim_cpu] = cpuSplit(before, threadTimes());
  (void)sim_cpu;
  auto t2 = Clock::now();
  sessions.clear();
  double stop_ms = std::chrono::duration<double, std::milli>(Clock::now() - t2).count();
  if (failed) {
    std::fprintf(stderr, "%d channels failed\n", failed.load());
    return false;
  }
  double frames = static_cast<double>(per_channel) * channels;
  std::printf(
      "bench=ascendvenc-channels mode=%s size=%ux%u channels=%d looper_threads=%d threads=%d "
      "fps=%.0f cpu_us_per_frame=%.1f session_cpu_us_per_frame=%.1f start_ms=%.1f "
      "stop_ms=%.1f\n",
      pace > 0 ? "paced" : "max", w, h, channels, looper_threads, threads, frames / wall,
      cpu / 1000.0 / frames, session_cpu / 1000.0 / frames, start_ms, stop_ms);
  std::fflush(stdout);
  return true;
}

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
    } else if (a == "--channels" && i + 1 < argc) {
      for (const char *p = argv[++i]; *p;) {
        o.channels.push_back(std::atoi(p));
        while (*p && *p != ',') p++;
        if (*p == ',') p++;
      }
    } else if (a == "--pace" && i + 1 < argc) {
      o.pace = std::atoi(argv[++i]);
    } else if (a == "--seconds" && i + 1 < argc) {
      o.seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: %s [--quick] [--frames N] [--size WxH]... [--channels N,N... "
                   "[--pace FPS --seconds S]]\n",
                   argv[0]);
      return 2;
    }
  }
  if (o.frames < 1) o.frames = 1;
  const char *null_encoder = std::getenv("DVPPSIM_NULL_ENCODER");
  if (!null_encoder || std::strcmp(null_encoder, "1") != 0)
    std::fprintf(stderr,
                 "note: DVPPSIM_NULL_ENCODER=1 is not set: the encoder's time is "
                 "included\n");
  if (!o.channels.empty()) {
    // --frames is then the total over all channels; the first --size (default 320x240).
    auto [w, h] = o.sizes.empty() ? std::make_pair(320u, 240u) : o.sizes[0];
    for (int n : o.channels)
      if (n < 1 || !runChannels(n, o.frames, o.pace, o.seconds, w, h)) return 1;
    return 0;
  }
  if (o.sizes.empty()) o.sizes = {{1280, 720}, {640, 480}, {320, 240}};
  for (const auto &[w, h] : o.sizes)
    if (!runSize(w, h, o.frames)) return 1;
  return 0;
}
