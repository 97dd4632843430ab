// CrowdNet: faceveil's own face detector (train/, docs/CROWDNET.md), a small
// anchor-free network trained here on WIDER FACE crowds and street photos for
// small, blurred and turned faces, run on OpenCV DNN from the ONNX file
// embedded in the library.
//
// The network sees the image at its own resolution (each side padded up to a
// multiple of 32) and predicts, for every cell of three grids (strides 8, 16
// and 32; models from run v6 on add a fourth at stride 4), a face score and the
// distances from the cell centre to the four sides of the face's box. It has no
// keypoints.
//
// Created once, immutable afterwards; every method is thread-safe (each
// concurrent call borrows its own network from a pool).
#ifndef FACEVEIL_CROWDNET_CROWDNET_H_
#define FACEVEIL_CROWDNET_CROWDNET_H_

#include <cstdint>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <span>
#include <string>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/status.h"
#include "infer/net_pool.h"

namespace faceveil::crowdnet {

// The input sides must be multiples of this (the coarsest stride).
inline constexpr int kInputAlign = 32;
// The largest network input side accepted, pixels (memory bound: the first
// layer's output is 16 channels at half resolution).
inline constexpr int kMaxInputSide = 4096;
// The smallest network input side accepted, pixels: two cells of the
// coarsest grid. OpenCV 4.6 DNN reads out of bounds on an input one
// stride-32 cell high or wide (valgrind: random boxes scoring 1.0 on a
// 1500x20 strip), so DetectCandidates pads up to it.
inline constexpr int kMinInputSide = 2 * kInputAlign;

class CrowdNet {
 public:
  // The model embedded in the library.
  static Result<std::unique_ptr<CrowdNet>> Create();
  // A model from the bytes of an ONNX file. kCorrupt when they are not an
  // ONNX graph with CrowdNet's inputs and outputs (checked by running it
  // once on a small input).
  static Result<std::unique_ptr<CrowdNet>> Create(
      std::span<const uint8_t> onnx);

  // Runs the network once on `region` of `image` (8-bit, 1, 3 or 4
  // channels) resized by `scale` (1: the image's own pixels; bilinear when
  // enlarging, pixel-area averaging when shrinking) and returns every
  // candidate scoring at least `min_score`, in `image` pixels: unsorted, not
  // merged, without keypoints. The scaled region's sides must be at most
  // kMaxInputSide.
  Result<std::vector<Face>> DetectCandidates(const cv::Mat& image,
                                             const cv::Rect& region,
                                             float scale,
                                             float min_score) const;

  // The raw outputs for a [1, 3, H, W] float input (H, W multiples of 32,
  // at least kMinInputSide), in the order of OutputNames(); for the golden
  // test. kInvalidArgument for any other shape.
  Result<std::vector<cv::Mat>> Forward(const cv::Mat& blob) const;

  // The model's grids, finest first (8, 16, 32, or 4, 8, 16, 32).
  const std::vector<int>& strides() const { return strides_; }
  // Its outputs in the order Forward() returns them: score_s, box_s per grid.
  std::vector<std::string> OutputNames() const;

 private:
  explicit CrowdNet(std::span<const uint8_t> onnx);

  std::vector<uint8_t> onnx_;  // kept for building pooled copies
  std::vector<int> strides_;   // found in the graph by Create
  mutable NetPool pool_;
};

}  // namespace faceveil::crowdnet

#endif  // FACEVEIL_CROWDNET_CROWDNET_H_
