#include "detect/anchors.h"

#include <gtest/gtest.h>

#include <cmath>

namespace faceveil {
namespace {

TEST(AnchorsTest, ShortRangeHas896InGridOrder) {
  const std::vector<Anchor> a = GenerateAnchors(ShortRangeAnchorOptions());
  ASSERT_EQ(a.size(), 896u);
  // Stride 8: a 16x16 grid, 2 anchors per cell (aspect 1 + interpolated).
  EXPECT_FLOAT_EQ(a[0].x, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[0].y, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[1].x, 0.5f / 16);  // second anchor of the same cell
  EXPECT_FLOAT_EQ(a[2].x, 1.5f / 16);  // next column
  EXPECT_FLOAT_EQ(a[2].y, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[32].x, 0.5f / 16);  // row 1 starts after 16 cells x 2
  EXPECT_FLOAT_EQ(a[32].y, 1.5f / 16);
  EXPECT_FLOAT_EQ(a[511].x, 15.5f / 16);
  EXPECT_FLOAT_EQ(a[511].y, 15.5f / 16);
  // Three stride-16 layers share an 8x8 grid: 6 anchors per cell.
  EXPECT_FLOAT_EQ(a[512].x, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[512].y, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[517].x, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[518].x, 1.5f / 8);
  EXPECT_FLOAT_EQ(a[895].x, 7.5f / 8);
  EXPECT_FLOAT_EQ(a[895].y, 7.5f / 8);
  for (const Anchor& anchor : a) {
    EXPECT_EQ(anchor.w, 1.0f);
    EXPECT_EQ(anchor.h, 1.0f);
  }
}

TEST(AnchorsTest, FullRangeHas2304OnePerCell) {
  const std::vector<Anchor> a = GenerateAnchors(FullRangeAnchorOptions());
  ASSERT_EQ(a.size(), 2304u);
  EXPECT_FLOAT_EQ(a[0].x, 0.5f / 48);
  EXPECT_FLOAT_EQ(a[0].y, 0.5f / 48);
  EXPECT_FLOAT_EQ(a[1].x, 1.5f / 48);
  EXPECT_FLOAT_EQ(a[48].x, 0.5f / 48);
  EXPECT_FLOAT_EQ(a[48].y, 1.5f / 48);
  EXPECT_FLOAT_EQ(a[2303].x, 47.5f / 48);
  EXPECT_FLOAT_EQ(a[2303].y, 47.5f / 48);
}

TEST(AnchorsTest, FeatureMapRoundsUp) {
  AnchorOptions o = FullRangeAnchorOptions();
  o.input_size = 10;
  o.strides = {4};  // ceil(10 / 4) = 3
  const std::vector<Anchor> a = GenerateAnchors(o);
  ASSERT_EQ(a.size(), 9u);
  EXPECT_FLOAT_EQ(a[8].x, 2.5f / 3);
}

TEST(AnchorsTest, VariableSizeAnchorsFollowScales) {
  AnchorOptions o = ShortRangeAnchorOptions();
  o.fixed_anchor_size = false;
  const std::vector<Anchor> a = GenerateAnchors(o);
  ASSERT_EQ(a.size(), 896u);
  // Layer 0 uses min_scale; its interpolated anchor sqrt(s0 * s1).
  const float s0 = 0.1484375f;
  const float s1 = s0 + (0.75f - s0) / 3;
  EXPECT_FLOAT_EQ(a[0].w, s0);
  EXPECT_FLOAT_EQ(a[1].w, std::sqrt(s0 * s1));
  // The last layer's interpolated anchor pairs max_scale with 1.
  EXPECT_FLOAT_EQ(a[517].w, std::sqrt(0.75f));
}

}  // namespace
}  // namespace faceveil
