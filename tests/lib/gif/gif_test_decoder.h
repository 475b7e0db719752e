// SPDX-License-Identifier: LGPL-2.1-or-later
// A small, strict GIF decoder for the encoder's tests and fuzz target: it checks the structure
// the encoder promises (sub-blocks, code widths, exact pixel counts, trailer) and composes the
// frames (disposal 1 and 2, transparency) into packed canvases like mk::gif::packRgba.
// Independent of lib/gif on purpose: it must not share the encoder's mistakes.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace gifenc_test {

struct Decoded {
  int width = 0, height = 0;
  int loop_count = -1;  // -1: no NETSCAPE2.0 extension
  std::vector<std::string> comments;
  std::vector<std::vector<uint32_t>> canvases;  // one composed canvas a frame
  std::vector<int> delays, disposals, transparent;
  std::vector<bool> local;
  std::string error;
};

inline uint32_t pack(uint32_t r, uint32_t g, uint32_t b, uint32_t a) {
  return r | (g << 8) | (b << 16) | (a << 24);
}

// Decodes one LZW image data stream starting at data[pos] (min code size byte) into `count`
// indices. Returns false with a message on any inconsistency.
inline bool lzwDecode(const uint8_t *data, size_t size, size_t &pos, size_t count,
                      std::vector<uint8_t> &out, std::string &err) {
  if (pos >= size) return err = "no LZW code size", false;
  const int minSize = data[pos++];
  if (minSize < 2 || minSize > 8) return err = "bad LZW code size", false;
  // Gather the sub-blocks.
  std::vector<uint8_t> bytes;
  for (;;) {
    if (pos >= size) return err = "truncated sub-blocks", false;
    int n = data[pos++];
    if (n == 0) break;
    if (pos + n > size) return err = "truncated sub-block", false;
    bytes.insert(bytes.end(), data + pos, data + pos + n);
    pos += n;
  }
  const int clear = 1 << minSize, end = clear + 1;
  std::vector<uint16_t> prefix(4096);
  std::vector<uint8_t> suffix(4096), first(4096);
  std::vector<uint8_t> stack;
  int code_size = minSize + 1, next = end + 1, prev = -1;
  size_t bit = 0;
  out.clear();
  bool sawEnd = false;
  while (true) {
    if (bit + code_size > bytes.size() * 8) return err = "LZW data ended without End code", false;
    int code = 0;
    for (int i = 0; i < code_size; i++, bit++) code |= ((bytes[bit >> 3] >> (bit & 7)) & 1) << i;
    if (code == clear) {
      code_size = minSize + 1;
      next = end + 1;
      prev = -1;
      continue;
    }
    if (code == end) {
      sawEnd = true;
      break;
    }
    if (prev < 0) {
      if (code >= clear) return err = "first code after Clear is not a literal", false;
      out.push_back(static_cast<uint8_t>(code));
      prev = code;
      continue;
    }
    int c = code;
    stack.clear();
    if (code > next || (code == next && next >= 4096)) return err = "LZW code out of range", false;
    if (code == next) {
      // KwKwK: the string of prev plus its first byte.
      stack.push_back(prev < clear ? static_cast<uint8_t>(prev) : first[prev]);
      c = prev;
    }
    while (c >= clear) {
      stack.push_back(suffix[c]);
      c = prefix[c];
    }
    stack.push_back(static_cast<uint8_t>(c));
    const uint8_t firstByte = static_cast<uint8_t>(c);
    for (size_t i = stack.size(); i-- > 0;) out.push_back(stack[i]);
    if (next < 4096) {
      prefix[next] = static_cast<uint16_t>(prev);
      suffix[next] = firstByte;
      first[next] = prev < clear ? static_cast<uint8_t>(prev) : first[prev];
      next++;
      if (next == (1 << code_size) && code_size < 12) code_size++;
    }
    prev = code;
    if (out.size() > count) return err = "more pixels than the frame holds", false;
  }
  if (!sawEnd) return err = "no End code", false;
  // Only padding bits may follow the End code.
  if ((bit + 7) / 8 != bytes.size()) return err = "data after the End code", false;
  if (out.size() != count)
    return err = "pixel count " + std::to_string(out.size()) + " != " + std::to_string(count),
           false;
  return true;
}

