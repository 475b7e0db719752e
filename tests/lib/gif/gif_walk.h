// SPDX-License-Identifier: LGPL-2.1-or-later
// The tests' own GIF block walker, the oracle of where things are in a file: the end of the
// header, each extension and image block, each frame's record as gifdemux cuts it (from the first
// extension after the previous image to the end of the image data), the delays, the loop
// extension and the comments. Written from the GIF89a specification alone, apart from lib/gif (it
// uses neither its Reader nor its constants), so that tests of the reader, the demuxer and the
// elements do not take their expected values from the code under test. It walks well-formed
// files and says where it stopped on anything else. Plain C++: lib and element tests share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gif_walk {

struct Block {
  enum Kind { kExtension, kImage } kind = kExtension;
  size_t offset = 0;       // the introducer: 0x21 or 0x2C
  size_t end = 0;          // one past the block terminator
  uint8_t label = 0;       // extensions
  size_t data_offset = 0;  // images: the LZW minimum code size byte
  int frame = 0;           // images: the frame's index; extensions: the frame they precede
};

struct Frame {
  size_t record_offset = 0;  // its first extension (or its image separator)
  size_t record_end = 0;     // one past its image data's terminator
  size_t image_offset = 0;   // its image separator
  bool has_control = false;  // a graphic control extension (of 4 bytes or more) precedes it
  unsigned delay_cs = 0;     // from the last graphic control extension before it (0 without)
  unsigned disposal = 0;
  bool transparent = false;
  unsigned left = 0, top = 0, width = 0, height = 0;
};

struct Walk {
  bool ok = false;
  std::string error;  // where and why the walk stopped, when !ok
  unsigned width = 0, height = 0;
  size_t header_end = 0;  // signature + screen descriptor + global palette
  std::vector<Block> blocks;
  std::vector<Frame> frames;
  std::vector<int> loop_counts;  // every NETSCAPE2.0 / ANIMEXTS1.0 loop count, in file order
  int loop_count_before_first_frame = -1;
  std::vector<std::string> comments;
  size_t trailer = 0;  // offset of 0x3B
};

inline Walk walk(const uint8_t *d, size_t n) {
  Walk w;
  auto u16 = [d](size_t at) { return unsigned(d[at] | (d[at + 1] << 8)); };
  auto stop = [&w](size_t at, const char *why) {
    w.error = std::string(why) + " at offset " + std::to_string(at);
    return w;
  };
  if (n < 13 || std::string(reinterpret_cast<const char *>(d), 3) != "GIF")
    return stop(0, "no header");
  w.width = u16(6);
  w.height = u16(8);
  size_t pos = 13;
  if (d[10] & 0x80) pos += size_t{3} << ((d[10] & 7) + 1);
  if (pos > n) return stop(13, "global palette cut short");
  w.header_end = pos;
  size_t record = pos;  // where the next frame's record starts
  Frame next;           // what the extensions so far say of the next frame
  for (;;) {
    if (pos >= n) return stop(pos, "no trailer");
    const uint8_t introducer = d[pos];
    if (introducer == 0x3B) {
      w.trailer = pos;
      w.ok = true;
      return w;
    }
    Block b;
    b.offset = pos;
    b.frame = int(w.frames.size());
    if (introducer == 0x21) {
      if (pos + 2 > n) return stop(pos, "extension cut short");
      b.label = d[pos + 1];
      pos += 2;
      std::vector<std::string> subs;
      for (;;) {
        if (pos >= n) return stop(pos, "sub-blocks cut short");
        const size_t len = d[pos];
        if (pos + 1 + len > n) return stop(pos, "sub-block cut short");
        if (len == 0) break;
        subs.emplace_back(reinterpret_cast<const char *>(d + pos + 1), len);
        pos += 1 + len;
      }
      pos += 1;
      if (b.label == 0xF9 && !subs.empty() && subs[0].size() >= 4) {
        const auto *g = reinterpret_cast<const uint8_t *>(subs[0].data());
        next.has_control = true;
        next.disposal = (g[0] >> 2) & 7;
        next.transparent = g[0] & 1;
        next.delay_cs = unsigned(g[1] | (g[2] << 8));
      } else if (b.label == 0xFE) {
        std::string text;
        for (const std::string &s : subs) text += s;
        w.comments.push_back(text);
      } else if (b.label == 0xFF && subs.size() >= 2 &&
                 (subs[0] == "NETSCAPE2.0" || subs[0] == "ANIMEXTS1.0") && subs[1].size() >= 3 &&
                 subs[1][0] == 1) {
        const auto *l = reinterpret_cast<const uint8_t *>(subs[1].data());
        w.loop_counts.push_back(int(l[1] | (l[2] << 8)));
        if (w.frames.empty() && w.loop_count_before_first_frame < 0)
          w.loop_count_before_first_frame = w.loop_counts.back();
      }
    } else if (introducer == 0x2C) {
      b.kind = Block::kImage;
      if (pos + 10 > n) return stop(pos, "image descriptor cut short");
      next.image_offset = pos;
      next.left = u16(pos + 1);
      next.top = u16(pos + 3);
      next.width = u16(pos + 5);
      next.height = u16(pos + 7);
      const uint8_t flags = d[pos + 9];
      pos += 10;
      if (flags & 0x80) pos += size_t{3} << ((flags & 7) + 1);
      if (pos + 1 > n) return stop(pos, "local palette cut short");
      b.data_offset = pos;
      pos += 1;  // LZW minimum code size
      for (;;) {
        if (pos >= n) return stop(pos, "image data cut short");
        const size_t len = d[pos];
        pos += 1 + len;
        if (len == 0) break;
      }
      if (pos > n) return stop(pos, "image data cut short");
      next.record_offset = record;
      next.record_end = pos;
      w.frames.push_back(next);
      next = Frame();
      record = pos;
    } else {
      return stop(pos, "unexpected block introducer");
    }
    b.end = pos;
    w.blocks.push_back(b);
  }
}

inline Walk walk(const std::vector<uint8_t> &file) {
  return walk(file.data(), file.size());
}

}  // namespace gif_walk
