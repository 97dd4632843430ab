#include "media/decode_exif.h"

#include <cstring>
#include <opencv2/core.hpp>

#include "media/decode_header.h"

namespace faceveil {
namespace {

constexpr uint16_t kTiffTypeShort = 3;
constexpr uint16_t kTiffTypeLong = 4;

// The TIFF payload of an EXIF block, which may or may not start with the
// "Exif\0\0" identifier (required in JPEG APP1, absent in PNG eXIf, either
// in WebP files seen in the wild).
std::span<const uint8_t> StripExifHeader(std::span<const uint8_t> b) {
  if (b.size() >= 6 && std::memcmp(b.data(), "Exif\0\0", 6) == 0) {
    return b.subspan(6);
  }
  return b;
}

// The payload of the first JPEG APP1 segment holding EXIF, or empty.
std::span<const uint8_t> FindJpegExif(std::span<const uint8_t> b) {
  std::span<const uint8_t> found;
  ForEachJpegSegment(b, [&](uint8_t marker, std::span<const uint8_t> payload) {
    if (marker == 0xE1 && payload.size() >= 6 &&
        std::memcmp(payload.data(), "Exif\0\0", 6) == 0) {
      found = payload.subspan(6);
      return false;
    }
    return true;
  });
  return found;
}

std::span<const uint8_t> FindPngExif(std::span<const uint8_t> b) {
  std::span<const uint8_t> found;
  ForEachPngChunk(b, [&](const char* type, std::span<const uint8_t> data) {
    if (std::memcmp(type, "eXIf", 4) == 0) {
      found = data;
      return false;
    }
    return true;
  });
  return found;
}

std::span<const uint8_t> FindWebpExif(std::span<const uint8_t> b) {
  std::span<const uint8_t> found;
  ForEachRiffChunk(b, [&](const char* type, std::span<const uint8_t> data) {
    if (std::memcmp(type, "EXIF", 4) == 0) {
      found = StripExifHeader(data);
      return false;
    }
    return true;
  });
  return found;
}

}  // namespace

std::optional<uint32_t> FindTiffIfd0Tag(std::span<const uint8_t> t,
                                        uint16_t tag) {
  if (t.size() < 8) return std::nullopt;
  bool big_endian;
  if (t[0] == 'I' && t[1] == 'I') {
    big_endian = false;
  } else if (t[0] == 'M' && t[1] == 'M') {
    big_endian = true;
  } else {
    return std::nullopt;
  }
  const ByteReader r(t, big_endian);
  if (r.U16(2) != 42) return std::nullopt;
  const uint64_t ifd = r.U32(4);
  const uint64_t count = r.U16(ifd);
  if (ifd + 2 + count * 12 > t.size()) return std::nullopt;
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t e = ifd + 2 + i * 12;
    if (r.U16(e) != tag || r.U32(e + 4) != 1) continue;
    // A single SHORT or LONG sits left-justified in the 4-byte value field.
    switch (r.U16(e + 2)) {
      case kTiffTypeShort:
        return r.U16(e + 8);
      case kTiffTypeLong:
        return r.U32(e + 8);
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

int FindExifOrientation(std::span<const uint8_t> bytes, ImageFormat format) {
  std::span<const uint8_t> tiff;
  switch (format) {
    case ImageFormat::kJpeg:
      tiff = FindJpegExif(bytes);
      break;
    case ImageFormat::kPng:
      tiff = FindPngExif(bytes);
      break;
    case ImageFormat::kWebp:
      tiff = FindWebpExif(bytes);
      break;
    case ImageFormat::kTiff:
      tiff = bytes;
      break;
    default:
      return 1;
  }
  const std::optional<uint32_t> o = FindTiffIfd0Tag(tiff, kTiffTagOrientation);
  return o && *o >= 1 && *o <= 8 ? static_cast<int>(*o) : 1;
}

int InverseExifOrientation(int orientation) {
  if (orientation == 6) return 8;
  if (orientation == 8) return 6;
  return orientation;
}

cv::Mat ApplyExifOrientation(const cv::Mat& stored, int orientation) {
  // Orientation names where the stored 0th row and 0th column lie in the
  // upright picture (TIFF 6.0 / EXIF 2.3 tag 274).
  cv::Mat out;
  switch (orientation) {
    case 2:  // row 0 top, column 0 right
      cv::flip(stored, out, 1);
      return out;
    case 3:  // row 0 bottom, column 0 right
      cv::rotate(stored, out, cv::ROTATE_180);
      return out;
    case 4:  // row 0 bottom, column 0 left
      cv::flip(stored, out, 0);
      return out;
    case 5:  // row 0 left, column 0 top
      cv::transpose(stored, out);
      return out;
    case 6:  // row 0 right, column 0 top
      cv::rotate(stored, out, cv::ROTATE_90_CLOCKWISE);
      return out;
    case 7:  // row 0 right, column 0 bottom
      cv::transpose(stored, out);
      cv::flip(out, out, -1);
      return out;
    case 8:  // row 0 left, column 0 bottom
      cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      return out;
    default:
      return stored;
  }
}

}  // namespace faceveil
