// Inputs found by the fuzz targets (fuzz/) that once failed, each rebuilt
// here from a clean image or a few header bytes, so that no fuzzer output
// is committed.
#include <gtest/gtest.h>

#include <cstdint>
#include <exiv2/exiv2.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "faceveil/encode.h"
#include "faceveil/image.h"

namespace faceveil {
namespace {

std::vector<uint8_t> Encoded(ImageFormat format) {
  cv::Mat image(16, 16, CV_8UC3, cv::Scalar(30, 120, 200));
  auto bytes = EncodeImage(image, format, {});
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::vector<uint8_t>();
}

// CRC-32 (PNG chunks) and Adler-32 (zlib streams), bit by bit.
uint32_t Crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}
uint32_t Adler32(const std::vector<uint8_t>& data) {
  uint32_t a = 1, b = 0;
  for (uint8_t v : data) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}
void PushBe32(std::vector<uint8_t>* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(v >> shift);
}

// A PNG `png` (as EncodeImage writes it) with an iCCP chunk right after
// IHDR holding a damaged profile: it declares 4096 bytes but has 200, and
// lacks the "acsp" signature. Built by hand (a zlib stream of one stored
// block) because exiv2 refuses to write such a profile.
std::vector<uint8_t> WithBrokenIcc(const std::vector<uint8_t>& png) {
  std::vector<uint8_t> icc(200, 0x41);
  icc[0] = 0;
  icc[1] = 0;
  icc[2] = 0x10;
  icc[3] = 0;
  std::vector<uint8_t> chunk = {'i', 'C', 'C', 'P', 'x', 0, 0};
  const uint16_t len = static_cast<uint16_t>(icc.size());
  for (uint8_t v :
       {uint8_t{0x78}, uint8_t{0x01}, uint8_t{0x01}, static_cast<uint8_t>(len),
        static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(~len),
        static_cast<uint8_t>(~len >> 8)}) {
    chunk.push_back(v);
  }
  chunk.insert(chunk.end(), icc.begin(), icc.end());
  PushBe32(&chunk, Adler32(icc));
  std::vector<uint8_t> out(png.begin(), png.begin() + 33);  // signature, IHDR
  PushBe32(&out, static_cast<uint32_t>(chunk.size() - 4));
  out.insert(out.end(), chunk.begin(), chunk.end());
  PushBe32(&out, Crc32(chunk.data(), chunk.size()));
  out.insert(out.end(), png.begin() + 33, png.end());
  return out;
}

bool HasIcc(const std::vector<uint8_t>& image) {
  auto exiv =
      Exiv2::ImageFactory::open(image.data(), static_cast<long>(image.size()));
  exiv->readMetadata();
  return exiv->iccProfileDefined();
}

// metadata_fuzz crash 9496b113: a PNG original whose iCCP chunk held a
// profile with a wrong size field made ApplyMetadataPolicy fail with
// "internal error: writing metadata failed: Not a valid ICC Profile", so
// the whole photo failed (a 500 from the server). Unreadable metadata in
// the original must be ignored instead.
TEST(MetadataFuzzRegressionTest, BrokenIccProfileInOriginalIsDropped) {
  {
    const ImageFormat original_format = ImageFormat::kPng;
    const std::vector<uint8_t> original =
        WithBrokenIcc(Encoded(original_format));
    ASSERT_TRUE(HasIcc(original)) << "the test input carries the profile";
    for (ImageFormat out : {ImageFormat::kPng, ImageFormat::kJpeg,
                            ImageFormat::kTiff, ImageFormat::kWebp}) {
      for (MetadataPolicy policy :
           {MetadataPolicy::kStrip, MetadataPolicy::kSafe}) {
        auto result = ApplyMetadataPolicy(original, Encoded(out), out, policy);
        ASSERT_TRUE(result.ok())
            << ImageFormatName(original_format) << " -> "
            << ImageFormatName(out) << ": " << result.status().ToString();
        if (out != ImageFormat::kWebp) EXPECT_FALSE(HasIcc(*result));
      }
    }
  }
}

// metadata_fuzz crash af1ff9f4: a PNG header claiming 3503345872 x
// 3503345872 pixels overflowed int64_t in the pixel-limit check (undefined
// behaviour; in practice a negative product that passed the check).
TEST(MetadataFuzzRegressionTest, HugeDimensionsAreTooLargeNotOverflow) {
  for (uint32_t side : {0xD0D0D0D0u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u}) {
    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
                                0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    for (int i = 0; i < 2; ++i) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        png.push_back(static_cast<uint8_t>(side >> shift));
      }
    }
    for (uint8_t b : {8, 2, 0, 0, 0, 0, 0, 0, 0}) png.push_back(b);  // + CRC
    png.resize(png.size() + 64, 0);
    auto decoded = DecodeImage(png, DecodeOptions());
    ASSERT_FALSE(decoded.ok()) << side;
    EXPECT_EQ(decoded.status().code(), Status::Code::kTooLarge)
        << side << ": " << decoded.status().ToString();
  }
}

}  // namespace
}  // namespace faceveil
