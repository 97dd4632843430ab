#include "infer/letterbox.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

namespace faceveil {
namespace {

float At(const cv::Mat& blob, int c, int y, int x) {
  return blob.ptr<float>(0, c, y)[x];
}

TEST(LetterboxTest, WholeImageRegionCentresTheShortSide) {
  const SquareRegion wide = WholeImageRegion(cv::Size(400, 100));
  EXPECT_FLOAT_EQ(wide.x, 0);
  EXPECT_FLOAT_EQ(wide.y, -150);
  EXPECT_FLOAT_EQ(wide.side, 400);
  const SquareRegion tall = WholeImageRegion(cv::Size(100, 300));
  EXPECT_FLOAT_EQ(tall.x, -100);
  EXPECT_FLOAT_EQ(tall.y, 0);
  EXPECT_FLOAT_EQ(tall.side, 300);
}

TEST(LetterboxTest, MappingRoundTripsForWideAndTallImages) {
  for (const cv::Size size : {cv::Size(640, 360), cv::Size(333, 1000)}) {
    const SquareRegion r = WholeImageRegion(size);
    // The image corners land on the letterboxed square's inner edges.
    const Point tl = ImageToInput(r, Point{0, 0});
    const Point br = ImageToInput(r, Point{static_cast<float>(size.width),
                                           static_cast<float>(size.height)});
    const float aspect = static_cast<float>(size.width) / size.height;
    EXPECT_NEAR(br.x - tl.x, std::min(1.0f, aspect), 1e-6);
    EXPECT_NEAR(br.y - tl.y, std::min(1.0f, 1 / aspect), 1e-6);
    EXPECT_NEAR(tl.x + br.x, 1.0f, 1e-6);  // centred
    EXPECT_NEAR(tl.y + br.y, 1.0f, 1e-6);
    for (const Point p : {Point{0, 0}, Point{12.5f, 300}, Point{320, 7}}) {
      const Point back = InputToImage(r, ImageToInput(r, p));
      EXPECT_NEAR(back.x, p.x, 1e-3);
      EXPECT_NEAR(back.y, p.y, 1e-3);
    }
  }
}

TEST(LetterboxTest, FacesMapToImagePixels) {
  const SquareRegion r = WholeImageRegion(cv::Size(200, 100));  // y0 = -50
  Face rel;
  rel.box = Box{0.25f, 0.5f, 0.1f, 0.2f};
  rel.keypoints[5] = Point{0.5f, 0.5f};
  const Face f = InputToImage(r, rel);
  EXPECT_FLOAT_EQ(f.box.x, 50);
  EXPECT_FLOAT_EQ(f.box.y, 50);
  EXPECT_FLOAT_EQ(f.box.w, 20);
  EXPECT_FLOAT_EQ(f.box.h, 40);
  EXPECT_FLOAT_EQ(f.keypoints[5].x, 100);
  EXPECT_FLOAT_EQ(f.keypoints[5].y, 50);
}

TEST(LetterboxTest, BlobIsRgbInMinusOneToOneWithBlackBorder) {
  // A wide pure-blue image: rows outside it are border.
  const cv::Mat image(50, 100, CV_8UC3, cv::Scalar(255, 0, 0));
  for (Resampling rs : {Resampling::kCornerAligned, Resampling::kHalfPixel,
                        Resampling::kArea}) {
    const cv::Mat blob =
        MakeInputBlob(image, WholeImageRegion(image.size()), 20, rs);
    ASSERT_EQ(blob.dims, 4);
    EXPECT_EQ(blob.size[1], 3);
    EXPECT_EQ(blob.size[2], 20);
    EXPECT_EQ(blob.size[3], 20);
    EXPECT_FLOAT_EQ(At(blob, 0, 10, 10), -1.0f);  // R
    EXPECT_FLOAT_EQ(At(blob, 1, 10, 10), -1.0f);  // G
    EXPECT_FLOAT_EQ(At(blob, 2, 10, 10), 1.0f);   // B
    for (int c = 0; c < 3; ++c) {
      EXPECT_FLOAT_EQ(At(blob, c, 0, 10), -1.0f);   // top border
      EXPECT_FLOAT_EQ(At(blob, c, 19, 10), -1.0f);  // bottom border
    }
  }
}

TEST(LetterboxTest, CornerAlignedSamplesWithoutHalfPixelCentres) {
  // A horizontal ramp 0, 10, 20, ... over 8 columns, halved to 4: input
  // pixel u samples column 2u exactly, i.e. values 0, 20, 40, 60. With
  // half-pixel centres it samples 2u + 0.5: 5, 25, 45, 65.
  cv::Mat gray(8, 8, CV_8UC1);
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) gray.at<uint8_t>(y, x) = 10 * x;
  }
  const SquareRegion r = WholeImageRegion(gray.size());
  const cv::Mat corner = MakeInputBlob(gray, r, 4, Resampling::kCornerAligned);
  const cv::Mat half = MakeInputBlob(gray, r, 4, Resampling::kHalfPixel);
  for (int u = 0; u < 4; ++u) {
    EXPECT_NEAR(At(corner, 0, 1, u), 20 * u / 127.5 - 1, 1e-6) << u;
    EXPECT_NEAR(At(half, 0, 1, u), (20 * u + 5) / 127.5 - 1, 1e-6) << u;
  }
}

TEST(LetterboxTest, RegionPastTheEdgeReadsBlack) {
  const cv::Mat white(10, 10, CV_8UC4, cv::Scalar::all(255));
  // The right half of this region lies outside the image.
  const SquareRegion r{5, 0, 10};
  for (Resampling rs : {Resampling::kCornerAligned, Resampling::kArea}) {
    const cv::Mat blob = MakeInputBlob(white, r, 10, rs);
    EXPECT_FLOAT_EQ(At(blob, 0, 5, 2), 1.0f);
    EXPECT_FLOAT_EQ(At(blob, 0, 5, 8), -1.0f);
  }
}

}  // namespace
}  // namespace faceveil
