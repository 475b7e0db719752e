// SPDX-License-Identifier: LGPL-2.1-or-later
// Tool for encoder experiments: raw RGB or RGBA frames in, a GIF file out.
//   gif-encode-tool -s WxH [-f rgb|rgba] [-o "colors=64:dither=none:..."] [--delay CS] [--loop N]
//     [--ssim] in.raw out.gif
// -o takes gifenc's properties as an option string (mk::OptionTable::parse), the options it names
// being the explicit ones (quality does not steer them); it may be given
// several times, each encoding the clip again (out.gif is then the last one). --ssim decodes each
// result (tests' independent decoder) and prints its SSIM against the input the way FFmpeg's
// ssim filter computes it on RGB planes (8x8 windows at a 4-pixel step, mean over planes and
// frames), so a sweep of settings needs no FFmpeg run per point. Prints per option set:
// options, frames, bytes, SSIM (-1 without --ssim), wall s, then the encoder's wall and CPU
// (user+sys of the whole process, every thread) ms per frame: on a shared machine the CPU time
// is the steadier figure, and CPU / wall is how many cores were busy. Last, the CPU time of the
// calling thread alone, which does the serial steps and its share of the parallel ones: about
// the wall time an idle machine would take. Not a test; not installed.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "gif/encoder.h"
#include "gif_test_decoder.h"

using namespace mk::gif;

