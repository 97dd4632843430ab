// Helpers shared by the decode tests: building image files by hand.
#ifndef FACEVEIL_TESTS_MEDIA_DECODE_TEST_UTIL_H_
#define FACEVEIL_TESTS_MEDIA_DECODE_TEST_UTIL_H_

#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

namespace faceveil::testing {

inline std::vector<uint8_t> Encode(const cv::Mat& image, const std::string& ext,
                                   const std::vector<int>& params = {}) {
  std::vector<uint8_t> bytes;
  cv::imencode(ext, image, bytes, params);
  return bytes;
}

inline void PutU16(std::vector<uint8_t>* b, uint32_t v, bool big_endian) {
  if (big_endian) {
    b->push_back(static_cast<uint8_t>(v >> 8));
    b->push_back(static_cast<uint8_t>(v));
  } else {
    b->push_back(static_cast<uint8_t>(v));
    b->push_back(static_cast<uint8_t>(v >> 8));
  }
}

inline void PutU32(std::vector<uint8_t>* b, uint32_t v, bool big_endian) {
  if (big_endian) {
    PutU16(b, v >> 16, true);
    PutU16(b, v & 0xFFFF, true);
  } else {
    PutU16(b, v & 0xFFFF, false);
    PutU16(b, v >> 16, false);
  }
}

// A minimal TIFF structure: one IFD holding Orientation (SHORT) = value.
inline std::vector<uint8_t> TiffWithOrientation(int value, bool big_endian) {
  std::vector<uint8_t> t;
  t.push_back(big_endian ? 'M' : 'I');
  t.push_back(big_endian ? 'M' : 'I');
  PutU16(&t, 42, big_endian);
  PutU32(&t, 8, big_endian);    // IFD0 offset
  PutU16(&t, 1, big_endian);    // one entry
  PutU16(&t, 274, big_endian);  // Orientation
  PutU16(&t, 3, big_endian);    // SHORT
  PutU32(&t, 1, big_endian);    // count
  PutU16(&t, static_cast<uint32_t>(value), big_endian);
  PutU16(&t, 0, big_endian);  // padding of the 4-byte value field
  PutU32(&t, 0, big_endian);  // no next IFD
  return t;
}

// `jpeg` with an EXIF APP1 segment carrying `orientation` right after SOI.
inline std::vector<uint8_t> JpegWithOrientation(std::vector<uint8_t> jpeg,
                                                int orientation,
                                                bool big_endian) {
  std::vector<uint8_t> payload = {'E', 'x', 'i', 'f', 0, 0};
  const std::vector<uint8_t> tiff =
      TiffWithOrientation(orientation, big_endian);
  payload.insert(payload.end(), tiff.begin(), tiff.end());
  std::vector<uint8_t> app1 = {0xFF, 0xE1};
  PutU16(&app1, static_cast<uint32_t>(payload.size() + 2), true);
  app1.insert(app1.end(), payload.begin(), payload.end());
  jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
  return jpeg;
}

inline uint32_t Crc32(const uint8_t* data, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= data[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return c ^ 0xFFFFFFFFu;
}

// A PNG chunk with its length and CRC.
inline std::vector<uint8_t> PngChunk(const char* type,
                                     const std::vector<uint8_t>& data) {
  std::vector<uint8_t> c;
  PutU32(&c, static_cast<uint32_t>(data.size()), true);
  c.insert(c.end(), type, type + 4);
  c.insert(c.end(), data.begin(), data.end());
  PutU32(&c, Crc32(c.data() + 4, c.size() - 4), true);
  return c;
}

// `png` with an eXIf chunk carrying `orientation` right after IHDR.
inline std::vector<uint8_t> PngWithOrientation(std::vector<uint8_t> png,
                                               int orientation) {
  const std::vector<uint8_t> chunk =
      PngChunk("eXIf", TiffWithOrientation(orientation, true));
  png.insert(png.begin() + 8 + 25, chunk.begin(), chunk.end());  // IHDR: 25
  return png;
}

// A minimal uncompressed little-endian RGB TIFF of `bgr` (8-bit, 3
// channels) whose IFD carries Orientation = `orientation`.
inline std::vector<uint8_t> TiffImage(const cv::Mat& bgr, int orientation) {
  const uint32_t w = static_cast<uint32_t>(bgr.cols);
  const uint32_t h = static_cast<uint32_t>(bgr.rows);
  constexpr uint32_t kEntries = 10;
  constexpr uint32_t kBitsAt = 8 + 2 + kEntries * 12 + 4;  // after the IFD
  constexpr uint32_t kPixelsAt = kBitsAt + 6;
  std::vector<uint8_t> t = {'I', 'I'};
  PutU16(&t, 42, false);
  PutU32(&t, 8, false);
  PutU16(&t, kEntries, false);
  auto entry = [&](uint32_t tag, uint32_t type, uint32_t count, uint32_t v) {
    PutU16(&t, tag, false);
    PutU16(&t, type, false);
    PutU32(&t, count, false);
    PutU32(&t, v, false);  // little-endian: a SHORT sits in the low bytes
  };
  entry(256, 4, 1, w);            // ImageWidth
  entry(257, 4, 1, h);            // ImageLength
  entry(258, 3, 3, kBitsAt);      // BitsPerSample -> 8,8,8
  entry(259, 3, 1, 1);            // Compression: none
  entry(262, 3, 1, 2);            // PhotometricInterpretation: RGB
  entry(273, 4, 1, kPixelsAt);    // StripOffsets
  entry(274, 3, 1, orientation);  // Orientation
  entry(277, 3, 1, 3);            // SamplesPerPixel
  entry(278, 4, 1, h);            // RowsPerStrip
  entry(279, 4, 1, w * h * 3);    // StripByteCounts
  PutU32(&t, 0, false);           // no next IFD
  for (int i = 0; i < 3; ++i) PutU16(&t, 8, false);
  for (int y = 0; y < bgr.rows; ++y) {
    for (int x = 0; x < bgr.cols; ++x) {
      const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
      t.insert(t.end(), {p[2], p[1], p[0]});
    }
  }
  return t;
}

// `webp` (a simple-format file as OpenCV writes it) rewritten in the extended
// format: a VP8X header announcing EXIF, the image chunk, an EXIF chunk.
inline std::vector<uint8_t> WebpWithOrientation(
    const std::vector<uint8_t>& webp, int width, int height, int orientation) {
  std::vector<uint8_t> body = {'W', 'E', 'B', 'P', 'V', 'P', '8', 'X'};
  PutU32(&body, 10, false);
  body.insert(body.end(), {0x08, 0, 0, 0});  // flags: EXIF present
  for (int v : {width - 1, height - 1}) {
    body.insert(body.end(),
                {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                 static_cast<uint8_t>(v >> 16)});
  }
  body.insert(body.end(), webp.begin() + 12, webp.end());  // image chunk
  const std::vector<uint8_t> exif = TiffWithOrientation(orientation, false);
  body.insert(body.end(), {'E', 'X', 'I', 'F'});
  PutU32(&body, static_cast<uint32_t>(exif.size()), false);
  body.insert(body.end(), exif.begin(), exif.end());
  if (exif.size() % 2) body.push_back(0);
  std::vector<uint8_t> out = {'R', 'I', 'F', 'F'};
  PutU32(&out, static_cast<uint32_t>(body.size()), false);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_MEDIA_DECODE_TEST_UTIL_H_
