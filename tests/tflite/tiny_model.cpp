#include "tflite/tiny_model.h"

#include <cstring>

namespace faceveil::tflite::testing {

int TinyModel::AddTensor(std::vector<int> shape, std::vector<uint8_t> data,
                         schema::TensorType type) {
  TinyTensor t;
  t.shape = std::move(shape);
  t.data = std::move(data);
  t.type = type;
  t.name = "tensor" + std::to_string(tensors.size());
  tensors.push_back(std::move(t));
  return static_cast<int>(tensors.size()) - 1;
}

std::vector<uint8_t> FloatBytes(const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::vector<uint8_t> Int32Bytes(const std::vector<int32_t>& values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::vector<uint8_t> Serialize(const TinyModel& model) {
  flatbuffers::FlatBufferBuilder b;
  // Buffer 0 is the empty sentinel; each constant gets its own buffer.
  std::vector<flatbuffers::Offset<schema::Buffer>> buffers = {
      schema::CreateBuffer(b)};
  std::vector<flatbuffers::Offset<schema::Tensor>> tensors;
  for (const TinyTensor& t : model.tensors) {
    uint32_t buffer = 0;
    if (!t.data.empty()) {
      b.ForceVectorAlignment(t.data.size(), 1, 16);
      buffers.push_back(schema::CreateBuffer(b, b.CreateVector(t.data)));
      buffer = static_cast<uint32_t>(buffers.size() - 1);
    }
    tensors.push_back(schema::CreateTensor(b, b.CreateVector(t.shape), t.type,
                                           buffer, b.CreateString(t.name)));
  }
  std::vector<flatbuffers::Offset<schema::OperatorCode>> codes;
  std::vector<flatbuffers::Offset<schema::Operator>> ops;
  for (const TinyOp& op : model.ops) {
    const int8_t small = static_cast<int8_t>(op.code < 127 ? op.code : 127);
    codes.push_back(schema::CreateOperatorCode(
        b, small, op.custom_code.empty() ? 0 : b.CreateString(op.custom_code),
        1, op.code));
    flatbuffers::Offset<void> options;
    if (op.options_type != schema::BuiltinOptions_NONE) options = op.options(b);
    ops.push_back(schema::CreateOperator(
        b, static_cast<uint32_t>(codes.size() - 1), b.CreateVector(op.inputs),
        b.CreateVector(op.outputs), op.options_type, options));
  }
  auto subgraph = schema::CreateSubGraph(
      b, b.CreateVector(tensors), b.CreateVector(model.inputs),
      b.CreateVector(model.outputs), b.CreateVector(ops));
  std::vector<flatbuffers::Offset<schema::SubGraph>> subgraphs = {subgraph};
  auto root = schema::CreateModel(b, 3, b.CreateVector(codes),
                                  b.CreateVector(subgraphs), 0,
                                  b.CreateVector(buffers));
  schema::FinishModelBuffer(b, root);
  return std::vector<uint8_t>(b.GetBufferPointer(),
                              b.GetBufferPointer() + b.GetSize());
}

}  // namespace faceveil::tflite::testing
