// Translation of a Graph into an OpenCV DNN network.
//
// Image tensors (rank 4) live in the network as NCHW blobs; every other
// tensor keeps the file's layout. Permute layers are inserted where a rank-4
// tensor meets an operator that needs the file's NHWC order (RESHAPE, graph
// outputs), so reshaped and final outputs have exactly TFLite's memory
// layout. Fused activations become separate ReLU/ReLU6 layers right after
// their producer, which OpenCV fuses back into convolutions; zero PAD of the
// spatial dimensions in front of a convolution is folded into the
// convolution's own padding.
#ifndef FACEVEIL_TFLITE_NET_BUILDER_H_
#define FACEVEIL_TFLITE_NET_BUILDER_H_

#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "faceveil/status.h"
#include "tflite/graph.h"

namespace faceveil::tflite {

struct BuiltNet {
  cv::dnn::Net net;
  // Layer names yielding the graph outputs, in graph output order.
  std::vector<std::string> output_names;
};

// Builds a fresh network; `graph` is only read, so concurrent calls on the
// same Graph are safe. Weights are copied into the network. Errors raised by
// OpenCV become Status::Internal.
Result<BuiltNet> BuildNetFromGraph(const Graph& graph);

}  // namespace faceveil::tflite

#endif  // FACEVEIL_TFLITE_NET_BUILDER_H_
