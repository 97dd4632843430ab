// Reading images: format sniffing, a pixel limit checked before decoding,
// and EXIF orientation, so that every image reaches the detector upright and
// face coordinates refer to what a viewer shows.
//
//   faceveil::DecodeOptions options;
//   auto image = faceveil::ReadImage("photo.jpg", options);
//   if (!image.ok()) { ... image.status().ToString() ... }
//   cv::Mat bgr = image->pixels;
#ifndef FACEVEIL_IMAGE_H_
#define FACEVEIL_IMAGE_H_

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <span>
#include <string>
#include <vector>

#include "faceveil/status.h"

namespace faceveil {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kBmp, kTiff, kHeif };

// "jpeg", "png", "webp", "bmp", "tiff", "heif", "unknown".
const char* ImageFormatName(ImageFormat format);

// The format `bytes` claim by their magic number; kUnknown when none fits.
// Looks at the first 12 bytes at most.
ImageFormat SniffImageFormat(std::span<const uint8_t> bytes);

struct DecodeOptions {
  // Images with more pixels than this are refused with Status::TooLarge
  // before any pixel memory is allocated (decompression bombs). The default
  // admits 10000 x 10000.
  int64_t max_pixels = 100'000'000;

  // Rotate/flip the pixels as the EXIF Orientation tag says, so that the
  // result is upright. When false, the pixels are returned as stored.
  bool apply_exif_orientation = true;
};

struct DecodedImage {
  cv::Mat pixels;  // 8-bit BGR (CV_8UC3), upright unless told otherwise
  // The input's transparency (CV_8UC1, the size and orientation of
  // `pixels`); empty when it has none or every pixel is opaque. `pixels`
  // hold the colour stored under it, also where alpha is 0.
  cv::Mat alpha;
  // Bits per sample stored in the file (16 for a 16-bit PNG or TIFF, 10 for
  // such a HEIF); `pixels` always have 8.
  int source_bits = 8;
  // Images stored in the file (pages of a TIFF); only the first is decoded.
  int pages = 1;
  ImageFormat format = ImageFormat::kUnknown;
  // The EXIF Orientation found in the file (1..8), 1 when absent or invalid.
  int exif_orientation = 1;
};

// Decodes a whole image file held in memory. Grayscale and 16-bit inputs
// become 8-bit BGR; an alpha channel (PNG, WebP, TIFF, HEIF) is returned
// beside the colour (a TIFF of more than 8 bits with alpha is Unsupported:
// OpenCV reads that alpha only unoriented). Empty, truncated, corrupt or
// unrecognised bytes give an error, never a crash. HEIF/HEIC is decoded
// with libheif (its rotation and mirroring applied).
Result<DecodedImage> DecodeImage(std::span<const uint8_t> bytes,
                                 const DecodeOptions& options);

// The bytes of the file at `path`; Status::TooLarge when it is longer than
// `max_bytes`, NotFound when it does not exist.
Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path,
                                           int64_t max_bytes);

// The longest file ReadImage() reads for `options`: uncompressed 16-bit
// RGBA of max_pixels, plus room for metadata. Longer ones are TooLarge
// before they are read.
int64_t MaxImageFileBytes(const DecodeOptions& options);

// ReadFileBytes() then DecodeImage() (at most MaxImageFileBytes()). Errors
// name `path` (as PrintableName() writes it).
Result<DecodedImage> ReadImage(const std::string& path,
                               const DecodeOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_IMAGE_H_
