// CrowdNet's output decoding: grids of scores and box distances to faces.
#ifndef FACEVEIL_CROWDNET_DECODE_H_
#define FACEVEIL_CROWDNET_DECODE_H_

#include <array>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "faceveil/face.h"

namespace faceveil::crowdnet {

// The grids every CrowdNet has, coarsest last. A model may add a finer grid
// at kFineStride in front of them (train/model.py `p4`). Each grid s has two
// outputs, "score_<s>" and "box_<s>"; Forward() returns them grid by grid,
// finest first: [score_4, box_4,] score_8, box_8, ..., box_32.
inline constexpr std::array<int, 3> kStrides = {8, 16, 32};
inline constexpr int kFineStride = 4;

// Where the network input lies in the image: image = input / scale + offset.
struct InputPlacement {
  float scale = 1;
  float offset_x = 0;
  float offset_y = 0;
  // Valid input area (the rest is padding): cells whose centre lies beyond
  // it are skipped.
  int width = 0;
  int height = 0;
};

// Decodes one grid of stride `stride`: `score` is [1, 1, h, w] (sigmoid
// already applied), `box` [1, 4, h, w] with log distances in strides from the
// cell centre ((col + 0.5) * stride, (row + 0.5) * stride) to the left, top,
// right and bottom sides. Appends every cell scoring at least `min_score` to
// `out` as a face in image pixels (has_keypoints false).
void DecodeGrid(const cv::Mat& score, const cv::Mat& box, int stride,
                float min_score, const InputPlacement& placement,
                std::vector<Face>* out);

}  // namespace faceveil::crowdnet

#endif  // FACEVEIL_CROWDNET_DECODE_H_
