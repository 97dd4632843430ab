#include "media/decode_header.h"

#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>

#include "media/decode_exif.h"

namespace faceveil {

uint32_t ByteReader::Read(uint64_t at, int n) const {
  if (at + n > b_.size()) return 0;
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) {
    const uint32_t byte = b_[at + i];
    v |= big_endian_ ? byte << (8 * (n - 1 - i)) : byte << (8 * i);
  }
  return v;
}
uint32_t ByteReader::U16(uint64_t at) const { return Read(at, 2); }
uint32_t ByteReader::U24(uint64_t at) const { return Read(at, 3); }
uint32_t ByteReader::U32(uint64_t at) const { return Read(at, 4); }

void ForEachJpegSegment(std::span<const uint8_t> b, const JpegSegmentFn& fn) {
  const ByteReader r(b, /*big_endian=*/true);
  uint64_t pos = 2;  // after SOI
  while (pos + 2 <= b.size()) {
    if (b[pos] != 0xFF) return;
    const uint8_t marker = b[pos + 1];
    if (marker == 0xFF) {  // fill byte before a marker
      ++pos;
      continue;
    }
    pos += 2;
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;
    if (marker == 0xD9) return;  // EOI
    const uint64_t len = r.U16(pos);
    if (len < 2 || pos + len > b.size()) return;
    if (!fn(marker, b.subspan(pos + 2, len - 2))) return;
    if (marker == 0xDA) return;  // SOS: entropy-coded data follows
    pos += len;
  }
}

void ForEachPngChunk(std::span<const uint8_t> b, const ChunkFn& fn) {
  const ByteReader r(b, /*big_endian=*/true);
  uint64_t pos = 8;  // after the signature
  while (pos + 12 <= b.size()) {
    const uint64_t len = r.U32(pos);
    char type[5] = {};
    std::memcpy(type, b.data() + pos + 4, 4);
    if (pos + 12 + len > b.size()) return;
    if (!fn(type, b.subspan(pos + 8, len))) return;
    if (std::memcmp(type, "IEND", 4) == 0) return;
    pos += 12 + len;  // length, type, data, CRC
  }
}

void ForEachRiffChunk(std::span<const uint8_t> b, const ChunkFn& fn) {
  const ByteReader r(b, /*big_endian=*/false);
  uint64_t pos = 12;  // "RIFF", size, form type
  while (pos + 8 <= b.size()) {
    char type[5] = {};
    std::memcpy(type, b.data() + pos, 4);
    const uint64_t len = r.U32(pos + 4);
    if (pos + 8 + len > b.size()) return;
    if (!fn(type, b.subspan(pos + 8, len))) return;
    pos += 8 + len + (len & 1);  // chunks are padded to even sizes
  }
}

