// HEIF/HEIC (and AVIF) reading with libheif.
#ifndef FACEVEIL_MEDIA_HEIF_H_
#define FACEVEIL_MEDIA_HEIF_H_

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <span>
#include <vector>

#include "faceveil/status.h"

namespace faceveil::media {

// Decodes the primary image of a HEIF file to 8-bit BGR (CV_8UC3), or BGRA
// (CV_8UC4) when it has an alpha plane, with the file's rotation and
// mirroring (irot/imir) applied so it is upright; deeper samples are reduced
// to 8 bits, and `bits_per_sample` (when not null) receives the depth the
// file holds. The size is checked against `max_pixels` before any pixel is
// decoded (Status::TooLarge). Corrupt or truncated data is Status::Corrupt;
// a codec libheif has no decoder for is Status::Unsupported.
Result<cv::Mat> DecodeHeif(std::span<const uint8_t> bytes, int64_t max_pixels,
                           int* bits_per_sample = nullptr);

// The metadata of a HEIF file's primary image that the metadata policy
// reads; each part is empty when absent or unreadable.
struct HeifMetadata {
  std::vector<uint8_t> exif_tiff;  // the EXIF block from its TIFF header on
  std::vector<uint8_t> icc;        // the ICC profile ('prof' or 'rICC')
};
HeifMetadata ReadHeifMetadata(std::span<const uint8_t> bytes);

}  // namespace faceveil::media

#endif  // FACEVEIL_MEDIA_HEIF_H_
