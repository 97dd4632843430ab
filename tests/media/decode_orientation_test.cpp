// EXIF orientation: every orientation 1..8 must give the upright picture.
// The stored pixels are built from the tag's definition (where the stored
// 0th row and column lie in the upright picture), independently of the
// library's implementation.
#include <gtest/gtest.h>

#include "decode_test_util.h"
#include "faceveil/image.h"
#include "media/decode_exif.h"

namespace faceveil {
namespace {

constexpr int kW = 48;  // upright width
constexpr int kH = 32;  // upright height

// Upright: four quadrants, each a distinct colour.
cv::Vec3b UprightColour(int x, int y) {
  const bool right = x >= kW / 2;
  const bool bottom = y >= kH / 2;
  if (!right && !bottom) return {0, 0, 255};  // red
  if (right && !bottom) return {0, 255, 0};   // green
  if (!right && bottom) return {255, 0, 0};   // blue
  return {255, 255, 255};                     // white
}

// The stored image for `orientation`: stored pixel (sx, sy) shows upright
// pixel (X, Y) as the EXIF definition says.
cv::Mat Stored(int orientation) {
  const bool swap = orientation >= 5;
  const int sw = swap ? kH : kW;
  const int sh = swap ? kW : kH;
  cv::Mat m(sh, sw, CV_8UC3);
  for (int sy = 0; sy < sh; ++sy) {
    for (int sx = 0; sx < sw; ++sx) {
      int x = sx, y = sy;
      switch (orientation) {
        case 2:
          x = kW - 1 - sx;
          break;  // top, right
        case 3:
          x = kW - 1 - sx;
          y = kH - 1 - sy;
          break;  // bottom, right
        case 4:
          y = kH - 1 - sy;
          break;  // bottom, left
        case 5:
          x = sy;
          y = sx;
          break;  // left, top
        case 6:
          x = kW - 1 - sy;
          y = sx;
          break;  // right, top
        case 7:
          x = kW - 1 - sy;
          y = kH - 1 - sx;
          break;  // right, bottom
        case 8:
          x = sy;
          y = kH - 1 - sx;
          break;  // left, bottom
        default:
          break;
      }
      m.at<cv::Vec3b>(sy, sx) = UprightColour(x, y);
    }
  }
  return m;
}

void ExpectUpright(const cv::Mat& image, int orientation) {
  ASSERT_EQ(image.size(), cv::Size(kW, kH)) << "orientation " << orientation;
  // Quadrant centres, away from JPEG's edge artifacts.
  for (const auto& [x, y] : {std::pair{kW / 4, kH / 4},
                             {3 * kW / 4, kH / 4},
                             {kW / 4, 3 * kH / 4},
                             {3 * kW / 4, 3 * kH / 4}}) {
    const cv::Vec3b got = image.at<cv::Vec3b>(y, x);
    const cv::Vec3b want = UprightColour(x, y);
    EXPECT_LE(cv::norm(cv::Vec3d(got) - cv::Vec3d(want), cv::NORM_INF), 40)
        << "orientation " << orientation << " at " << x << "," << y;
  }
}

class OrientationTest : public ::testing::TestWithParam<int> {};

TEST_P(OrientationTest, JpegBigAndLittleEndianExif) {
  const int o = GetParam();
  for (bool big_endian : {true, false}) {
    const std::vector<uint8_t> jpeg = testing::JpegWithOrientation(
        testing::Encode(Stored(o), ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95}), o,
        big_endian);
    Result<DecodedImage> image = DecodeImage(jpeg, {});
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    EXPECT_EQ(image->exif_orientation, o);
    ExpectUpright(image->pixels, o);

    DecodeOptions as_stored;
    as_stored.apply_exif_orientation = false;
    Result<DecodedImage> raw = DecodeImage(jpeg, as_stored);
    ASSERT_TRUE(raw.ok());
    EXPECT_EQ(raw->pixels.size(), Stored(o).size());
  }
}

TEST_P(OrientationTest, PngExifChunk) {
  const int o = GetParam();
  const std::vector<uint8_t> png =
      testing::PngWithOrientation(testing::Encode(Stored(o), ".png"), o);
  Result<DecodedImage> image = DecodeImage(png, {});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->exif_orientation, o);
  ExpectUpright(image->pixels, o);
}

TEST_P(OrientationTest, WebpExifChunk) {
  // OpenCV 4.6 ignores WebP's EXIF; our parser must find it.
  const int o = GetParam();
  const cv::Mat stored = Stored(o);
  const std::vector<uint8_t> webp = testing::WebpWithOrientation(
      testing::Encode(stored, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}),
      stored.cols, stored.rows, o);
  Result<DecodedImage> image = DecodeImage(webp, {});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->exif_orientation, o);
  ExpectUpright(image->pixels, o);
}

TEST_P(OrientationTest, TiffOwnTag) {
  // OpenCV's TIFF decoder orients by itself; we must not do it twice.
  const int o = GetParam();
  const std::vector<uint8_t> tiff = testing::TiffImage(Stored(o), o);
  Result<DecodedImage> image = DecodeImage(tiff, {});
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ(image->exif_orientation, o);
  ExpectUpright(image->pixels, o);

  DecodeOptions as_stored;
  as_stored.apply_exif_orientation = false;
  Result<DecodedImage> raw = DecodeImage(tiff, as_stored);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(cv::norm(raw->pixels, Stored(o), cv::NORM_INF), 0);
}

INSTANTIATE_TEST_SUITE_P(AllEight, OrientationTest, ::testing::Range(1, 9));

TEST(OrientationTest, InvalidValuesAreIgnored) {
  for (int bad : {0, 9, 255}) {
    const std::vector<uint8_t> jpeg = testing::JpegWithOrientation(
        testing::Encode(Stored(1), ".jpg"), bad, true);
    Result<DecodedImage> image = DecodeImage(jpeg, {});
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    EXPECT_EQ(image->exif_orientation, 1);
    ExpectUpright(image->pixels, 1);
  }
}

TEST(OrientationTest, TiffTagParserIsBoundsChecked) {
  std::vector<uint8_t> tiff = testing::TiffWithOrientation(6, false);
  EXPECT_EQ(FindTiffIfd0Tag(tiff, kTiffTagOrientation), 6u);
  EXPECT_EQ(FindTiffIfd0Tag(tiff, kTiffTagImageWidth), std::nullopt);
  // Any cut into the header or the one 12-byte entry hides the tag.
  for (size_t n = 0; n < 8 + 2 + 12; ++n) {
    const std::vector<uint8_t> cut(tiff.begin(), tiff.begin() + n);
    EXPECT_EQ(FindTiffIfd0Tag(cut, kTiffTagOrientation), std::nullopt) << n;
  }
  tiff[4] = 0xF0;  // IFD offset far past the end
  EXPECT_EQ(FindTiffIfd0Tag(tiff, kTiffTagOrientation), std::nullopt);
}

}  // namespace
}  // namespace faceveil