namespace {

Result<ImageDimensions> JpegDimensions(std::span<const uint8_t> b) {
  std::optional<ImageDimensions> dims;
  ForEachJpegSegment(b, [&](uint8_t m, std::span<const uint8_t> p) {
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    const bool sof =
        m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (!sof) return true;
    if (p.size() >= 5) {
      const ByteReader r(p, true);
      dims = ImageDimensions{r.U16(3), r.U16(1)};  // precision, height, width
    }
    return false;
  });
  if (!dims) return Status::Corrupt("JPEG without a frame header (SOF)");
  if (dims->height == 0) {
    // Height defined later by a DNL marker: legal but unheard of in photos.
    return Status::Unsupported("JPEG with its height in a DNL marker");
  }
  return *dims;
}

Result<ImageDimensions> PngDimensions(std::span<const uint8_t> b) {
  const ByteReader r(b, true);
  if (b.size() < 24 || std::memcmp(b.data() + 12, "IHDR", 4) != 0) {
    return Status::Corrupt("PNG without an IHDR header");
  }
  return ImageDimensions{r.U32(16), r.U32(20)};
}

Result<ImageDimensions> WebpDimensions(std::span<const uint8_t> b) {
  const ByteReader r(b, false);
  if (b.size() < 30) return Status::Corrupt("truncated WebP header");
  const char* chunk = reinterpret_cast<const char*>(b.data() + 12);
  if (std::memcmp(chunk, "VP8 ", 4) == 0) {
    // Frame tag (3 bytes), start code 9D 01 2A, then 14-bit sizes.
    if (b[23] != 0x9D || b[24] != 0x01 || b[25] != 0x2A) {
      return Status::Corrupt("WebP VP8 without a start code");
    }
    return ImageDimensions{r.U16(26) & 0x3FFF, r.U16(28) & 0x3FFF};
  }
  if (std::memcmp(chunk, "VP8L", 4) == 0) {
    if (b[20] != 0x2F) return Status::Corrupt("WebP VP8L without signature");
    const uint32_t bits = r.U32(21);
    return ImageDimensions{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
  }
  if (std::memcmp(chunk, "VP8X", 4) == 0) {
    return ImageDimensions{int64_t{r.U24(24)} + 1, int64_t{r.U24(27)} + 1};
  }
  return Status::Corrupt("WebP without a VP8, VP8L or VP8X chunk");
}

Result<ImageDimensions> BmpDimensions(std::span<const uint8_t> b) {
  const ByteReader r(b, false);
  const uint32_t header = r.U32(14);
  if (header == 12 && b.size() >= 26) {  // OS/2 BITMAPCOREHEADER
    return ImageDimensions{r.U16(18), r.U16(20)};
  }
  if (header < 40 || b.size() < 26) {
    return Status::Corrupt("BMP without a valid info header");
  }
  // Signed; a negative height means rows are stored top-down.
  const int64_t w = static_cast<int32_t>(r.U32(18));
  const int64_t h = static_cast<int32_t>(r.U32(22));
  return ImageDimensions{std::llabs(w), std::llabs(h)};
}

Result<ImageDimensions> TiffDimensions(std::span<const uint8_t> b) {
  const std::optional<uint32_t> w = FindTiffIfd0Tag(b, kTiffTagImageWidth);
  const std::optional<uint32_t> h = FindTiffIfd0Tag(b, kTiffTagImageLength);
  if (!w || !h) return Status::Corrupt("TIFF without image dimensions");
  return ImageDimensions{*w, *h};
}

}  // namespace

Result<ImageDimensions> ReadImageDimensions(std::span<const uint8_t> bytes,
                                            ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return JpegDimensions(bytes);
    case ImageFormat::kPng:
      return PngDimensions(bytes);
    case ImageFormat::kWebp:
      return WebpDimensions(bytes);
    case ImageFormat::kBmp:
      return BmpDimensions(bytes);
    case ImageFormat::kTiff:
      return TiffDimensions(bytes);
    case ImageFormat::kHeif:
    case ImageFormat::kUnknown:
      break;
  }
  return Status::Unsupported(std::string("no header reader for ") +
                             ImageFormatName(format));
}

TiffLayout ReadTiffLayout(std::span<const uint8_t> t) {
  TiffLayout layout;
  if (t.size() < 8 ||
      !((t[0] == 'I' && t[1] == 'I') || (t[0] == 'M' && t[1] == 'M'))) {
    return layout;
  }
  const ByteReader r(t, /*big_endian=*/t[0] == 'M');
  if (r.U16(2) != 42) return layout;
  constexpr uint32_t kBitsPerSample = 258;
  constexpr uint32_t kShort = 3;
  std::set<uint64_t> seen;
  for (uint64_t ifd = r.U32(4); ifd != 0 && layout.pages < 65535;) {
    const uint64_t count = r.U16(ifd);
    if (!seen.insert(ifd).second || ifd + 6 + count * 12 > t.size()) break;
    if (layout.pages == 0) {
      for (uint64_t i = 0; i < count; ++i) {
        const uint64_t e = ifd + 2 + i * 12;
        if (r.U16(e) != kBitsPerSample || r.U16(e + 2) != kShort) continue;
        // Up to two SHORTs sit in the value field, more at its offset.
        const uint64_t n = r.U32(e + 4);
        layout.bits_per_sample =
            static_cast<int>(n <= 2 ? r.U16(e + 8) : r.U16(r.U32(e + 8)));
      }
    }
    ++layout.pages;
    ifd = r.U32(ifd + 2 + count * 12);
  }
  return layout;
}

}  // namespace faceveil
