// libFuzzer target: the metadata policy. ApplyMetadataPolicy() reads the
// input file's metadata (EXIF, XMP, IPTC, ICC, in any container) with exiv2
// and rewrites an encoded image; both byte strings may be hostile here.
// The first byte picks the mode:
//   bit 0: 0 = the fuzz bytes are the original (the usual case: a user's
//          photo), 1 = they are the image to rewrite
//   bit 1: kStrip or kSafe
//   bits 2..4: the output format
// Seeds: JPEG/PNG/WebP/TIFF with EXIF, XMP and IPTC written by exiv2
// (scripts/hardening.sh).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <opencv2/core.hpp>
#include <span>
#include <vector>

#include "faceveil/encode.h"
#include "faceveil/image.h"

namespace {

constexpr faceveil::ImageFormat kFormats[] = {
    faceveil::ImageFormat::kJpeg, faceveil::ImageFormat::kPng,
    faceveil::ImageFormat::kWebp, faceveil::ImageFormat::kTiff,
    faceveil::ImageFormat::kBmp,
};

const std::vector<uint8_t>& Encoded(faceveil::ImageFormat format) {
  static std::vector<uint8_t> cache[5];
  auto& bytes = cache[static_cast<int>(format) % 5];
  if (bytes.empty()) {
    cv::Mat image(8, 8, CV_8UC3, cv::Scalar(40, 90, 160));
    auto encoded = faceveil::EncodeImage(image, format, {});
    if (!encoded.ok()) __builtin_trap();
    bytes = std::move(*encoded);
  }
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::span<const uint8_t> fuzz(data + 1, size - 1);
  const auto policy = (mode & 2) ? faceveil::MetadataPolicy::kSafe
                                 : faceveil::MetadataPolicy::kStrip;
  const faceveil::ImageFormat format = kFormats[((mode >> 2) & 7) % 5];
  if ((mode & 1) == 0) {
    auto out =
        faceveil::ApplyMetadataPolicy(fuzz, Encoded(format), format, policy);
    // Our own encoded image must always be rewritable, whatever the
    // original holds.
    if (!out.ok()) {
      std::fprintf(stderr, "ApplyMetadataPolicy: %s\n",
                   out.status().ToString().c_str());
      __builtin_trap();
    }
    // The orientation reader sees the same bytes when decoding.
    faceveil::DecodeOptions options;
    options.max_pixels = 64 * 64;
    (void)faceveil::DecodeImage(fuzz, options);
  } else {
    std::vector<uint8_t> encoded(fuzz.begin(), fuzz.end());
    (void)faceveil::ApplyMetadataPolicy(Encoded(faceveil::ImageFormat::kJpeg),
                                        std::move(encoded), format, policy);
  }
  return 0;
}
