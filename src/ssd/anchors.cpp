#include "ssd/anchors.h"

#include <cmath>

namespace faceveil::ssd {
namespace {

constexpr int kNumLayers = 6;

// Side (scale) and width:height ratio of one box in a cell.
struct CellBox {
  float scale;
  float aspect;
};

std::vector<CellBox> CellBoxes(int layer, const AnchorOptions& o) {
  auto scale = [&](int l) {
    return l >= kNumLayers ? 1.0f
                           : o.min_scale + (o.max_scale - o.min_scale) * l /
                                               (kNumLayers - 1);
  };
  if (layer == 0) {
    return {{o.lowest_layer_scale, 1.0f}, {scale(0), 2.0f}, {scale(0), 0.5f}};
  }
  const float s = scale(layer);
  std::vector<CellBox> boxes = {{s, 1.0f},
                                {std::sqrt(s * scale(layer + 1)), 1.0f}};
  for (float a : o.aspect_ratios) boxes.push_back({s, a});
  return boxes;
}

}  // namespace

std::vector<cv::Size> FeatureMapSizes(cv::Size input) {
  auto half = [](cv::Size s) {
    return cv::Size((s.width + 1) / 2, (s.height + 1) / 2);
  };
  cv::Size s = input;
  for (int i = 0; i < 4; ++i) s = half(s);  // stride 16: conv 11
  std::vector<cv::Size> sizes;
  for (int l = 0; l < kNumLayers; ++l) {
    sizes.push_back(s);
    s = half(s);
  }
  return sizes;
}

int AnchorsPerCell(int layer) { return layer == 0 ? 3 : 6; }

std::vector<Anchor> GenerateAnchors(cv::Size input,
                                    const AnchorOptions& options) {
  std::vector<Anchor> anchors;
  const std::vector<cv::Size> maps = FeatureMapSizes(input);
  const float ref = static_cast<float>(options.reference_size);
  for (int l = 0; l < kNumLayers; ++l) {
    const std::vector<CellBox> boxes = CellBoxes(l, options);
    const cv::Size fm = maps[l];
    for (int y = 0; y < fm.height; ++y) {
      for (int x = 0; x < fm.width; ++x) {
        for (const CellBox& b : boxes) {
          const float root = std::sqrt(b.aspect);
          Anchor a;
          a.cy = (y + 0.5f) / fm.height;
          a.cx = (x + 0.5f) / fm.width;
          a.h = b.scale / root * ref / input.height;
          a.w = b.scale * root * ref / input.width;
          anchors.push_back(a);
        }
      }
    }
  }
  return anchors;
}

}  // namespace faceveil::ssd
