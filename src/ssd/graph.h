// face-api's SSD MobileNet V1 as a cv::dnn::Net, built layer by layer from
// the dequantized weights (infer/tfjs_weights.h), for one input size.
//
// The graph (face-api's src/ssdMobilenetv1): MobileNet V1 (a 3x3 stride-2
// convolution, then 13 depthwise + pointwise pairs; every convolution
// followed by ReLU6; depthwise layers carry a batch norm, folded here into
// their weights), eight extra convolutions that halve the resolution every
// second layer, and six box predictor heads (1x1 convolutions) on conv 11,
// the backbone output and extra convolutions 1, 3, 5, 7. All padding is
// TensorFlow's SAME.
#ifndef FACEVEIL_SSD_GRAPH_H_
#define FACEVEIL_SSD_GRAPH_H_

#include <opencv2/core/types.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "faceveil/status.h"
#include "infer/tfjs_weights.h"

namespace faceveil::ssd {

// The network input: NCHW float32 [1, 3, H, W], RGB mapped to [-1, 1].
// Its outputs, one per prediction layer l (in ssd/anchors.h's order), are
// named HeadName(l): NCHW [1, 5 * A, fm_h, fm_w] with A anchors per cell;
// channels 4a..4a+3 hold anchor a's box encoding (ty, tx, th, tw) and
// channel 4A + a its face logit.
std::string HeadName(int layer);
inline constexpr int kNumHeads = 6;

// Checks every tensor the graph needs (names and shapes) and builds the
// network for `input` (width and height >= 32). kCorrupt names the first
// missing or misshapen tensor.
Result<cv::dnn::Net> BuildNet(const WeightMap& weights, cv::Size input);

// Only checks the tensors, as BuildNet does: for loading a model once.
Status CheckWeights(const WeightMap& weights);

}  // namespace faceveil::ssd

#endif  // FACEVEIL_SSD_GRAPH_H_
