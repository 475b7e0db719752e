// SPDX-License-Identifier: LGPL-2.1-or-later
// Wake-to-handler latency of mk::Looper beside a GLib main loop (g_unix_fd_source on its own
// context, run in its own thread). Same method for both: a writer thread stamps the time and
// writes an eventfd; the handler stamps its arrival, drains the fd and acks through a second
// eventfd, which the writer waits on before the next sample. Prints one line per impl:
//   bench=looper impl=<mk|glib> p50_us=<x> p99_us=<y>
// Usage: mk-bench-looper [--quick] [--samples N]
#include <glib.h>
#include <glib-unix.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#include "core/looper.h"

namespace {

constexpr int kWarmup = 500;

std::int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Shared by the writer and whichever loop runs the handler.
struct Probe {
  int fd = -1;      // written by the writer, watched by the loop
  int ack_fd = -1;  // blocking: the writer waits here for the handler
  std::atomic<std::int64_t> sent_ns{0};
  std::vector<double> latencies_us;  // handler thread only until the writer joined
  int seen = 0;

  // Called by the loop's handler.
  void onReady() {
    std::int64_t arrived = nowNs();
    std::uint64_t value;
    if (read(fd, &value, sizeof(value)) != sizeof(value)) return;
    if (seen++ >= kWarmup)
      latencies_us.push_back((arrived - sent_ns.load(std::memory_order_acquire)) / 1000.0);
    std::uint64_t one = 1;
    if (write(ack_fd, &one, sizeof(one)) != sizeof(one)) std::abort();
  }
};

bool writeAll(Probe &probe, int samples) {
  for (int i = 0; i < samples + kWarmup; i++) {
    std::uint64_t one = 1, ack;
    probe.sent_ns.store(nowNs(), std::memory_order_release);
    if (write(probe.fd, &one, sizeof(one)) != sizeof(one)) return false;
    if (read(probe.ack_fd, &ack, sizeof(ack)) != sizeof(ack)) return false;
  }
  return true;
}

void report(const char *impl, std::vector<double> &v) {
  if (v.empty()) {
    std::printf("bench=looper impl=%s error=no-samples\n", impl);
    return;
  }
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
  };
  std::printf("bench=looper impl=%s p50_us=%.1f p99_us=%.1f\n", impl, at(0.50), at(0.99));
  std::fflush(stdout);
}

bool openProbe(Probe &probe) {
  probe.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  probe.ack_fd = eventfd(0, EFD_CLOEXEC);
  return probe.fd >= 0 && probe.ack_fd >= 0;
}

void closeProbe(Probe &probe) {
  close(probe.fd);
  close(probe.ack_fd);
}

bool benchMk(int samples) {
  Probe probe;
  if (!openProbe(probe)) return false;
  probe.latencies_us.reserve(samples);
  {
    mk::Looper looper("bench-looper");
    mk::Status status = looper.add(probe.fd, mk::kPollIn, [&](int, unsigned) { probe.onReady(); });
    if (status) status = looper.start();
    if (!status) {
      std::fprintf(stderr, "mk looper: %s\n", status.message().c_str());
      return false;
    }
    bool ok = false;
    std::thread writer([&] { ok = writeAll(probe, samples); });
    writer.join();
    looper.quit();
    if (!ok) return false;
  }
  report("mk", probe.latencies_us);
  closeProbe(probe);
  return true;
}

gboolean glibReady(gint, GIOCondition, gpointer data) {
  static_cast<Probe *>(data)->onReady();
  return G_SOURCE_CONTINUE;
}

bool benchGlib(int samples) {
  Probe probe;
  if (!openProbe(probe)) return false;
  probe.latencies_us.reserve(samples);
  GMainContext *context = g_main_context_new();
  GMainLoop *loop = g_main_loop_new(context, FALSE);
  GSource *source = g_unix_fd_source_new(probe.fd, G_IO_IN);
  g_source_set_callback(source,
                        reinterpret_cast<GSourceFunc>(reinterpret_cast<void (*)()>(glibReady)),
                        &probe, nullptr);
  g_source_attach(source, context);
  std::thread runner([&] {
    g_main_context_push_thread_default(context);
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(context);
  });
  bool ok = false;
  std::thread writer([&] { ok = writeAll(probe, samples); });
  writer.join();
  g_main_loop_quit(loop);  // wakes the context
  runner.join();
  g_source_destroy(source);
  g_source_unref(source);
  g_main_loop_unref(loop);
  g_main_context_unref(context);
  if (!ok) return false;
  report("glib", probe.latencies_us);
  closeProbe(probe);
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  int samples = 20000;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      samples = 2000;
    } else if (std::strcmp(argv[i], "--samples") == 0 && i + 1 < argc) {
      samples = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--samples N]\n", argv[0]);
      return 2;
    }
  }
  if (samples <= 0) samples = 1;
  bool ok = benchMk(samples) && benchGlib(samples);
  return ok ? 0 : 1;
}
