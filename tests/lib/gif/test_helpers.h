// SPDX-License-Identifier: LGPL-2.1-or-later
// Shared by the gifenc tests: synthetic clips and a whole-file encode through mk::gif::Encoder.
#pragma once

#include <check.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "gif/encoder.h"
#include "gif/writer.h"
#include "gif_test_decoder.h"

namespace gifenc_test {

// A w x h RGBA frame: a smooth gradient (many colours) when `rich`, else a few flat colours,
// with a square that moves with t.
inline std::vector<uint8_t> makeFrame(int w, int h, int t, bool rich) {
  std::vector<uint8_t> f(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint8_t *p = &f[(static_cast<size_t>(y) * w + x) * 4];
      if (rich) {
        p[0] = static_cast<uint8_t>(x * 255 / (w > 1 ? w - 1 : 1));
        p[1] = static_cast<uint8_t>(y * 255 / (h > 1 ? h - 1 : 1));
        p[2] = static_cast<uint8_t>((x * 3 + y * 5 + t * 4) & 0xff);
      } else {
        int c = ((x / 4) + (y / 3)) % 5;
        p[0] = static_cast<uint8_t>(c * 50);
        p[1] = static_cast<uint8_t>(255 - c * 40);
        p[2] = static_cast<uint8_t>(c * 17);
      }
      p[3] = 255;
      int sx = (t * 3) % (w > 8 ? w - 4 : 1), sy = (t * 2) % (h > 8 ? h - 4 : 1);
      if (x >= sx && x < sx + 4 && y >= sy && y < sy + 4) {
        p[0] = 255;
        p[1] = 0;
        p[2] = static_cast<uint8_t>(t * 10);
      }
    }
  return f;
}

inline uint32_t px(const std::vector<uint8_t> &rgba, size_t i) {
  return pack(rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]);
}

struct Encoded {
  std::vector<uint8_t> file;
  std::vector<mk::gif::EncodedFrame> infos;
  std::vector<size_t> recordStart;  // offset of each record in `file`
  size_t headerSize = 0;            // codec data + loop extension
};

// Encodes RGBA frames into a whole file (codec data, loop extension, records, trailer): with
// encode(), or with push() and pull() when the settings look ahead.
inline Encoded encodeClip(const mk::gif::EncoderConfig &cfg,
                          const std::vector<std::vector<uint8_t>> &frames,
                          const std::vector<bool> &keys = {}) {
  auto enc = mk::gif::Encoder::create(cfg);
  ck_assert_msg(enc.isOk(), "%s", enc.status().message().c_str());
  std::vector<uint8_t> records;
  std::vector<size_t> starts;
  Encoded e;
  const int bpp = cfg.format == mk::gif::PixelFormat::kRGB ? 3 : 4;
  auto pull = [&]() {
    starts.push_back(records.size());
    auto info = (*enc)->pull(records);
    ck_assert_msg(info.isOk(), "%s", info.status().message().c_str());
    ck_assert_uint_eq(info->bytes, records.size() - starts.back());
    e.infos.push_back(*info);
  };
  for (size_t i = 0; i < frames.size(); i++) {
    mk::gif::InputFrame in;
    in.data = frames[i].data();
    in.stride = static_cast<size_t>(cfg.width) * bpp;
    const bool key = i < keys.size() && keys[i];
    if (cfg.settings.lookahead > 0) {
      mk::Status st = (*enc)->push(in, 4, key);
      ck_assert_msg(st.isOk(), "%s", st.message().c_str());
      while ((*enc)->ready()) pull();
      continue;
    }
    starts.push_back(records.size());
    auto info = (*enc)->encode(in, 4, key, records);
    ck_assert_msg(info.isOk(), "%s", info.status().message().c_str());
    ck_assert_uint_eq(info->bytes, records.size() - starts.back());
    e.infos.push_back(*info);
  }
  (*enc)->drain();
  while ((*enc)->ready()) pull();
  ck_assert_uint_eq(e.infos.size(), frames.size());
  e.file = (*enc)->codecData();
  mk::gif::writeLoopExtension(e.file, 0);
  e.headerSize = e.file.size();
  for (size_t s : starts) e.recordStart.push_back(e.headerSize + s);
  e.file.insert(e.file.end(), records.begin(), records.end());
  mk::gif::writeTrailer(e.file);
  return e;
}

inline double mse(const std::vector<uint32_t> &canvas, const std::vector<uint8_t> &rgba) {
  double sum = 0;
  for (size_t i = 0; i < canvas.size(); i++) {
    uint32_t c = canvas[i];
    for (int ch = 0; ch < 3; ch++) {
      double d = static_cast<double>((c >> (8 * ch)) & 0xff) - rgba[i * 4 + ch];
      sum += d * d;
    }
  }
  return sum / (3.0 * static_cast<double>(canvas.size()));
}

inline double psnr(double m) {
  return m <= 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / m);
}

}  // namespace gifenc_test