inline bool decode(const uint8_t *d, size_t size, Decoded &g) {
  auto bad = [&](const std::string &m) {
    g.error = m;
    return false;
  };
  if (size < 13 || std::memcmp(d, "GIF89a", 6) != 0) return bad("no GIF89a header");
  g.width = d[6] | d[7] << 8;
  g.height = d[8] | d[9] << 8;
  if (g.width == 0 || g.height == 0) return bad("zero screen size");
  size_t pos = 13;
  uint32_t gct[256] = {};
  int gctSize = 0;
  if (d[10] & 0x80) {
    gctSize = 2 << (d[10] & 7);
    if (pos + 3 * gctSize > size) return bad("truncated global table");
    for (int i = 0; i < gctSize; i++)
      gct[i] = pack(d[pos + 3 * i], d[pos + 3 * i + 1], d[pos + 3 * i + 2], 255);
    pos += 3 * gctSize;
  }
  std::vector<uint32_t> canvas(static_cast<size_t>(g.width) * g.height, 0);
  int delay = 0, disposal = 0, trans = -1;
  std::vector<uint8_t> idx;
  for (;;) {
    if (pos >= size) return bad("no trailer");
    uint8_t b = d[pos++];
    if (b == 0x3B) {
      if (pos != size) return bad("bytes after the trailer");
      return true;
    }
    if (b == 0x21) {
      if (pos >= size) return bad("truncated extension");
      uint8_t label = d[pos++];
      std::vector<uint8_t> body;
      std::vector<std::vector<uint8_t>> blocks;
      for (;;) {
        if (pos >= size) return bad("truncated extension blocks");
        int n = d[pos++];
        if (n == 0) break;
        if (pos + n > size) return bad("truncated extension block");
        blocks.emplace_back(d + pos, d + pos + n);
        pos += n;
      }
      if (label == 0xF9) {
        if (blocks.size() != 1 || blocks[0].size() != 4) return bad("bad GCE");
        disposal = (blocks[0][0] >> 2) & 7;
        delay = blocks[0][1] | blocks[0][2] << 8;
        trans = (blocks[0][0] & 1) ? blocks[0][3] : -1;
      } else if (label == 0xFE) {
        std::string text;
        for (auto &bl : blocks) text.append(bl.begin(), bl.end());
        g.comments.push_back(text);
      } else if (label == 0xFF) {
        if (blocks.size() == 2 && blocks[0].size() == 11 &&
            std::memcmp(blocks[0].data(), "NETSCAPE2.0", 11) == 0 && blocks[1].size() == 3 &&
            blocks[1][0] == 1)
          g.loop_count = blocks[1][1] | blocks[1][2] << 8;
      }
      continue;
    }
    if (b != 0x2C) return bad("unknown block 0x" + std::to_string(b));
    if (pos + 9 > size) return bad("truncated image descriptor");
    int x = d[pos] | d[pos + 1] << 8, y = d[pos + 2] | d[pos + 3] << 8;
    int w = d[pos + 4] | d[pos + 5] << 8, h = d[pos + 6] | d[pos + 7] << 8;
    uint8_t flags = d[pos + 8];
    pos += 9;
    if (w == 0 || h == 0 || x + w > g.width || y + h > g.height)
      return bad("frame outside the screen");
    if (flags & 0x40) return bad("interlaced (never written)");
    uint32_t lct[256] = {};
    int lctSize = 0;
    if (flags & 0x80) {
      lctSize = 2 << (flags & 7);
      if (pos + 3 * lctSize > size) return bad("truncated local table");
      for (int i = 0; i < lctSize; i++)
        lct[i] = pack(d[pos + 3 * i], d[pos + 3 * i + 1], d[pos + 3 * i + 2], 255);
      pos += 3 * lctSize;
    }
    const uint32_t *pal = lctSize ? lct : gct;
    const int palSize = lctSize ? lctSize : gctSize;
    if (palSize == 0) return bad("no colour table");
    std::string err;
    if (!lzwDecode(d, size, pos, static_cast<size_t>(w) * h, idx, err)) return bad(err);
    for (int yy = 0; yy < h; yy++)
      for (int xx = 0; xx < w; xx++) {
        int i = idx[static_cast<size_t>(yy) * w + xx];
        if (i >= palSize) return bad("index beyond the colour table");
        if (i == trans) continue;
        canvas[static_cast<size_t>(y + yy) * g.width + x + xx] = pal[i];
      }
    g.canvases.push_back(canvas);
    g.delays.push_back(delay);
    g.disposals.push_back(disposal);
    g.transparent.push_back(trans);
    g.local.push_back(lctSize != 0);
    if (disposal == 2)
      for (int yy = 0; yy < h; yy++)
        for (int xx = 0; xx < w; xx++) canvas[static_cast<size_t>(y + yy) * g.width + x + xx] = 0;
    if (disposal == 3) return bad("disposal 3 (never written)");
    delay = 0;
    disposal = 0;
    trans = -1;
  }
}

}  // namespace gifenc_test
