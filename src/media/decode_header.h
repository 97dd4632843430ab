// Reading image file headers without decoding pixels: container walkers
// (JPEG segments, PNG chunks, RIFF chunks) and image dimensions, so that a
// decompression bomb is refused before anything is allocated for it.
#ifndef FACEVEIL_MEDIA_DECODE_HEADER_H_
#define FACEVEIL_MEDIA_DECODE_HEADER_H_

#include <cstdint>
#include <functional>
#include <span>

#include "faceveil/image.h"
#include "faceveil/status.h"

namespace faceveil {

// Bounds-checked integer reads from untrusted bytes: a read past the end
// yields 0, which every caller treats as "absent" or "invalid".
class ByteReader {
 public:
  ByteReader(std::span<const uint8_t> bytes, bool big_endian)
      : b_(bytes), big_endian_(big_endian) {}
  uint32_t U8(uint64_t at) const { return at < b_.size() ? b_[at] : 0; }
  uint32_t U16(uint64_t at) const;
  uint32_t U24(uint64_t at) const;
  uint32_t U32(uint64_t at) const;

 private:
  uint32_t Read(uint64_t at, int n) const;
  std::span<const uint8_t> b_;
  bool big_endian_;
};

// Callbacks return false to stop the walk.
using JpegSegmentFn =
    std::function<bool(uint8_t marker, std::span<const uint8_t> payload)>;
using ChunkFn =
    std::function<bool(const char* type, std::span<const uint8_t> data)>;

// Visits the marker segments of a JPEG from SOI up to and including SOS
// (after which entropy-coded data follows). Stops quietly at the first
// malformed or truncated segment.
void ForEachJpegSegment(std::span<const uint8_t> jpeg, const JpegSegmentFn& fn);
// Visits the chunks of a PNG after its signature, up to IEND.
void ForEachPngChunk(std::span<const uint8_t> png, const ChunkFn& fn);
// Visits the chunks of a RIFF (WebP) file after its 12-byte header.
void ForEachRiffChunk(std::span<const uint8_t> riff, const ChunkFn& fn);

struct ImageDimensions {
  int64_t width = 0;
  int64_t height = 0;
};

// The stored dimensions of the image (before any EXIF rotation), read from
// the header: JPEG SOFn, PNG IHDR, WebP VP8/VP8L/VP8X, BMP info header,
// TIFF first IFD. Status::Corrupt when the header is missing or truncated,
// Unsupported for formats without a header reader.
Result<ImageDimensions> ReadImageDimensions(std::span<const uint8_t> bytes,
                                            ImageFormat format);

// What a TIFF file holds besides its first image's size.
struct TiffLayout {
  int bits_per_sample = 0;  // of the first image (its first sample); 0: unknown
  int pages = 0;            // images (IFDs) chained from the header
};

// Reads the layout from the IFD chain; a broken or looping chain ends the
// count where it breaks (at most 65535 pages are counted).
TiffLayout ReadTiffLayout(std::span<const uint8_t> tiff);

}  // namespace faceveil

#endif  // FACEVEIL_MEDIA_DECODE_HEADER_H_
