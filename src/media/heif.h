// HEIF/HEIC (and AVIF) reading with libheif.
#ifndef FACEVEIL_MEDIA_HEIF_H_
#define FACEVEIL_MEDIA_HEIF_H_

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <span>

#include "faceveil/status.h"

namespace faceveil::media {

// Decodes the primary image of a HEIF file to 8-bit BGR (CV_8UC3), with the
// file's rotation and mirroring (irot/imir) applied so it is upright; alpha
// is dropped, deeper samples are reduced to 8 bits. The size is checked
// against `max_pixels` before any pixel is decoded (Status::TooLarge).
// Corrupt or truncated data is Status::Corrupt; a codec libheif has no
// decoder for is Status::Unsupported.
Result<cv::Mat> DecodeHeif(std::span<const uint8_t> bytes, int64_t max_pixels);

}  // namespace faceveil::media

#endif  // FACEVEIL_MEDIA_HEIF_H_
