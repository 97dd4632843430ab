// EXIF orientation: finding the tag in each container format and turning
// stored pixels upright. Our own parser, bounds-checked at every read, since
// the bytes are untrusted.
#ifndef FACEVEIL_MEDIA_DECODE_EXIF_H_
#define FACEVEIL_MEDIA_DECODE_EXIF_H_

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <span>

#include "faceveil/image.h"

namespace faceveil {

// TIFF tag numbers we read.
inline constexpr uint16_t kTiffTagImageWidth = 256;
inline constexpr uint16_t kTiffTagImageLength = 257;
inline constexpr uint16_t kTiffTagOrientation = 274;

// The value of a SHORT or LONG `tag` with count 1 in the first IFD of a TIFF
// structure (a .tif file, or the payload of an EXIF block after "Exif\0\0").
// nullopt when absent, of another type, or out of bounds.
std::optional<uint32_t> FindTiffIfd0Tag(std::span<const uint8_t> tiff,
                                        uint16_t tag);

// The EXIF Orientation (1..8) of a JPEG (APP1), PNG (eXIf), WebP (EXIF
// chunk) or TIFF (IFD0) file; 1 when absent or not in 1..8.
int FindExifOrientation(std::span<const uint8_t> bytes, ImageFormat format);

// `stored` turned upright according to EXIF `orientation` (1..8; other
// values leave it unchanged). Orientations 5..8 swap width and height.
cv::Mat ApplyExifOrientation(const cv::Mat& stored, int orientation);

// The orientation that undoes `orientation`: 6 and 8 swap, the others are
// their own inverse.
int InverseExifOrientation(int orientation);

}  // namespace faceveil

#endif  // FACEVEIL_MEDIA_DECODE_EXIF_H_
