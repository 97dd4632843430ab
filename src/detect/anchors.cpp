#include "detect/anchors.h"

#include <cmath>
#include <cstddef>

namespace faceveil {
namespace {

// Linear interpolation of the scale between min_scale and max_scale over the
// layers; a single layer takes the midpoint.
float LayerScale(const AnchorOptions& o, size_t layer) {
  const size_t n = o.strides.size();
  if (n == 1) return (o.min_scale + o.max_scale) / 2;
  return o.min_scale + (o.max_scale - o.min_scale) * static_cast<float>(layer) /
                           static_cast<float>(n - 1);
}

}  // namespace

AnchorOptions ShortRangeAnchorOptions() {
  AnchorOptions o;
  o.input_size = 128;
  o.strides = {8, 16, 16, 16};
  o.interpolated_scale_aspect_ratio = 1.0f;
  return o;
}

AnchorOptions FullRangeAnchorOptions() {
  AnchorOptions o;
  o.input_size = 192;
  o.strides = {4};
  o.interpolated_scale_aspect_ratio = 0.0f;
  return o;
}

std::vector<Anchor> GenerateAnchors(const AnchorOptions& o) {
  std::vector<Anchor> anchors;
  const size_t num_layers = o.strides.size();
  size_t layer = 0;
  while (layer < num_layers) {
    // Sizes (w, h) of the anchors in one cell of this grid, for every layer
    // that shares the grid's stride.
    std::vector<float> widths;
    std::vector<float> heights;
    size_t last = layer;
    for (; last < num_layers && o.strides[last] == o.strides[layer]; ++last) {
      const float scale = LayerScale(o, last);
      for (float ratio : o.aspect_ratios) {
        widths.push_back(scale * std::sqrt(ratio));
        heights.push_back(scale / std::sqrt(ratio));
      }
      if (o.interpolated_scale_aspect_ratio > 0) {
        const float next =
            last + 1 == num_layers ? 1.0f : LayerScale(o, last + 1);
        const float s = std::sqrt(scale * next);
        const float r = std::sqrt(o.interpolated_scale_aspect_ratio);
        widths.push_back(s * r);
        heights.push_back(s / r);
      }
    }
    const int stride = o.strides[layer];
    const int fm = (o.input_size + stride - 1) / stride;  // ceil(S / stride)
    for (int y = 0; y < fm; ++y) {
      for (int x = 0; x < fm; ++x) {
        for (size_t k = 0; k < widths.size(); ++k) {
          Anchor a;
          a.x = (static_cast<float>(x) + o.anchor_offset) /
                static_cast<float>(fm);
          a.y = (static_cast<float>(y) + o.anchor_offset) /
                static_cast<float>(fm);
          a.w = o.fixed_anchor_size ? 1.0f : widths[k];
          a.h = o.fixed_anchor_size ? 1.0f : heights[k];
          anchors.push_back(a);
        }
      }
    }
    layer = last;
  }
  return anchors;
}

}  // namespace faceveil
