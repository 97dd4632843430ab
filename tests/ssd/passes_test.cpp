// The SSD pass plan: sizes, tile coverage, and the tile-edge rule.
#include "ssd/passes.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace faceveil::ssd {
namespace {

TEST(PlanPassesTest, WholeImagePassIsCappedAndNeverBelowFaceApisSize) {
  PassOptions o;
  o.whole_long_side = 640;
  std::vector<Pass> p = PlanPasses(cv::Size(1024, 768), o);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].region, cv::Rect(0, 0, 1024, 768));
  EXPECT_EQ(p[0].input, cv::Size(640, 480));
  EXPECT_FALSE(p[0].tile);
  // A small photo is enlarged to 512 at most, not to 640.
  p = PlanPasses(cv::Size(300, 200), o);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(std::max(p[0].input.width, p[0].input.height), 512);
  // No pass at all.
  o.whole_long_side = 0;
  EXPECT_TRUE(PlanPasses(cv::Size(1024, 768), o).empty());
  EXPECT_TRUE(PlanPasses(cv::Size(0, 0), PassOptions{}).empty());
}

TEST(PlanPassesTest, FourOverlappingTilesCoverTheImage) {
  PassOptions o;
  o.whole_long_side = 0;
  o.tiles = true;
  const cv::Size image(1000, 700);
  std::vector<Pass> p = PlanPasses(image, o);
  ASSERT_EQ(p.size(), 4u);
  cv::Mat covered = cv::Mat::zeros(image, CV_8U);
  for (const Pass& pass : p) {
    EXPECT_TRUE(pass.tile);
    EXPECT_EQ(pass.region & cv::Rect(0, 0, image.width, image.height),
              pass.region);
    covered(pass.region).setTo(1);
    // Enlarged 1.6x (rounded up to multiples of 32), within the cap.
    const int longer = std::max(pass.input.width, pass.input.height);
    EXPECT_GE(longer, std::max(pass.region.width, pass.region.height) * 1.6);
    EXPECT_LE(longer, o.max_tile_input);
  }
  EXPECT_EQ(cv::countNonZero(covered), image.area());
  // Neighbours overlap by about a quarter of a tile.
  const int overlap = p[0].region.br().x - p[1].region.x;
  EXPECT_NEAR(overlap, 0.25 * p[0].region.width, 2);
}

}  // namespace
}  // namespace faceveil::ssd
