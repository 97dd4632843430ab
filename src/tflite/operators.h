// Translation of one TFLite operator into a GraphOp, with its options read
// from the flatbuffer and its tensor shapes checked, so that the network
// built later cannot disagree with the shapes the file declares.
#ifndef FACEVEIL_TFLITE_OPERATORS_H_
#define FACEVEIL_TFLITE_OPERATORS_H_

#include <vector>

#include "faceveil/status.h"
#include "schema_subset_generated.h"
#include "tflite/graph.h"

namespace faceveil::tflite {

// `code` is the operator's builtin code; `tensors` are the subgraph's tensors
// (inputs are checked to be in range by the caller). Constant-only operators
// (DEQUANTIZE, DENSIFY) are not handled here.
Result<GraphOp> ParseOperator(int code, const schema::Operator& op,
                              const std::vector<GraphTensor>& tensors);

}  // namespace faceveil::tflite

#endif  // FACEVEIL_TFLITE_OPERATORS_H_
