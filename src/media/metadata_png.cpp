#include "media/metadata_png.h"

#include <zlib.h>

#include <cstring>
#include <string>

namespace faceveil::media {

namespace {

constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

uint32_t ReadBe32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 |
         p[3];
}

void AppendBe32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back((v >> shift) & 0xff);
}

// Appends a chunk: length, type, data, CRC of type and data.
void AppendPngChunk(std::vector<uint8_t>& out, const char* type,
                    std::span<const uint8_t> data) {
  AppendBe32(out, static_cast<uint32_t>(data.size()));
  const size_t type_at = out.size();
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), data.begin(), data.end());
  const uLong crc =
      crc32(0L, out.data() + type_at, static_cast<uInt>(out.size() - type_at));
  AppendBe32(out, static_cast<uint32_t>(crc));
}

}  // namespace

Result<std::vector<uint8_t>> SetPngIccProfile(std::span<const uint8_t> png,
                                              std::span<const uint8_t> icc) {
  if (png.size() < 8 + 25 || std::memcmp(png.data(), kSignature, 8) != 0 ||
      std::memcmp(png.data() + 12, "IHDR", 4) != 0) {
    return Status::Corrupt("not a PNG file");
  }
  // Keyword, its NUL terminator, compression method 0 (zlib), the profile.
  std::vector<uint8_t> iccp(kPngIccKeyword,
                            kPngIccKeyword + sizeof kPngIccKeyword);
  iccp.push_back(0);
  uLongf packed_size = compressBound(static_cast<uLong>(icc.size()));
  const size_t header = iccp.size();
  iccp.resize(header + packed_size);
  if (compress2(iccp.data() + header, &packed_size, icc.data(),
                static_cast<uLong>(icc.size()), Z_BEST_COMPRESSION) != Z_OK) {
    return Status::Internal("cannot compress the ICC profile");
  }
  iccp.resize(header + packed_size);

  std::vector<uint8_t> out(png.begin(), png.begin() + 8);
  size_t pos = 8;
  bool after_ihdr = false;
  while (pos + 12 <= png.size()) {
    const uint32_t len = ReadBe32(png.data() + pos);
    if (len > png.size() - pos - 12)
      return Status::Corrupt("PNG chunk overruns");
    const std::string type(reinterpret_cast<const char*>(png.data() + pos + 4),
                           4);
    const size_t end = pos + 12 + len;
    if (type != "iCCP" && type != "sRGB" && type != "gAMA" && type != "cHRM") {
      out.insert(out.end(), png.begin() + pos, png.begin() + end);
    }
    if (!after_ihdr) {
      if (type != "IHDR") return Status::Corrupt("PNG without IHDR first");
      AppendPngChunk(out, "iCCP", iccp);
      after_ihdr = true;
    }
    pos = end;
    if (type == "IEND") return out;
  }
  return Status::Corrupt("PNG without IEND");
}

}  // namespace faceveil::media
