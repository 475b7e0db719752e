// SPDX-License-Identifier: LGPL-2.1-or-later
// Test-only helpers for lib/gif: a small, obviously-correct LZW encoder (map-based, with the
// knobs the decoder tests need) and a GIF byte builder. Not used by the library.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gif_test {

struct LzwOptions {
  bool initial_clear = true;
  bool end_code = true;
  bool defer_clear = false;  // when the table is full, keep going without a clear code
};

class BitWriter {
 public:
  void put(unsigned code, unsigned width) {
    acc_ |= static_cast<uint64_t>(code) << nbits_;
    nbits_ += width;
    while (nbits_ >= 8) {
      out.push_back(static_cast<uint8_t>(acc_));
      acc_ >>= 8;
      nbits_ -= 8;
    }
  }
  void flush() {
    if (nbits_) out.push_back(static_cast<uint8_t>(acc_));
    acc_ = 0;
    nbits_ = 0;
  }
  std::vector<uint8_t> out;

 private:
  uint64_t acc_ = 0;
  unsigned nbits_ = 0;
};

// Encodes `pixels` (each < 2^min_code_size) to concatenated LZW bytes (no sub-blocks).
inline std::vector<uint8_t> lzwEncode(const std::vector<uint8_t> &pixels, unsigned min_code_size,
                                      const LzwOptions &o = LzwOptions(),
                                      unsigned *max_next_seen = nullptr) {
  const unsigned clear = 1u << min_code_size;
  BitWriter w;
  std::map<std::pair<unsigned, uint8_t>, unsigned> dict;
  unsigned width = min_code_size + 1, next = clear + 2;
  if (o.initial_clear) w.put(clear, width);
  if (pixels.empty()) {
    if (o.end_code) w.put(clear + 1, width);
    w.flush();
    return w.out;
  }
  unsigned prefix = pixels[0];
  for (size_t i = 1; i < pixels.size(); i++) {
    const uint8_t c = pixels[i];
    auto it = dict.find({prefix, c});
    if (it != dict.end()) {
      prefix = it->second;
      continue;
    }
    w.put(prefix, width);
    if (next < 4096) {
      dict[{prefix, c}] = next++;
      if (max_next_seen && next > *max_next_seen) *max_next_seen = next;
      if (next > (1u << width) && width < 12) width++;
      if (next == 4096 && !o.defer_clear) {
        w.put(clear, width);
        dict.clear();
        width = min_code_size + 1;
        next = clear + 2;
      }
    }
    prefix = c;
  }
  w.put(prefix, width);
  // The decoder adds one entry for this last code; its width may have grown with it.
  if (next < 4096) {
    next++;
    if (next > (1u << width) && width < 12) width++;
  }
  if (o.end_code) w.put(clear + 1, width);
  w.flush();
  return w.out;
}

// Splits LZW bytes into sub-blocks of `block` bytes (1..255) and adds the terminator.
inline std::vector<uint8_t> subBlocks(const std::vector<uint8_t> &data, unsigned block = 255,
                                      bool terminator = true) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < data.size(); i += block) {
    size_t n = data.size() - i < block ? data.size() - i : block;
    out.push_back(static_cast<uint8_t>(n));
    out.insert(out.end(), data.begin() + i, data.begin() + i + n);
  }
  if (terminator) out.push_back(0);
  return out;
}

struct Image {
  unsigned left = 0, top = 0, width = 0, height = 0;
  bool interlaced = false;
  std::vector<uint8_t> local_palette;  // rgb triples; size must be 3 * 2^k
  std::vector<uint8_t> pixels;         // display order (row-major), width * height
  unsigned min_code_size = 0;          // 0: derived from the palette size
  unsigned block = 255;
  LzwOptions lzw;
};

