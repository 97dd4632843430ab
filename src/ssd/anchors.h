// SSD anchors of face-api's SSD MobileNet V1 for any input size: the rule
// of the TensorFlow Object Detection API's multiple grid anchor generator
// (ssd_anchor_generator), which produced the 5,118 anchors stored in the
// model for 512x512.
#ifndef FACEVEIL_SSD_ANCHORS_H_
#define FACEVEIL_SSD_ANCHORS_H_

#include <opencv2/core/types.hpp>
#include <vector>

namespace faceveil::ssd {

// Centre and size relative to the network input (x by width, y by height).
struct Anchor {
  float cy = 0, cx = 0, h = 0, w = 0;
};

struct AnchorOptions {
  // Scales of the six layers are evenly spaced from min_scale to max_scale
  // (fractions of reference_size); each layer also gets one box of the
  // geometric mean of its scale and the next (1.0 after the last).
  float min_scale = 0.2f;
  float max_scale = 0.95f;
  // Width:height ratios of layers 1..5, in this order, after the two
  // square boxes. 0.3333 (not 1/3) is what the model was trained with.
  std::vector<float> aspect_ratios = {2.0f, 0.5f, 3.0f, 0.3333f};
  // Layer 0 has three boxes only: scale 0.1 square, then min_scale at 2.0
  // and 0.5 ("reduce_boxes_in_lowest_layer").
  float lowest_layer_scale = 0.1f;
  // The input side the scales refer to, in pixels. The network was trained
  // at 512x512; on other inputs the anchors keep their size in pixels,
  // because the box regression heads predict offsets relative to the
  // anchor sizes they were trained with at a given feature stride. At
  // 512x512 this is exactly TensorFlow's rule.
  int reference_size = 512;
};

// The feature map sizes (width, height) of the six prediction layers for an
// input of `input` pixels: strides 16, 32, 64, 128, 256, 512 with
// TensorFlow's SAME padding (each stride-2 step gives ceil(n / 2)).
std::vector<cv::Size> FeatureMapSizes(cv::Size input);

// Anchors per cell of layer `layer` (3 for layer 0, 6 for the others).
int AnchorsPerCell(int layer);

// All anchors for `input`, ordered by layer, then row, then column, then
// box within the cell; this is the order of the network's predictions.
// Centres follow TensorFlow: ((x + 0.5) / fm_w, (y + 0.5) / fm_h).
std::vector<Anchor> GenerateAnchors(cv::Size input,
                                    const AnchorOptions& options = {});

}  // namespace faceveil::ssd

#endif  // FACEVEIL_SSD_ANCHORS_H_
