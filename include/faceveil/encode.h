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
  // JPEG quality, 1..100. At 92 the untouched parts of a photo stay
  // visually intact (luma PSNR 42.9 dB on astronaut.png, 44.5 on
  // messi5.jpg) at half the size of 98. Chroma is 4:2:0, the only sampling
  // OpenCV 4.6 writes; 4:4:4 would cost ~30% more bytes (measured with
  // ffmpeg at equal quantizer) for colour edges few viewers notice.
  int jpeg_quality = 92;

  // Optimized Huffman tables: same pixels, but on a 1080p photo only 0.9%
  // smaller for twice the encoding time (13.9 vs 6.6 ms, see
  // bench/anonymize_bench.cpp), so off by default.
  bool jpeg_optimize = false;

  // zlib level for PNG, 0..9. 3 is within 2% of level 6's size at ~55% of
  // its time (astronaut.png: 456 vs 446 KB, 63 vs 115 ms).
  int png_compression = 3;

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
  // Nothing from the input but its colour model: the ICC profile is rebuilt
  // from its colorimetric tags alone (primaries, white point, tone curves;
  // no text, private or unknown tag, no header field naming a device or a
  // date), so wide-gamut phone photos keep their colours.
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
// any format; unreadable metadata in it is ignored, never fatal). BMP gets
// nothing. Errors only if the encoded image itself cannot be rewritten.
Result<std::vector<uint8_t>> ApplyMetadataPolicy(
    std::span<const uint8_t> original, std::vector<uint8_t> encoded,
    ImageFormat out_format, MetadataPolicy policy);

}  // namespace faceveil

#endif  // FACEVEIL_ENCODE_H_