class GifBuilder {
 public:
  GifBuilder &header(unsigned w, unsigned h, const std::vector<uint8_t> &gct, unsigned bg = 0,
                     const char *version = "GIF89a") {
    bytes.insert(bytes.end(), version, version + 6);
    u16(w);
    u16(h);
    bytes.push_back(gct.empty() ? 0 : static_cast<uint8_t>(0x80 | 0x70 | sizeBits(gct.size())));
    bytes.push_back(static_cast<uint8_t>(bg));
    bytes.push_back(0);
    bytes.insert(bytes.end(), gct.begin(), gct.end());
    gct_entries_ = static_cast<unsigned>(gct.size() / 3);
    return *this;
  }
  GifBuilder &gce(unsigned disposal, unsigned delay, int transparent = -1, bool user = false) {
    const uint8_t packed =
        static_cast<uint8_t>((disposal << 2) | (user ? 2 : 0) | (transparent >= 0 ? 1 : 0));
    const uint8_t b[] = {0x21,
                         0xF9,
                         4,
                         packed,
                         static_cast<uint8_t>(delay & 0xFF),
                         static_cast<uint8_t>(delay >> 8),
                         static_cast<uint8_t>(transparent >= 0 ? transparent : 0),
                         0};
    bytes.insert(bytes.end(), b, b + sizeof(b));
    return *this;
  }
  GifBuilder &loop(unsigned count, const char *id = "NETSCAPE2.0") {
    bytes.push_back(0x21);
    bytes.push_back(0xFF);
    bytes.push_back(11);
    bytes.insert(bytes.end(), id, id + 11);
    const uint8_t b[] = {3, 1, static_cast<uint8_t>(count & 0xFF), static_cast<uint8_t>(count >> 8),
                         0};
    bytes.insert(bytes.end(), b, b + sizeof(b));
    return *this;
  }
  GifBuilder &extension(uint8_t label, const std::vector<uint8_t> &payload, unsigned block = 255) {
    bytes.push_back(0x21);
    bytes.push_back(label);
    auto sb = subBlocks(payload, block);
    bytes.insert(bytes.end(), sb.begin(), sb.end());
    return *this;
  }
  GifBuilder &comment(const std::string &text, unsigned block = 255) {
    return extension(0xFE, std::vector<uint8_t>(text.begin(), text.end()), block);
  }
  GifBuilder &image(const Image &im) {
    bytes.push_back(0x2C);
    u16(im.left);
    u16(im.top);
    u16(im.width);
    u16(im.height);
    uint8_t packed = im.interlaced ? 0x40 : 0;
    if (!im.local_palette.empty()) packed |= 0x80 | sizeBits(im.local_palette.size());
    bytes.push_back(packed);
    bytes.insert(bytes.end(), im.local_palette.begin(), im.local_palette.end());
    unsigned entries = im.local_palette.empty()
                           ? gct_entries_
                           : static_cast<unsigned>(im.local_palette.size() / 3);
    unsigned mcs = im.min_code_size;
    if (!mcs) {
      mcs = 2;
      while ((1u << mcs) < entries) mcs++;
    }
    bytes.push_back(static_cast<uint8_t>(mcs));
    std::vector<uint8_t> stream = im.pixels;
    if (im.interlaced) {
      stream.clear();
      static const unsigned start[] = {0, 4, 2, 1}, step[] = {8, 8, 4, 2};
      for (int p = 0; p < 4; p++)
        for (unsigned y = start[p]; y < im.height; y += step[p])
          stream.insert(stream.end(), im.pixels.begin() + y * im.width,
                        im.pixels.begin() + (y + 1) * im.width);
    }
    auto sb = subBlocks(lzwEncode(stream, mcs, im.lzw), im.block);
    bytes.insert(bytes.end(), sb.begin(), sb.end());
    return *this;
  }
  GifBuilder &trailer() {
    bytes.push_back(0x3B);
    return *this;
  }
  std::vector<uint8_t> bytes;

 private:
  static uint8_t sizeBits(size_t rgb_bytes) {
    unsigned n = static_cast<unsigned>(rgb_bytes / 3), k = 0;
    while ((2u << k) < n) k++;
    return static_cast<uint8_t>(k);
  }
  void u16(unsigned v) {
    bytes.push_back(static_cast<uint8_t>(v & 0xFF));
    bytes.push_back(static_cast<uint8_t>(v >> 8));
  }
  unsigned gct_entries_ = 0;
};

inline std::vector<uint8_t> grayPalette(unsigned entries) {
  std::vector<uint8_t> p;
  for (unsigned i = 0; i < entries; i++) {
    uint8_t v = static_cast<uint8_t>(entries > 1 ? i * 255 / (entries - 1) : 0);
    p.push_back(v);
    p.push_back(static_cast<uint8_t>(255 - v));
    p.push_back(static_cast<uint8_t>(i));
  }
  return p;
}

// An 8x8 animation of `frames` opaque full-screen frames (each one a key frame) of `delay_cs`
// each, with a comment before each frame when `comments`, looping `loop` times (-1: no loop
// extension). Frame i is filled with colour i % 4.
inline std::vector<uint8_t> opaqueAnimation(int frames, unsigned delay_cs, bool comments = false,
                                            int loop = -1) {
  GifBuilder b;
  b.header(8, 8, grayPalette(4));
  if (loop >= 0) b.loop(static_cast<unsigned>(loop));
  for (int i = 0; i < frames; i++) {
    if (comments) b.comment("comment number " + std::to_string(i));
    b.gce(1, delay_cs);
    Image im;
    im.width = im.height = 8;
    im.pixels.assign(64, static_cast<uint8_t>(i % 4));
    b.image(im);
  }
  return b.trailer().bytes;
}

inline bool readFile(const std::string &path, std::vector<uint8_t> &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

inline std::string envOr(const char *name, const char *fallback) {
  const char *v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace gif_test
