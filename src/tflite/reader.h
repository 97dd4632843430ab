// Reading a .tflite flatbuffer into a Graph: verification of the buffer,
// validation of every tensor and operator against the operators faceveil
// supports, and folding of the constant-only operators (DEQUANTIZE of fp16
// weights, DENSIFY of sparse weights) so the Graph holds float32 constants.
#ifndef FACEVEIL_TFLITE_READER_H_
#define FACEVEIL_TFLITE_READER_H_

#include <cstdint>
#include <span>

#include "faceveil/status.h"
#include "tflite/graph.h"

namespace faceveil::tflite {

// Limits that keep a hostile file from exhausting memory or time. The
// defaults are far above what face detection models need.
struct ReadOptions {
  // Largest accepted file, in bytes.
  size_t max_file_bytes = size_t{512} << 20;
  // Largest number of elements of any single tensor.
  int64_t max_tensor_elements = int64_t{1} << 26;
  // Largest number of operators in the graph.
  int max_operators = 10000;
};

// Any flaw in `bytes` is a Status: Corrupt for bytes that are not a valid
// TFLite model, Unsupported for valid models using what we do not handle
// (naming the operator, type or feature), TooLarge past the limits above.
Result<Graph> ReadGraph(std::span<const uint8_t> bytes,
                        const ReadOptions& options = ReadOptions());

}  // namespace faceveil::tflite

#endif  // FACEVEIL_TFLITE_READER_H_
