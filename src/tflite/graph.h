// The model as faceveil holds it after reading a .tflite file: a list of
// tensors (constants already turned into float32 or int64) and a list of
// operators in execution order. This is what the network builder translates;
// nothing here refers back to the flatbuffer, so the file's bytes can be
// released once the Graph exists.
#ifndef FACEVEIL_TFLITE_GRAPH_H_
#define FACEVEIL_TFLITE_GRAPH_H_

#include <cstdint>
#include <string>
#include <vector>

namespace faceveil::tflite {

// A tensor of the subgraph. Shapes are as in the file (NHWC for images).
struct GraphTensor {
  std::string name;
  std::vector<int> shape;
  // Constant contents, if the tensor has data in the file (or is the result
  // of folding DEQUANTIZE / DENSIFY). Float tensors fill `floats`, integer
  // tensors (shapes, paddings, sizes) fill `ints`; both are row-major.
  bool is_constant = false;
  bool is_integer = false;
  std::vector<float> floats;
  std::vector<int64_t> ints;
};

enum class OpKind {
  kConv2D,
  kDepthwiseConv2D,
  kAdd,
  kRelu,
  kMaxPool2D,
  kPad,
  kResizeBilinear,
  kReshape,
  kConcatenation,
  kDepthToSpace,
};

// Activation applied to an operator's result (TFLite "fused activation").
enum class Activation { kNone, kRelu, kReluN1To1, kRelu6 };

// One operator, with the options of its kind already checked against the
// shapes of its tensors. Only the fields of `kind` are meaningful.
struct GraphOp {
  OpKind kind = OpKind::kRelu;
  std::vector<int> inputs;  // tensor indices; constants included
  int output = -1;          // every supported operator has one output
  Activation activation = Activation::kNone;

  // Convolutions and pooling: window geometry in the spatial dims. Padding
  // is already resolved to explicit amounts (TFLite SAME puts the odd pixel
  // after: before = total / 2, after = total - before).
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int groups = 1;  // depthwise: the number of input channels

  // PAD: [before, after] per dimension of the input, in file (NHWC) order.
  std::vector<int> paddings;
  // CONCATENATION: axis in file order, already non-negative.
  int axis = 0;
  // RESIZE_BILINEAR.
  bool align_corners = false;
  bool half_pixel_centers = false;
  // DEPTH_TO_SPACE.
  int block_size = 1;
};

struct Graph {
  std::vector<GraphTensor> tensors;
  std::vector<GraphOp> ops;  // execution order
  int input = -1;            // the single subgraph input
  std::vector<int> outputs;  // subgraph outputs, file order
};

}  // namespace faceveil::tflite

#endif  // FACEVEIL_TFLITE_GRAPH_H_
