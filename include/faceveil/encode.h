// Writing images: pixels to file bytes, and which metadata those bytes may
// carry.
//
//   auto bytes = faceveil::EncodeImage(bgr, faceveil::ImageFormat::kJpeg, {});
//   auto safe = faceveil::ApplyMetadataPolicy(original_bytes,
//       std::move(*bytes), faceveil::ImageFormat::kJpeg,
//       faceveil::MetadataPolicy::kStrip);
//
// The encoders write no EXIF, XMP, IPTC or text chunks of their own, so an
// encoded image carries nothing about where, when or with what it was taken
// (tests/media/metadata_test.cpp checks this); ApplyMetadataPolicy() then
// adds back only what the policy allows.
#ifndef FACEVEIL_ENCODE_H_
#define FACEVEIL_ENCODE_H_

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <span>
#include <string>
#include <vector>

#include "faceveil/image.h"
#include "faceveil/status.h"

namespace faceveil {

struct EncodeOptions {
  // JPEG quality, 1..100. 92 keeps the untouched parts of a photo visually
  // identical to the input (PSNR > 40 dB on test photos) at ~1/3 of the
  // size of 100. Chroma is 4:2:0: OpenCV 4.6's encoder offers no other
  // sampling.
  int jpeg_quality = 92;

  // Optimized Huffman tables: a few percent smaller, same pixels.
  bool jpeg_optimize = true;

  // zlib level for PNG, 0..9. 6 is zlib's own default: within a few percent
  // of 9's size at a fraction of its time.
  int png_compression = 6;

  // WebP quality, 1..100 (lossy); 101 means lossless.
  int webp_quality = 90;
};

// Encodes 8-bit `image` (BGR, BGRA or grayscale) as `format`: JPEG, PNG,
// WebP, BMP or TIFF. HEIF and kUnknown give Status::Unsupported (choose the
// output with OutputFormatFor()). Options out of range are InvalidArgument.
Result<std::vector<uint8_t>> EncodeImage(const cv::Mat& image,
                                         ImageFormat format,
                                         const EncodeOptions& options);

// The format to write for an input of `input` format: the same one, except
// HEIF (no encoder we can rely on) and unknown, which become JPEG.
ImageFormat OutputFormatFor(ImageFormat input);

// "jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff" (any case, an optional
// leading dot) to the format; anything else is InvalidArgument.
Result<ImageFormat> ParseImageFormat(const std::string& name);

// The usual file extension with its dot (".jpg", ".png", ".webp", ".bmp",
// ".tif", ".heic"); "" for kUnknown.
const char* FileExtensionFor(ImageFormat format);

// The format a file name's extension names (case-insensitive); kUnknown for
// none or an unknown one. "x.heic" / "x.heif" give kHeif.
ImageFormat FormatFromFileName(const std::string& path);

enum class MetadataPolicy {
  // Nothing from the input except its ICC colour profile (it describes the
  // pixels' colour space, identifies no one, and dropping it shifts the
  // colours of wide-gamut phone photos).
  kStrip,
  // kStrip plus an allow-list: capture date and time (DateTime,
  // DateTimeOriginal, DateTimeDigitized and their offsets), camera make and
  // model. Orientation is written as 1 (the pixels are stored upright).
  // Never GPS, serial numbers, owner names, maker notes, thumbnails, XMP or
  // IPTC.
  kSafe,
};

// "strip", "safe".
const char* MetadataPolicyName(MetadataPolicy policy);
Result<MetadataPolicy> ParseMetadataPolicy(const std::string& name);

// Returns `encoded` (an image of `out_format` as produced by EncodeImage())
// carrying what `policy` allows from `original` (the input file's bytes,
// any format; unreadable metadata in it is ignored, never fatal). Formats
// that cannot hold the metadata (BMP) get nothing. Errors only if the
// encoded image itself cannot be rewritten.
Result<std::vector<uint8_t>> ApplyMetadataPolicy(
    std::span<const uint8_t> original, std::vector<uint8_t> encoded,
    ImageFormat out_format, MetadataPolicy policy);

}  // namespace faceveil

#endif  // FACEVEIL_ENCODE_H_
