// CrowdNet's grid decoding on hand-made outputs.
#include "crowdnet/decode.h"

#include <gtest/gtest.h>

#include <cmath>

namespace faceveil::crowdnet {
namespace {

struct Grid {
  cv::Mat score, box;
  Grid(int h, int w) {
    const int s[] = {1, 1, h, w};
    const int b[] = {1, 4, h, w};
    score = cv::Mat(4, s, CV_32F, cv::Scalar(0));
    box = cv::Mat(4, b, CV_32F, cv::Scalar(0));
  }
  void Set(int row, int col, float p, float l, float t, float r, float btm) {
    const int h = score.size[2], w = score.size[3];
    score.ptr<float>()[row * w + col] = p;
    float* d = box.ptr<float>();
    const float v[] = {l, t, r, btm};
    for (int k = 0; k < 4; ++k) d[(k * h + row) * w + col] = v[k];
  }
};

InputPlacement Placement(int w, int h) {
  InputPlacement p;
  p.width = w;
  p.height = h;
  return p;
}

TEST(CrowdNetDecodeTest, DistancesAreLogStridesFromTheCellCentre) {
  Grid g(4, 4);
  // Cell (row 1, col 2) of stride 8: centre (20, 12). Distances 1, 2, 1, 0.5
  // strides.
  g.Set(1, 2, 0.9f, 0.0f, std::log(2.0f), 0.0f, std::log(0.5f));
  std::vector<Face> out;
  DecodeGrid(g.score, g.box, 8, 0.5f, Placement(32, 32), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].box.x, 12, 1e-4);
  EXPECT_NEAR(out[0].box.y, -4, 1e-4);
  EXPECT_NEAR(out[0].box.w, 16, 1e-4);
  EXPECT_NEAR(out[0].box.h, 20, 1e-4);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_FALSE(out[0].has_keypoints);
}

TEST(CrowdNetDecodeTest, PlacementMapsBackToTheImage) {
  Grid g(2, 2);
  g.Set(0, 0, 0.8f, 0, 0, 0, 0);  // centre (8, 8), 16 px box at stride 16
  InputPlacement p = Placement(32, 32);
  p.scale = 2;  // input = image enlarged twice
  p.offset_x = 100;
  p.offset_y = 50;
  std::vector<Face> out;
  DecodeGrid(g.score, g.box, 16, 0.5f, p, &out);
  ASSERT_EQ(out.size(), 1u);
  // Input box: (8 - 16, 8 - 16) to (8 + 16, 8 + 16), 32 px; halved, shifted.
  EXPECT_NEAR(out[0].box.x, 96, 1e-4);
  EXPECT_NEAR(out[0].box.y, 46, 1e-4);
  EXPECT_NEAR(out[0].box.w, 16, 1e-4);
  EXPECT_NEAR(out[0].box.h, 16, 1e-4);
}

TEST(CrowdNetDecodeTest, ThresholdPaddingAndNanAreSkipped) {
  Grid g(4, 4);
  g.Set(0, 0, 0.49f, 0, 0, 0, 0);           // below the threshold
  g.Set(0, 3, 0.9f, 0, 0, 0, 0);            // centre x 28: in padding
  g.Set(3, 0, 0.9f, 0, 0, 0, 0);            // centre y 28: in padding
  g.Set(1, 1, std::nanf(""), 0, 0, 0, 0);   // damaged output
  g.Set(2, 2, 0.7f, 100.0f, 100.0f, 0, 0);  // huge distance: bounded
  std::vector<Face> out;
  DecodeGrid(g.score, g.box, 8, 0.5f, Placement(24, 24), &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FLOAT_EQ(out[0].score, 0.7f);
  EXPECT_TRUE(std::isfinite(out[0].box.x) && std::isfinite(out[0].box.w));
  EXPECT_NEAR(out[0].box.w, std::exp(8.0f) * 8 + 8, 1e-1);
}

}  // namespace
}  // namespace faceveil::crowdnet
