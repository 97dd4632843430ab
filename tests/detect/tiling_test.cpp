// Tile layout and the tile-edge rule, on hand-made cases.
#include "infer/tiling.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace faceveil {
namespace {

Face TileFace(float x, float y, float w, float h, float score) {
  Face f;
  f.box = Box{x, y, w, h};
  f.score = score;
  return f;
}

TEST(TileStartsTest, CoversTheAxisWithTheOverlapAndStaysInside) {
  for (float length : {192.0f, 500.0f, 768.0f, 1024.0f, 4000.0f}) {
    for (float side : {192.0f, 288.0f, 384.0f}) {
      if (side >= length) continue;
      const float overlap = 0.25f * side;
      const std::vector<float> s = TileStarts(length, side, overlap);
      ASSERT_GE(s.size(), 2u);
      EXPECT_FLOAT_EQ(s.front(), 0.0f);
      EXPECT_NEAR(s.back() + side, length, 1e-3);
      for (size_t i = 1; i < s.size(); ++i) {
        // Neighbours overlap by at least `overlap`, so nothing is missed
        // and any face up to `overlap` wide lies inside one tile.
        EXPECT_LE(s[i] - s[i - 1], side - overlap + 1e-3) << length << side;
        EXPECT_GT(s[i], s[i - 1]);
      }
      // No more tiles than needed: one fewer would not reach the end.
      const size_t fewer = s.size() - 1;
      EXPECT_LT((fewer - 1) * (side - overlap) + side, length + 1e-3f);
    }
  }
}

TEST(TileStartsTest, ShortAxisGetsOneCentredTile) {
  const std::vector<float> s = TileStarts(100, 192, 48);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_FLOAT_EQ(s[0], -46.0f);
}

TEST(PlanTilesTest, LevelsForA1024x768PhotoAndTwelvePixelFaces) {
  TilingOptions o;
  o.min_face_px = 12;
  o.min_face_fraction = 1.0f / 16;
  o.level_ratio = 2;
  o.overlap = 0.25f;
  const std::vector<TileLevel> levels = PlanTiles({1024, 768}, o);
  // Whole image, then 384 and 192 (768 is above 0.67 x 1024).
  ASSERT_EQ(levels.size(), 3u);
  EXPECT_EQ(levels[0].tiles.size(), 1u);
  EXPECT_FLOAT_EQ(levels[0].side, 1024);
  EXPECT_FLOAT_EQ(levels[1].side, 384);
  EXPECT_EQ(levels[1].tiles.size(), 4u * 3u);
  EXPECT_FLOAT_EQ(levels[2].side, 192);
  EXPECT_EQ(levels[2].tiles.size(), 7u * 5u);
  EXPECT_EQ(CountTiles(levels), 48);  // the "whole + 384 + 192"
  for (size_t l = 1; l < levels.size(); ++l) {
    for (const SquareRegion& t : levels[l].tiles) {
      EXPECT_GE(t.x, 0);
      EXPECT_GE(t.y, 0);
      EXPECT_LE(t.x + t.side, 1024 + 1e-3);
      EXPECT_LE(t.y + t.side, 768 + 1e-3);
    }
  }
}

TEST(PlanTilesTest, EveryPixelIsInSomeTileOfEveryLevel) {
  TilingOptions o;
  o.min_face_px = 10;
  o.level_ratio = 1.5f;
  const cv::Size size(1301, 517);
  const std::vector<TileLevel> levels = PlanTiles(size, o);
  ASSERT_GE(levels.size(), 3u);
  for (const TileLevel& level : levels) {
    for (int y = 0; y < size.height; y += 7) {
      for (int x = 0; x < size.width; x += 7) {
        const bool inside = std::any_of(level.tiles.begin(), level.tiles.end(),
                                        [&](const SquareRegion& t) {
                                          return x >= t.x && x < t.x + t.side &&
                                                 y >= t.y && y < t.y + t.side;
                                        });
        ASSERT_TRUE(inside) << level.side << " " << x << "," << y;
      }
    }
  }
}

TEST(PlanTilesTest, NoMinimumFaceMeansWholeImageOnly) {
  TilingOptions o;
  o.min_face_px = 0;
  EXPECT_EQ(PlanTiles({1024, 768}, o).size(), 1u);
  EXPECT_TRUE(PlanTiles({0, 768}, o).empty());
  // A small image needs no tiles for 12 px faces: 192 > 0.67 x 200.
  o.min_face_px = 12;
  EXPECT_EQ(PlanTiles({200, 150}, o).size(), 1u);
}

TEST(PlanTilesTest, FixedLevelIsOneLevelOfThatShare) {
  TilingOptions o;
  o.fixed_level_fraction = 0.6f;
  const std::vector<TileLevel> levels = PlanTiles({1024, 768}, o);
  ASSERT_EQ(levels.size(), 2u);
  EXPECT_NEAR(levels[1].side, 614.4f, 1e-3);
  EXPECT_EQ(levels[1].tiles.size(), 4u);
}

TEST(CutEdgesTest, OnlyInteriorEdgesCut) {
  const cv::Size image(1000, 1000);
  const SquareRegion corner{0, 0, 400};
  // Touches the image's own left/top border: not a cut.
  EXPECT_EQ(CutEdges({0, 0, 30, 30}, corner, image), 0);
  // Touches the tile's right edge, inside the image: cut on the right.
  EXPECT_EQ(CutEdges({380, 100, 20, 20}, corner, image), 4);
  EXPECT_EQ(CutEdges({100, 385, 20, 15}, corner, image), 8);
  const SquareRegion middle{300, 300, 400};
  EXPECT_EQ(CutEdges({300, 500, 20, 20}, middle, image), 1);
  EXPECT_EQ(CutEdges({500, 301, 20, 20}, middle, image), 2);
  EXPECT_EQ(CutEdges({450, 450, 50, 50}, middle, image), 0);
}

// Two tiles of 400 px side overlapping by 100 px (x 0-400 and 300-700) on a
// 700x400 image.
std::vector<TileLevel> TwoTiles() {
  TileLevel whole{700, {SquareRegion{0, -150, 700}}};
  TileLevel tiles{400, {SquareRegion{0, 0, 400}, SquareRegion{300, 0, 400}}};
  return {whole, tiles};
}

TEST(ResolveTileEdgesTest, HalfFaceIsDroppedWhenTheNeighbourSeesItWhole) {
  // A 40 px face at x 370-410: tile 0 sees its left 30 px (box 370-400,
  // touching its right edge); tile 1 holds it whole.
  std::vector<TileCandidate> in = {
      {TileFace(370, 100, 30, 40, 0.6f), 1, 0, false},
      {TileFace(370, 100, 40, 40, 0.9f), 1, 1, false},
  };
  const std::vector<TileCandidate> out =
      ResolveTileEdges(in, TwoTiles(), {700, 400});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].tile, 1);
  EXPECT_FALSE(out[0].cut);
  EXPECT_FLOAT_EQ(out[0].face.box.w, 40);
}

