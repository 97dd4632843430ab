// The WebP container rewrite that carries an ICC profile.
#include "media/metadata_webp.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "faceveil/encode.h"

namespace faceveil::media {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Webp(int quality) {
  cv::Mat image(37, 53, CV_8UC3);
  cv::RNG rng(3);
  rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  EncodeOptions options;
  options.webp_quality = quality;
  return *EncodeImage(image, ImageFormat::kWebp, options);
}

std::string FourCc(const Bytes& b, size_t pos) {
  return std::string(b.begin() + pos, b.begin() + pos + 4);
}

uint32_t Le32(const Bytes& b, size_t pos) {
  return b[pos] | b[pos + 1] << 8 | b[pos + 2] << 16 |
         uint32_t{b[pos + 3]} << 24;
}

TEST(WebpIccTest, SimpleFilesGainAnExtendedHeader) {
  const Bytes icc = {1, 2, 3, 4, 5};  // odd size: padded
  for (int quality : {80, 101}) {     // VP8 (lossy) and VP8L (lossless)
    const Bytes in = Webp(quality);
    ASSERT_EQ(FourCc(in, 12), quality > 100 ? "VP8L" : "VP8 ");
    auto out = SetWebpIccProfile(in, icc);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(Le32(*out, 4), out->size() - 8);
    ASSERT_EQ(FourCc(*out, 12), "VP8X");
    EXPECT_EQ((*out)[20] & 0x20, 0x20);  // ICC flag
    // Canvas: 24-bit width - 1 and height - 1.
    EXPECT_EQ((*out)[24] | (*out)[25] << 8 | (*out)[26] << 16, 52);
    EXPECT_EQ((*out)[27] | (*out)[28] << 8 | (*out)[29] << 16, 36);
    ASSERT_EQ(FourCc(*out, 30), "ICCP");
    EXPECT_EQ(Le32(*out, 34), 5u);
    EXPECT_EQ(Bytes(out->begin() + 38, out->begin() + 43), icc);
    // Pixels decode the same.
    const cv::Mat a = cv::imdecode(in, cv::IMREAD_COLOR);
    const cv::Mat b = cv::imdecode(*out, cv::IMREAD_COLOR);
    ASSERT_FALSE(b.empty());
    EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0);
    // Setting again replaces, never duplicates.
    auto twice = SetWebpIccProfile(*out, Bytes{9, 9});
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(twice->size(), out->size() - 6 + 2);
  }
}

TEST(WebpIccTest, RejectsBrokenContainers) {
  const Bytes icc = {1, 2};
  EXPECT_FALSE(SetWebpIccProfile(Bytes{}, icc).ok());
  EXPECT_FALSE(SetWebpIccProfile(Bytes(20, 'x'), icc).ok());
  Bytes in = Webp(80);
  Bytes overrun = in;
  overrun[16] = 0xff;  // first chunk claims more than the file holds
  overrun[17] = 0xff;
  overrun[18] = 0xff;
  EXPECT_EQ(SetWebpIccProfile(overrun, icc).status().code(),
            Status::Code::kCorrupt);
  Bytes bad_start = in;
  bad_start[23] = 0;  // VP8 start code
  EXPECT_FALSE(SetWebpIccProfile(bad_start, icc).ok());
  EXPECT_FALSE(SetWebpIccProfile(Bytes(in.begin(), in.begin() + 12), icc).ok());
}

}  // namespace
}  // namespace faceveil::media
