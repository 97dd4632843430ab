// Names of TFLite builtin operators, for error messages.
#ifndef FACEVEIL_TFLITE_OP_NAMES_H_
#define FACEVEIL_TFLITE_OP_NAMES_H_

#include <string>

namespace faceveil::tflite {

// TFLite BuiltinOperator codes faceveil handles.
enum BuiltinCode : int {
  kOpAdd = 0,
  kOpConcatenation = 2,
  kOpConv2D = 3,
  kOpDepthwiseConv2D = 4,
  kOpDepthToSpace = 5,
  kOpDequantize = 6,
  kOpMaxPool2D = 17,
  kOpRelu = 19,
  kOpReshape = 22,
  kOpResizeBilinear = 23,
  kOpCustom = 32,
  kOpPad = 34,
  kOpDensify = 124,
};

// "SOFTMAX (25)"; codes we have no name for print as "operator 999".
std::string DescribeBuiltinOperator(int code);

}  // namespace faceveil::tflite

#endif  // FACEVEIL_TFLITE_OP_NAMES_H_
