// SPDX-License-Identifier: LGPL-2.1-or-later
// Scratch tool for encoder experiments: raw RGB or RGBA frames in, a GIF file out.
//   gif-encode-tool -s WxH [-f rgb|rgba] [-o "colors=64:dither=none:..."] [--delay CS] [--loop N]
//     in.raw out.gif
// -o takes gifenc's properties as an option string (mk::OptionTable::parse).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "gif/encoder.h"

using namespace mk::gif;

int main(int argc, char **argv) {
  EncoderConfig cfg;
  cfg.format = PixelFormat::kRGB;
  int delay = 5, loop = 0;
  std::vector<const char *> files;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> const char * { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "-s") {
      if (std::sscanf(next(), "%dx%d", &cfg.width, &cfg.height) != 2) return 2;
    } else if (a == "-f") {
      cfg.format = std::string(next()) == "rgba" ? PixelFormat::kRGBA : PixelFormat::kRGB;
    } else if (a == "-o") {
      mk::Status st = encoderOptions().parse(&cfg.settings, next());
      if (!st) {
        std::fprintf(stderr, "%s\n", st.message().c_str());
        return 2;
      }
    } else if (a == "--delay") {
      delay = std::atoi(next());
    } else if (a == "--loop") {
      loop = std::atoi(next());
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.size() != 2) {
    std::fprintf(stderr, "usage: gif-encode-tool -s WxH [options] in.raw out.gif\n");
    return 2;
  }
  auto enc = Encoder::create(cfg);
  if (!enc) {
    std::fprintf(stderr, "%s\n", enc.status().message().c_str());
    return 1;
  }
  FILE *in = std::fopen(files[0], "rb");
  FILE *out = std::fopen(files[1], "wb");
  if (!in || !out) return 1;
  const int bpp = cfg.format == PixelFormat::kRGBA ? 4 : 3;
  std::vector<uint8_t> frame(static_cast<size_t>(cfg.width) * cfg.height * bpp);
  std::vector<uint8_t> records, head;
  size_t n = 0;
  auto t0 = std::chrono::steady_clock::now();
  while (std::fread(frame.data(), 1, frame.size(), in) == frame.size()) {
    InputFrame f;
    f.data = frame.data();
    f.stride = static_cast<size_t>(cfg.width) * bpp;
    auto r = (*enc)->encode(f, static_cast<uint16_t>(delay), false, records);
    if (!r) {
      std::fprintf(stderr, "frame %zu: %s\n", n, r.status().message().c_str());
      return 1;
    }
    n++;
  }
  auto t1 = std::chrono::steady_clock::now();
  head = (*enc)->codecData();
  writeLoopExtension(head, static_cast<uint16_t>(loop));
  std::fwrite(head.data(), 1, head.size(), out);
  std::fwrite(records.data(), 1, records.size(), out);
  std::vector<uint8_t> tail;
  writeTrailer(tail);
  std::fwrite(tail.data(), 1, tail.size(), out);
  std::fclose(out);
  std::fclose(in);
  std::fprintf(stderr, "%zu frames, %zu bytes, %.3f s encode\n", n,
               head.size() + records.size() + 1, std::chrono::duration<double>(t1 - t0).count());
  return 0;
}