TEST(ResolveTileEdgesTest, FaceWiderThanTheOverlapIsKeptAndExtended) {
  // A 160 px face at x 270-430: wider than the 100 px overlap, so neither
  // tile holds it whole. Tile 0 sees 270-400; the half-box must grow past
  // the edge rather than leave 400-430 uncovered.
  std::vector<TileCandidate> in = {
      {TileFace(270, 100, 130, 160, 0.7f), 1, 0, false},
  };
  const std::vector<TileCandidate> out =
      ResolveTileEdges(in, TwoTiles(), {700, 400});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].cut);
  EXPECT_FLOAT_EQ(out[0].face.box.x, 270);
  EXPECT_GE(out[0].face.box.x + out[0].face.box.w, 430);
  EXPECT_LE(out[0].face.box.x + out[0].face.box.w, 700);  // clipped
}

TEST(ResolveTileEdgesTest, WholeImageAndUncutCandidatesPassUnchanged) {
  std::vector<TileCandidate> in = {
      {TileFace(380, 100, 60, 60, 0.8f), 0, 0, false},  // whole image
      {TileFace(100, 100, 40, 40, 0.8f), 1, 0, false},  // inside tile 0
      {TileFace(690, 100, 10, 10, 0.8f), 1, 1, false},  // at the image edge
  };
  const std::vector<TileCandidate> out =
      ResolveTileEdges(in, TwoTiles(), {700, 400});
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(out[i].cut);
    EXPECT_FLOAT_EQ(out[i].face.box.x, in[i].face.box.x);
    EXPECT_FLOAT_EQ(out[i].face.box.w, in[i].face.box.w);
  }
}

TEST(PlanTilesTest, ExplicitSidesReplaceTheComputedLevels) {
  TilingOptions o;
  o.min_face_px = 12;  // would give 384 and 192
  o.sides = {192, 256, 384, 5000};
  const std::vector<TileLevel> levels = PlanTiles({1024, 768}, o);
  // The side larger than the image is skipped; coarsest first.
  ASSERT_EQ(levels.size(), 4u);
  EXPECT_FLOAT_EQ(levels[1].side, 384);
  EXPECT_FLOAT_EQ(levels[2].side, 256);
  EXPECT_FLOAT_EQ(levels[3].side, 192);
  // The "whole + 384 + 256 + 192-px tiles (68)".
  EXPECT_EQ(CountTiles(levels), 68);
}

}  // namespace
}  // namespace faceveil
