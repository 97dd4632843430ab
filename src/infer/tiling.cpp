#include "infer/tiling.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace faceveil {
namespace {

bool RegionContains(const SquareRegion& r, const Box& b) {
  // Half a pixel of slack: extended boxes are clipped to the image and
  // edge tiles end exactly at it.
  constexpr float kSlack = 0.5f;
  return b.x >= r.x - kSlack && b.y >= r.y - kSlack &&
         b.x + b.w <= r.x + r.side + kSlack &&
         b.y + b.h <= r.y + r.side + kSlack;
}

Box ClipToImage(Box b, cv::Size image) {
  const float x0 = std::max(b.x, 0.0f);
  const float y0 = std::max(b.y, 0.0f);
  const float x1 = std::min(b.x + b.w, static_cast<float>(image.width));
  const float y1 = std::min(b.y + b.h, static_cast<float>(image.height));
  return Box{x0, y0, std::max(0.0f, x1 - x0), std::max(0.0f, y1 - y0)};
}

// Tile sides from the coarsest to the finest, whole image excluded.
std::vector<float> LevelSides(float whole, const TilingOptions& o) {
  std::vector<float> sides;
  if (!o.sides.empty()) {
    for (float s : o.sides) {
      if (s > 0 && s < whole) sides.push_back(s);
    }
    std::sort(sides.begin(), sides.end(), std::greater<float>());
    return sides;
  }
  if (o.fixed_level_fraction > 0) {
    if (o.fixed_level_fraction < 1)
      sides.push_back(o.fixed_level_fraction * whole);
    return sides;
  }
  if (!(o.min_face_px > 0) || !(o.min_face_fraction > 0) ||
      !(o.level_ratio > 1)) {
    return sides;
  }
  const float limit = o.max_level_fraction * whole;
  for (float s = std::max(o.min_face_px / o.min_face_fraction, o.min_tile_px);
       s < limit; s *= o.level_ratio) {
    sides.push_back(s);
  }
  if (o.max_levels > 0 && static_cast<int>(sides.size()) > o.max_levels) {
    sides.resize(o.max_levels);
  }
  std::reverse(sides.begin(), sides.end());
  return sides;
}

}  // namespace

std::vector<float> TileStarts(float length, float side, float min_overlap) {
  if (length <= side) return {(length - side) / 2};
  const float step = std::max(1.0f, side - min_overlap);
  // The epsilon keeps an exact fit from rounding up to one tile more.
  const int n = static_cast<int>(std::ceil((length - side) / step - 1e-4f)) + 1;
  std::vector<float> starts(n);
  for (int i = 0; i < n; ++i) {
    starts[i] = n == 1 ? 0 : (length - side) * i / (n - 1);
  }
  return starts;
}

std::vector<TileLevel> PlanTiles(cv::Size image, const TilingOptions& o) {
  std::vector<TileLevel> levels;
  if (image.width <= 0 || image.height <= 0) return levels;
  const SquareRegion whole = WholeImageRegion(image);
  levels.push_back(TileLevel{whole.side, {whole}});
  const float overlap = std::clamp(o.overlap, 0.0f, 0.9f);
  for (float side : LevelSides(whole.side, o)) {
    TileLevel level;
    level.side = side;
    const std::vector<float> xs =
        TileStarts(static_cast<float>(image.width), side, overlap * side);
    const std::vector<float> ys =
        TileStarts(static_cast<float>(image.height), side, overlap * side);
    for (float y : ys) {
      for (float x : xs) level.tiles.push_back(SquareRegion{x, y, side});
    }
    levels.push_back(std::move(level));
  }
  return levels;
}

int CountTiles(const std::vector<TileLevel>& levels) {
  int n = 0;
  for (const TileLevel& l : levels) n += static_cast<int>(l.tiles.size());
  return n;
}

bool CutByRegionEdge(const Box& box, const cv::Rect& region, cv::Size image,
                     float margin) {
  if (region.x > 0 && box.x < region.x + margin) return true;
  if (region.y > 0 && box.y < region.y + margin) return true;
  if (region.x + region.width < image.width &&
      box.x + box.w > region.x + region.width - margin) {
    return true;
  }
  if (region.y + region.height < image.height &&
      box.y + box.h > region.y + region.height - margin) {
    return true;
  }
  return false;
}

int CutEdges(const Box& box, const SquareRegion& tile, cv::Size image) {
  const float margin = kCutMarginFraction * tile.side;
  // Half a pixel: an edge tile ends exactly at the image border.
  constexpr float kBorder = 0.5f;
  int edges = 0;
  if (tile.x > kBorder && box.x < tile.x + margin) edges |= 1;
  if (tile.y > kBorder && box.y < tile.y + margin) edges |= 2;
  if (tile.x + tile.side < image.width - kBorder &&
      box.x + box.w > tile.x + tile.side - margin) {
    edges |= 4;
  }
  if (tile.y + tile.side < image.height - kBorder &&
      box.y + box.h > tile.y + tile.side - margin) {
    edges |= 8;
  }
  return edges;
}

std::vector<TileCandidate> ResolveTileEdges(
    std::vector<TileCandidate> candidates, const std::vector<TileLevel>& levels,
    cv::Size image) {
  std::vector<TileCandidate> out;
  out.reserve(candidates.size());
  for (TileCandidate& c : candidates) {
    if (c.level <= 0 || c.level >= static_cast<int>(levels.size())) {
      out.push_back(std::move(c));
      continue;
    }
    const std::vector<SquareRegion>& tiles = levels[c.level].tiles;
    if (c.tile < 0 || c.tile >= static_cast<int>(tiles.size())) continue;
    const int edges = CutEdges(c.face.box, tiles[c.tile], image);
    if (edges == 0) {
      out.push_back(std::move(c));
      continue;
    }
    const Box b = c.face.box;
    Box ext = b;
    if (edges & 1) ext.x -= b.w, ext.w += b.w;
    if (edges & 2) ext.y -= b.h, ext.h += b.h;
    if (edges & 4) ext.w += b.w;
    if (edges & 8) ext.h += b.h;
    ext = ClipToImage(ext, image);
    bool whole_elsewhere = false;
    for (size_t t = 0; t < tiles.size() && !whole_elsewhere; ++t) {
      whole_elsewhere =
          static_cast<int>(t) != c.tile && RegionContains(tiles[t], ext);
    }
    if (whole_elsewhere) continue;
    c.face.box = ext;
    c.cut = true;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace faceveil
