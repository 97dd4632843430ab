// Multi-scale tiling: the square regions BlazeFace looks at so that faces
// down to a minimum size reach it at a size it can see, and the rule that
// keeps a face cut by a tile edge from ending up as a half-box.
//
// A level is a grid of square tiles of one side, overlapping by at least a
// fixed share of that side. Level 0 is the whole image, letterboxed. Tile
// positions are spread evenly so that the first and last tiles of a row are
// flush with the image's edges (never past them, unless the image is
// smaller than the tile, in which case the tile is centred on it).
#ifndef FACEVEIL_INFER_TILING_H_
#define FACEVEIL_INFER_TILING_H_

#include <opencv2/core/types.hpp>
#include <vector>

#include "faceveil/face.h"
#include "infer/letterbox.h"

namespace faceveil {

struct TilingOptions {
  // Smallest face height, in image pixels, the finest level must bring to
  // a size the model sees. <= 0: whole image only.
  float min_face_px = 12;

  // The smallest face the model finds reliably, as a share of its input
  // side: the finest tile side is min_face_px / min_face_fraction. 1/16
  // puts a 12 px face at 12 px in a 192-px tile (full range at 1:1).
  float min_face_fraction = 1.0f / 16;

  // Side ratio between consecutive levels, from the finest up; > 1.
  float level_ratio = 2.0f;

  // No tile level at or above this share of the whole image's side: the
  // whole-image pass already sees those faces at a similar scale.
  float max_level_fraction = 0.67f;

  // At most this many tile levels (whole image not counted); the coarsest
  // are dropped first. 0: no limit.
  int max_levels = 0;

  // Neighbouring tiles share at least this share of their side. A face no
  // wider than the overlap lies wholly inside some tile of the level.
  float overlap = 0.25f;

  // Tiles are never smaller than this many image pixels.
  float min_tile_px = 0;

  // > 0: instead of the levels above, one tile level whose side is this
  // share of the image's longer side (the fast preset's single level).
  float fixed_level_fraction = 0;

  // Non-empty: exactly these tile sides, in image pixels, instead of the
  // levels above (measuring a tiling by hand; sides not below the whole
  // image's side are skipped).
  std::vector<float> sides;
};

struct TileLevel {
  float side = 0;                   // tile side in image pixels
  std::vector<SquareRegion> tiles;  // row by row, top to bottom
};

// Start positions of tiles of `side` along an axis of `length` pixels, with
// neighbours overlapping by at least `min_overlap` pixels. The first starts
// at 0 and the last ends at `length` when length > side; otherwise a single
// tile centred on the axis.
std::vector<float> TileStarts(float length, float side, float min_overlap);

// Level 0 is the whole image; then tile levels from the coarsest to the
// finest. An empty image gets no levels.
std::vector<TileLevel> PlanTiles(cv::Size image, const TilingOptions& options);

// Total number of regions (inferences) over all levels.
int CountTiles(const std::vector<TileLevel>& levels);

// A candidate from tile `tile` of level `level`, in image pixels.
struct TileCandidate {
  Face face;
  int level = 0;
  int tile = 0;
  bool cut = false;  // touches an interior tile edge; box extended past it
};

// Whether `box` reaches within `margin` pixels of an edge of `region` that
// is not also an edge of the image: the cut rule of the SSD's and CrowdNet's
// tiles (a candidate there may be half a face; a neighbour sees it whole).
bool CutByRegionEdge(const Box& box, const cv::Rect& region, cv::Size image,
                     float margin);

// How close, as a share of the tile side, a box must come to a tile edge
// to count as cut by it.
inline constexpr float kCutMarginFraction = 0.02f;

// Sides of `tile` that `box` touches (within kCutMarginFraction of the
// side) where the image continues beyond the tile. Bit 0 left, 1 top,
// 2 right, 3 bottom.
int CutEdges(const Box& box, const SquareRegion& tile, cv::Size image);

// The tile-edge rule. A candidate touching an interior edge of its tile may
// show only part of a face, so its box is extended by its own size across
// each cut edge (the visible part of a face the model still detects is at
// least about half of it). If another tile of the same level contains that
// extended box, the face is whole there and the cut candidate is dropped;
// otherwise it is kept with the extended box and marked `cut`, so that the
// mask still covers what lies beyond the edge. Whole-image candidates
// (level 0) are never cut.
std::vector<TileCandidate> ResolveTileEdges(
    std::vector<TileCandidate> candidates, const std::vector<TileLevel>& levels,
    cv::Size image);

}  // namespace faceveil

#endif  // FACEVEIL_INFER_TILING_H_
