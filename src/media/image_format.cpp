#include <cstring>

#include "faceveil/image.h"

namespace faceveil {
namespace {

bool StartsWith(std::span<const uint8_t> b, size_t offset, const char* magic) {
  const size_t n = std::strlen(magic);
  return b.size() >= offset + n &&
         std::memcmp(b.data() + offset, magic, n) == 0;
}

// ISO-BMFF "ftyp" box whose major brand is a HEIF/AVIF one.
bool IsHeif(std::span<const uint8_t> b) {
  if (!StartsWith(b, 4, "ftyp")) return false;
  static const char* const kBrands[] = {"heic", "heix", "hevc", "hevx", "heim",
                                        "heis", "mif1", "msf1", "avif", "avis"};
  for (const char* brand : kBrands) {
    if (StartsWith(b, 8, brand)) return true;
  }
  return false;
}

}  // namespace

const char* ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kUnknown:
      return "unknown";
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kBmp:
      return "bmp";
    case ImageFormat::kTiff:
      return "tiff";
    case ImageFormat::kHeif:
      return "heif";
  }
  return "unknown";
}

ImageFormat SniffImageFormat(std::span<const uint8_t> b) {
  if (StartsWith(b, 0, "\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (StartsWith(b, 0, "\x89PNG\r\n\x1A\n")) return ImageFormat::kPng;
  if (StartsWith(b, 0, "RIFF") && StartsWith(b, 8, "WEBP")) {
    return ImageFormat::kWebp;
  }
  if (StartsWith(b, 0, "BM")) return ImageFormat::kBmp;
  if (StartsWith(b, 0, "II*") && b.size() >= 4 && b[3] == 0) {
    return ImageFormat::kTiff;
  }
  if (StartsWith(b, 0, "MM") && b.size() >= 4 && b[2] == 0 && b[3] == 42) {
    return ImageFormat::kTiff;
  }
  if (IsHeif(b)) return ImageFormat::kHeif;
  return ImageFormat::kUnknown;
}

}  // namespace faceveil