namespace {

// User + system CPU seconds so far of the process (every thread) or of the calling thread.
double cpuSeconds(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  auto sec = [](const timeval &t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

// SSIM of one plane (channel `ch` of packed canvas pixels against interleaved input bytes).
double ssimPlane(const std::vector<uint32_t> &canvas, const uint8_t *src, int bpp, int w, int h,
                 int ch) {
  const int bw = w / 4, bh = h / 4;
  if (bw < 2 || bh < 2) return 1.0;
  struct Sums {
    int64_t s1, s2, ss, s12;
  };
  std::vector<Sums> blocks(static_cast<size_t>(bw) * bh);
  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++) {
      Sums s{0, 0, 0, 0};
      for (int y = by * 4; y < by * 4 + 4; y++)
        for (int x = bx * 4; x < bx * 4 + 4; x++) {
          const int64_t a = (canvas[static_cast<size_t>(y) * w + x] >> (8 * ch)) & 0xff;
          const int64_t b = src[(static_cast<size_t>(y) * w + x) * bpp + ch];
          s.s1 += a;
          s.s2 += b;
          s.ss += a * a + b * b;
          s.s12 += a * b;
        }
      blocks[static_cast<size_t>(by) * bw + bx] = s;
    }
  const double c1 = static_cast<int64_t>(.01 * .01 * 255 * 255 * 64 + .5);
  const double c2 = static_cast<int64_t>(.03 * .03 * 255 * 255 * 64 * 63 + .5);
  double total = 0;
  for (int by = 0; by + 1 < bh; by++)
    for (int bx = 0; bx + 1 < bw; bx++) {
      Sums s{0, 0, 0, 0};
      for (int dy = 0; dy < 2; dy++)
        for (int dx = 0; dx < 2; dx++) {
          const Sums &b = blocks[static_cast<size_t>(by + dy) * bw + bx + dx];
          s.s1 += b.s1;
          s.s2 += b.s2;
          s.ss += b.ss;
          s.s12 += b.s12;
        }
      const double vars = static_cast<double>(s.ss * 64 - s.s1 * s.s1 - s.s2 * s.s2);
      const double covar = static_cast<double>(s.s12 * 64 - s.s1 * s.s2);
      total += (2.0 * s.s1 * s.s2 + c1) * (2 * covar + c2) /
               ((static_cast<double>(s.s1 * s.s1 + s.s2 * s.s2) + c1) * (vars + c2));
    }
  return total / ((bw - 1) * (bh - 1));
}

}  // namespace

int main(int argc, char **argv) {
  EncoderConfig cfg;
  cfg.format = PixelFormat::kRGB;
  int delay = 5, loop = 0;
  bool want_ssim = false;
  std::vector<const char *> files, option_sets;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> const char * { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "-s") {
      if (std::sscanf(next(), "%dx%d", &cfg.width, &cfg.height) != 2) return 2;
    } else if (a == "-f") {
      cfg.format = std::string(next()) == "rgba" ? PixelFormat::kRGBA : PixelFormat::kRGB;
    } else if (a == "-o") {
      option_sets.push_back(next());
    } else if (a == "--delay") {
      delay = std::atoi(next());
    } else if (a == "--loop") {
      loop = std::atoi(next());
    } else if (a == "--ssim") {
      want_ssim = true;
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.size() != 2) {
    std::fprintf(stderr, "usage: gif-encode-tool -s WxH [options] in.raw out.gif\n");
    return 2;
  }
  if (option_sets.empty()) option_sets.push_back("");
  const int bpp = cfg.format == PixelFormat::kRGBA ? 4 : 3;
  const size_t frame_size = static_cast<size_t>(cfg.width) * cfg.height * bpp;
  std::vector<std::vector<uint8_t>> frames;
  {
    FILE *in = std::fopen(files[0], "rb");
    if (!in) return 1;
    std::vector<uint8_t> frame(frame_size);
    // Each frame read straight into its own buffer: no copies to skew a profile of the encoder.
    while (std::fread(frame.data(), 1, frame.size(), in) == frame.size()) {
      frames.push_back(std::move(frame));
      frame.resize(frame_size);
    }
    std::fclose(in);
  }

  for (const char *options : option_sets) {
    EncoderConfig c = cfg;
    if (mk::Status st = parseEncoderOptions(c.settings, c.explicit_options, options); !st) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      return 2;
    }
    auto enc = Encoder::create(c);
    if (!enc) {
      std::fprintf(stderr, "%s\n", enc.status().message().c_str());
      return 1;
    }
    std::vector<uint8_t> records;
    size_t local_palettes = 0;
    const double cpu0 = cpuSeconds(), main0 = cpuSeconds(RUSAGE_THREAD);
    auto t0 = std::chrono::steady_clock::now();
    for (size_t n = 0; n < frames.size(); n++) {
      InputFrame f;
      f.data = frames[n].data();
      f.stride = static_cast<size_t>(c.width) * bpp;
      // push() and pull(): with lookahead=N the frames come out N behind, the rest at drain().
      if (mk::Status st = (*enc)->push(f, static_cast<uint16_t>(delay), false); !st) {
        std::fprintf(stderr, "frame %zu: %s\n", n, st.message().c_str());
        return 1;
      }
      if (n + 1 == frames.size()) (*enc)->drain();
      while ((*enc)->ready()) {
        auto r = (*enc)->pull(records);
        if (!r) {
          std::fprintf(stderr, "frame %zu: %s\n", n, r.status().message().c_str());
          return 1;
        }
        local_palettes += r->local_palette;
      }
    }
    auto t1 = std::chrono::steady_clock::now();
    const double cpu = cpuSeconds() - cpu0, main_cpu = cpuSeconds(RUSAGE_THREAD) - main0;
    std::vector<uint8_t> file = (*enc)->codecData();
    writeLoopExtension(file, static_cast<uint16_t>(loop));
    file.insert(file.end(), records.begin(), records.end());
    writeTrailer(file);
    FILE *out = std::fopen(files[1], "wb");
    if (!out) return 1;
    std::fwrite(file.data(), 1, file.size(), out);
    std::fclose(out);
    double ssim = -1;
    if (want_ssim) {
      gifenc_test::Decoded d;
      if (!gifenc_test::decode(file.data(), file.size(), d) || d.canvases.size() != frames.size()) {
        std::fprintf(stderr, "decode: %s\n", d.error.c_str());
        return 1;
      }
      double sum = 0;
      for (size_t n = 0; n < frames.size(); n++)
        for (int ch = 0; ch < 3; ch++)
          sum += ssimPlane(d.canvases[n], frames[n].data(), bpp, c.width, c.height, ch) / 3;
      ssim = sum / static_cast<double>(frames.size());
    }
    const double wall = std::chrono::duration<double>(t1 - t0).count();
    const double per_frame = frames.empty() ? 0 : 1000.0 / static_cast<double>(frames.size());
    std::printf(
        "%s\t%zu\t%zu\t%.5f\t%.3f\twall_ms/frame=%.1f\tcpu_ms/frame=%.1f"
        "\tcaller_cpu_ms/frame=%.1f\n",
        options, frames.size(), file.size(), ssim, wall, wall * per_frame, cpu * per_frame,
        main_cpu * per_frame);
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %zu of %zu frames with a local palette\n", options, local_palettes,
                 frames.size());
  }
  return 0;
}
