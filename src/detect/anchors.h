// SSD anchor generation for BlazeFace, following the options MediaPipe's
// SsdAnchorsCalculator uses for its face detection graphs.
#ifndef FACEVEIL_DETECT_ANCHORS_H_
#define FACEVEIL_DETECT_ANCHORS_H_

#include <vector>

namespace faceveil {

// One anchor, relative to the square model input: centre and size in [0, 1].
struct Anchor {
  float x = 0;
  float y = 0;
  float w = 0;
  float h = 0;
};

struct AnchorOptions {
  // Side of the square model input, in pixels.
  int input_size = 128;
  // Scale of the first and last layers' anchors, relative to input_size.
  float min_scale = 0.1484375f;
  float max_scale = 0.75f;
  // Where in its grid cell an anchor's centre lies (0.5: the cell's centre).
  float anchor_offset = 0.5f;
  // One entry per output layer; consecutive equal strides share one grid.
  std::vector<int> strides = {8, 16, 16, 16};
  // Aspect ratios (w / h) of the anchors of every layer.
  std::vector<float> aspect_ratios = {1.0f};
  // When > 0, each layer gets one extra anchor of this aspect ratio with the
  // geometric mean of its scale and the next layer's.
  float interpolated_scale_aspect_ratio = 1.0f;
  // BlazeFace regresses absolute sizes: every anchor has w = h = 1.
  bool fixed_anchor_size = true;
};

// The anchor layouts of the two BlazeFace families (DESIGN.md).
AnchorOptions ShortRangeAnchorOptions();  // 128x128 input, 896 anchors
AnchorOptions FullRangeAnchorOptions();   // 192x192 input, 2304 anchors

// Anchors in the order the model emits its predictions: grid by grid, and
// within a grid row (y), then column (x), then anchor within the cell.
std::vector<Anchor> GenerateAnchors(const AnchorOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_ANCHORS_H_
