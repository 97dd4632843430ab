// Builds small TFLite flatbuffers in tests, with the same schema subset the
// reader uses, so single operators can be checked against plain reference
// implementations and malformed models can be crafted precisely.
#ifndef FACEVEIL_TESTS_TFLITE_TINY_MODEL_H_
#define FACEVEIL_TESTS_TFLITE_TINY_MODEL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "schema_subset_generated.h"

namespace faceveil::tflite::testing {

struct TinyTensor {
  std::vector<int> shape;
  schema::TensorType type = schema::TensorType_FLOAT32;
  std::vector<uint8_t> data;  // empty: not a constant
  std::string name;
};

struct TinyOp {
  int code = 0;  // BuiltinOperator
  std::vector<int> inputs, outputs;
  schema::BuiltinOptions options_type = schema::BuiltinOptions_NONE;
  // Writes the options table into the builder (called when options_type is
  // not NONE).
  std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>
      options;
  std::string custom_code;
};

struct TinyModel {
  std::vector<TinyTensor> tensors;
  std::vector<TinyOp> ops;
  std::vector<int> inputs, outputs;

  int AddTensor(std::vector<int> shape, std::vector<uint8_t> data = {},
                schema::TensorType type = schema::TensorType_FLOAT32);
};

std::vector<uint8_t> FloatBytes(const std::vector<float>& values);
std::vector<uint8_t> Int32Bytes(const std::vector<int32_t>& values);

// The model as a .tflite file (schema version 3, identifier TFL3).
std::vector<uint8_t> Serialize(const TinyModel& model);

}  // namespace faceveil::tflite::testing

#endif  // FACEVEIL_TESTS_TFLITE_TINY_MODEL_H_
