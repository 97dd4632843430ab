// CrowdNet's pass planning: full resolution within the pixel budget, tiles
// that cover the image and hold every face up to the overlap whole, and a
// pyramid down to the small long side.
#include "crowdnet/passes.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace faceveil::crowdnet {
namespace {

cv::Size Scaled(const Pass& p) {
  return {static_cast<int>(std::lround(p.region.width * p.scale)),
          static_cast<int>(std::lround(p.region.height * p.scale))};
}

TEST(CrowdNetPassesTest, SmallPhotoIsSeenWholeThenHalved) {
  const std::vector<Pass> passes = PlanPasses({1024, 768}, {});
  ASSERT_EQ(passes.size(), 2u);
  EXPECT_EQ(passes[0].region, cv::Rect(0, 0, 1024, 768));
  EXPECT_FLOAT_EQ(passes[0].scale, 1.0f);
  EXPECT_FALSE(passes[0].tile);
  EXPECT_FLOAT_EQ(passes[1].scale, 0.5f);
  // Only the shrunk second level drops small candidates.
  EXPECT_EQ(passes[0].min_face, 0.0f);
  EXPECT_EQ(passes[1].min_face, PassOptions{}.coarse_min_face);
}

TEST(CrowdNetPassesTest, MaxLongSideShrinksTheFirstLevel) {
  PassOptions o;
  o.max_long_side = 640;
  const std::vector<Pass> passes = PlanPasses({1280, 720}, o);
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_FLOAT_EQ(passes[0].scale, 0.5f);
  EXPECT_EQ(passes[0].min_face, 0.0f);  // the first level keeps every size
}

TEST(CrowdNetPassesTest, AnEnlargedFirstLevelLeavesTheOwnPixelsLevelWhole) {
  PassOptions o;
  o.scale = 2;
  const std::vector<Pass> passes = PlanPasses({548, 342}, o);
  ASSERT_EQ(passes.size(), 2u);
  EXPECT_FLOAT_EQ(passes[1].scale, 1.0f);
  EXPECT_EQ(passes[1].min_face, 0.0f);
}

// The fast mode's plan: the photo at 1024, then straight to a quarter
// (faces filling the photo), not the halved level in between.
TEST(CrowdNetPassesTest, LevelRatioSkipsToASmallerCopy) {
  PassOptions o;
  o.max_long_side = 1024;
  o.min_long_side = 512;
  o.level_ratio = 4;
  const std::vector<Pass> passes = PlanPasses({2048, 1536}, o);
  ASSERT_EQ(passes.size(), 2u);
  EXPECT_FLOAT_EQ(passes[0].scale, 0.5f);
  EXPECT_EQ(Scaled(passes[1]), cv::Size(256, 192));
  EXPECT_EQ(passes[0].min_face, 0.0f);
  EXPECT_EQ(passes[1].min_face, o.coarse_min_face);
  o.level_ratio = 1;  // would never get smaller
  EXPECT_TRUE(PlanPasses({2048, 1536}, o).empty());
}

TEST(CrowdNetPassesTest, LargePhotoIsTiledAtFullResolutionWithinBudget) {
  const cv::Size image(6000, 4000);  // 24 MP
  const PassOptions o;
  const std::vector<Pass> passes = PlanPasses(image, o);
  std::vector<Pass> native;
  for (const Pass& p : passes) {
    const cv::Size s = Scaled(p);
    EXPECT_LE(static_cast<double>(s.width) * s.height, o.max_pixels);
    EXPECT_LE(std::max(s.width, s.height), kMaxInputSide);
    if (p.scale == 1.0f) native.push_back(p);
  }
  ASSERT_GT(native.size(), 1u);
  for (const Pass& p : native) EXPECT_TRUE(p.tile);
  // Every face up to the overlap (256 px), anywhere, lies whole in a tile.
  for (int y = 0; y + 256 <= image.height; y += 97) {
    for (int x = 0; x + 256 <= image.width; x += 101) {
      const cv::Rect face(x, y, 256, 256);
      const bool whole =
          std::any_of(native.begin(), native.end(),
                      [&](const Pass& p) { return (p.region & face) == face; });
      ASSERT_TRUE(whole) << "face at " << x << "," << y;
    }
  }
  // The pyramid ends at or below 640 px.
  const Pass& last = passes.back();
  EXPECT_LE(std::max(image.width, image.height) * last.scale, 640.0f);
  EXPECT_FALSE(last.tile);
}

TEST(CrowdNetPassesTest, EmptyImageOrBadScaleHasNoPasses) {
  EXPECT_TRUE(PlanPasses({0, 10}, {}).empty());
  PassOptions o;
  o.scale = 0;
  EXPECT_TRUE(PlanPasses({10, 10}, o).empty());
}

TEST(CrowdNetPassesTest, OnlyInteriorTileEdgesCut) {
  const cv::Size image(200, 100);
  const Pass left{cv::Rect(0, 0, 120, 100), 1.0f, true};
  // At the image's own left edge: not cut.
  EXPECT_FALSE(TouchesInteriorEdge({0, 40, 20, 20}, left, image, 0.01f));
  // Reaching the tile's right edge, where the image goes on: cut.
  EXPECT_TRUE(TouchesInteriorEdge({105, 40, 15, 20}, left, image, 0.01f));
  // Inside: not cut.
  EXPECT_FALSE(TouchesInteriorEdge({50, 40, 20, 20}, left, image, 0.01f));
  // A whole-image pass is never cut.
  const Pass whole{cv::Rect(0, 0, 200, 100), 1.0f, false};
  EXPECT_FALSE(TouchesInteriorEdge({190, 90, 10, 10}, whole, image, 0.01f));
}

}  // namespace
}  // namespace faceveil::crowdnet
