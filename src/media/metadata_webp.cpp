#include "media/metadata_webp.h"

#include <cstring>
#include <string>

namespace faceveil::media {

namespace {

// VP8X flag bits (WebP container specification).
constexpr uint8_t kIccFlag = 0x20;
constexpr uint8_t kAlphaFlag = 0x10;
// RIFF sizes are 32-bit.
constexpr uint64_t kMaxRiffPayload = 0xFFFFFFF0u;

struct Chunk {
  std::string fourcc;
  std::span<const uint8_t> payload;
};

uint32_t ReadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 |
         uint32_t{p[3]} << 24;
}

void AppendLe(std::vector<uint8_t>& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back((v >> (8 * i)) & 0xff);
}

void AppendRiffChunk(std::vector<uint8_t>& out, const std::string& fourcc,
                     std::span<const uint8_t> payload) {
  out.insert(out.end(), fourcc.begin(), fourcc.end());
  AppendLe(out, static_cast<uint32_t>(payload.size()), 4);
  out.insert(out.end(), payload.begin(), payload.end());
  if (payload.size() % 2 != 0) out.push_back(0);
}

Status ParseChunks(std::span<const uint8_t> webp, std::vector<Chunk>* chunks) {
  if (webp.size() < 12 || std::memcmp(webp.data(), "RIFF", 4) != 0 ||
      std::memcmp(webp.data() + 8, "WEBP", 4) != 0) {
    return Status::Corrupt("not a WebP file");
  }
  const uint64_t riff_end = 8 + uint64_t{ReadLe32(webp.data() + 4)};
  const size_t end =
      static_cast<size_t>(std::min<uint64_t>(riff_end, webp.size()));
  size_t pos = 12;
  while (pos + 8 <= end) {
    const uint32_t size = ReadLe32(webp.data() + pos + 4);
    if (size > end - pos - 8) return Status::Corrupt("WebP chunk overruns");
    chunks->push_back(
        {std::string(reinterpret_cast<const char*>(webp.data() + pos), 4),
         webp.subspan(pos + 8, size)});
    pos += 8 + size + (size % 2);
  }
  if (chunks->empty()) return Status::Corrupt("WebP file has no chunks");
  return Status::Ok();
}

// Canvas size and alpha of a simple-format image chunk.
Status SimpleCanvas(const Chunk& image, uint32_t* w, uint32_t* h, bool* alpha) {
  const auto& p = image.payload;
  if (image.fourcc == "VP8 ") {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit sizes.
    if (p.size() < 10 || p[3] != 0x9d || p[4] != 0x01 || p[5] != 0x2a) {
      return Status::Corrupt("bad VP8 key frame header");
    }
    *w = (p[6] | p[7] << 8) & 0x3fff;
    *h = (p[8] | p[9] << 8) & 0x3fff;
    *alpha = false;
    return Status::Ok();
  }
  if (image.fourcc == "VP8L") {
    // Signature 0x2f, then width-1 (14 bits), height-1 (14), alpha (1).
    if (p.size() < 5 || p[0] != 0x2f) return Status::Corrupt("bad VP8L header");
    const uint32_t bits = ReadLe32(p.data() + 1);
    *w = (bits & 0x3fff) + 1;
    *h = ((bits >> 14) & 0x3fff) + 1;
    *alpha = (bits >> 28) & 1;
    return Status::Ok();
  }
  return Status::Corrupt("unexpected first WebP chunk " + image.fourcc);
}

}  // namespace

Result<std::vector<uint8_t>> SetWebpIccProfile(std::span<const uint8_t> webp,
                                               std::span<const uint8_t> icc) {
  std::vector<Chunk> chunks;
  FACEVEIL_RETURN_IF_ERROR(ParseChunks(webp, &chunks));
  std::vector<uint8_t> vp8x;
  size_t rest = 0;  // index of the first chunk after the header
  if (chunks[0].fourcc == "VP8X") {
    if (chunks[0].payload.size() < 10) return Status::Corrupt("short VP8X");
    vp8x.assign(chunks[0].payload.begin(), chunks[0].payload.end());
    vp8x[0] |= kIccFlag;
    rest = 1;
  } else {
    uint32_t w = 0, h = 0;
    bool alpha = false;
    FACEVEIL_RETURN_IF_ERROR(SimpleCanvas(chunks[0], &w, &h, &alpha));
    if (w == 0 || h == 0) return Status::Corrupt("WebP image of size zero");
    vp8x.push_back(kIccFlag | (alpha ? kAlphaFlag : 0));
    vp8x.insert(vp8x.end(), 3, 0);
    AppendLe(vp8x, w - 1, 3);
    AppendLe(vp8x, h - 1, 3);
  }
  std::vector<uint8_t> body = {'W', 'E', 'B', 'P'};
  AppendRiffChunk(body, "VP8X", vp8x);
  AppendRiffChunk(body, "ICCP", icc);  // must directly follow VP8X
  for (size_t i = rest; i < chunks.size(); ++i) {
    if (chunks[i].fourcc != "ICCP") {
      AppendRiffChunk(body, chunks[i].fourcc, chunks[i].payload);
    }
  }
  if (body.size() > kMaxRiffPayload) {
    return Status::TooLarge("WebP file would exceed 4 GB");
  }
  std::vector<uint8_t> out = {'R', 'I', 'F', 'F'};
  AppendLe(out, static_cast<uint32_t>(body.size()), 4);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace faceveil::media
