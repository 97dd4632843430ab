#include "tflite/reader.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "flatbuffers/flatbuffers.h"
#include "schema_subset_generated.h"
#include "tflite/densify.h"
#include "tflite/fp16.h"
#include "tflite/op_names.h"
#include "tflite/operators.h"

namespace faceveil::tflite {
namespace {

constexpr size_t kMaxTensorRank = 6;

std::string TypeName(schema::TensorType type) {
  const char* name = schema::EnumNameTensorType(type);
  return name && *name ? name : "type " + std::to_string(type);
}

size_t ElementSize(schema::TensorType type) {
  switch (type) {
    case schema::TensorType_FLOAT32:
    case schema::TensorType_INT32:
      return 4;
    case schema::TensorType_FLOAT16:
      return 2;
    case schema::TensorType_INT64:
      return 8;
    default:
      return 0;
  }
}

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

Status ReadIndexVector(schema::SparseIndexVector type, const void* table,
                       std::vector<int>* out) {
  switch (type) {
    case schema::SparseIndexVector_Int32Vector: {
      const auto* v = static_cast<const schema::Int32Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status::Ok();
    }
    case schema::SparseIndexVector_Uint16Vector: {
      const auto* v = static_cast<const schema::Uint16Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status::Ok();
    }
    case schema::SparseIndexVector_Uint8Vector: {
      const auto* v = static_cast<const schema::Uint8Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return Status::Ok();
    }
    default:
      return Status::Corrupt("sparse tensor: missing index vector");
  }
}

Result<Sparsity> ReadSparsity(const schema::SparsityParameters& p) {
  Sparsity s;
  if (p.traversal_order()) {
    s.traversal_order.assign(p.traversal_order()->begin(),
                             p.traversal_order()->end());
  }
  if (p.block_map()) {
    s.block_map.assign(p.block_map()->begin(), p.block_map()->end());
  }
  if (!p.dim_metadata()) return Status::Corrupt("sparse tensor: no metadata");
  for (const schema::DimensionMetadata* m : *p.dim_metadata()) {
    SparseDimension d;
    if (m->format() == schema::DimensionType_DENSE) {
      d.dense_size = m->dense_size();
    } else if (m->format() == schema::DimensionType_SPARSE_CSR) {
      d.compressed = true;
      FACEVEIL_RETURN_IF_ERROR(ReadIndexVector(
          m->array_segments_type(), m->array_segments(), &d.segments));
      FACEVEIL_RETURN_IF_ERROR(ReadIndexVector(m->array_indices_type(),
                                               m->array_indices(), &d.indices));
    } else {
      return Status::Unsupported("sparse tensor: dimension format " +
                                 std::to_string(m->format()));
    }
    s.dims.push_back(std::move(d));
  }
  return s;
}

class Reader {
 public:
  Reader(const schema::Model& model, const ReadOptions& options)
      : model_(model), options_(options) {}

  Result<Graph> Read() {
    const auto* subgraphs = model_.subgraphs();
    if (!subgraphs || subgraphs->size() == 0) {
      return Status::Corrupt("TFLite model has no subgraph");
    }
    if (subgraphs->size() > 1) {
      return Status::Unsupported("TFLite model with " +
                                 std::to_string(subgraphs->size()) +
                                 " subgraphs (control flow)");
    }
    const schema::SubGraph& g = *subgraphs->Get(0);
    FACEVEIL_RETURN_IF_ERROR(ReadTensors(g));
    FACEVEIL_RETURN_IF_ERROR(ReadInputsOutputs(g));
    FACEVEIL_RETURN_IF_ERROR(ReadOperators(g));
    for (int o : graph_.outputs) {
      if (!written_[o]) {
        return Status::Corrupt("graph output '" + graph_.tensors[o].name +
                               "' is never written");
      }
    }
    return std::move(graph_);
  }

 private:
  Status ReadTensors(const schema::SubGraph& g) {
    if (!g.tensors()) return Status::Corrupt("subgraph has no tensors");
    const auto* buffers = model_.buffers();
    for (const schema::Tensor* t : *g.tensors()) {
      GraphTensor out;
      if (t->name()) out.name = t->name()->str();
      const std::string label = "tensor '" + out.name + "'";
      const auto* shape = t->shape();
      if (shape && shape->size() > kMaxTensorRank) {
        return Status::Unsupported(label + " has rank " +
                                   std::to_string(shape->size()));
      }
      int64_t elements = 1;
      if (shape) {
        for (int d : *shape) {
          if (d <= 0) {
            return Status::Corrupt(label + " has dimension " +
                                   std::to_string(d));
          }
          elements *= d;
          if (elements > options_.max_tensor_elements) {
            return Status::TooLarge(label + " is too large");
          }
          out.shape.push_back(d);
        }
      }
      types_.push_back(t->type());
      const uint32_t b = t->buffer();
      const schema::Buffer* buffer = nullptr;
      if (b != 0) {
        if (!buffers || b >= buffers->size()) {
          return Status::Corrupt(label + " refers to missing buffer " +
                                 std::to_string(b));
        }
        buffer = buffers->Get(b);
        if (buffer->offset() > 1) {
          return Status::Unsupported(label +
                                     ": data outside the flatbuffer (models "
                                     "over 2 GB)");
        }
      }
      const auto* data = buffer ? buffer->data() : nullptr;
      std::optional<Sparsity> sparsity;
      if (t->sparsity()) {
        auto s = ReadSparsity(*t->sparsity());
        if (!s.ok()) return s.status().WithContext(label);
        sparsity = std::move(s.value());
      }
      if (data && data->size() > 0) {
        FACEVEIL_RETURN_IF_ERROR(
            ReadConstant(label, t->type(), elements, *data, sparsity, &out));
      } else if (sparsity) {
        return Status::Corrupt(label + " is sparse but has no data");
      }
      sparsity_.push_back(std::move(sparsity));
      graph_.tensors.push_back(std::move(out));
    }
    written_.assign(graph_.tensors.size(), false);
    for (size_t i = 0; i < graph_.tensors.size(); ++i) {
      written_[i] = graph_.tensors[i].is_constant;
    }
    return Status::Ok();
  }

  // Decodes a constant. Sparse tensors keep their stored values only; the
  // DENSIFY that consumes them expands them.
  Status ReadConstant(const std::string& label, schema::TensorType type,
                      int64_t elements, const flatbuffers::Vector<uint8_t>& d,
                      const std::optional<Sparsity>& sparsity,
                      GraphTensor* out) {
    const size_t size = ElementSize(type);
    if (size == 0) {
      return Status::Unsupported(label + " has constant type " +
                                 TypeName(type));
    }
    const size_t count = sparsity ? d.size() / size : elements;
    if (d.size() != count * size) {
      return Status::Corrupt(label + " has " + std::to_string(d.size()) +
                             " bytes of data for " + std::to_string(count) +
                             " elements of " + TypeName(type));
    }
    const uint8_t* p = d.data();
    out->is_constant = true;
    switch (type) {
      case schema::TensorType_FLOAT32:
        out->floats.resize(count);
        std::memcpy(out->floats.data(), p, count * 4);
        break;
      case schema::TensorType_FLOAT16:
        out->floats.resize(count);
        for (size_t i = 0; i < count; ++i) {
          out->floats[i] = HalfToFloat(Load<uint16_t>(p + 2 * i));
        }
        break;
      case schema::TensorType_INT32:
        out->is_integer = true;
        for (size_t i = 0; i < count; ++i) {
          out->ints.push_back(Load<int32_t>(p + 4 * i));
        }
        break;
      default:  // INT64
        out->is_integer = true;
        for (size_t i = 0; i < count; ++i) {
          out->ints.push_back(Load<int64_t>(p + 8 * i));
        }
        break;
    }
    return Status::Ok();
  }

  Status CheckIndex(int index, const char* what) const {
    if (index < 0 || index >= static_cast<int>(graph_.tensors.size())) {
      return Status::Corrupt(std::string(what) + " tensor index " +
                             std::to_string(index) + " out of range");
    }
    return Status::Ok();
  }

  Status CheckFloatActivation(int index, const char* what) const {
    if (types_[index] != schema::TensorType_FLOAT32) {
      return Status::Unsupported(std::string(what) + " '" +
                                 graph_.tensors[index].name + "' has type " +
                                 TypeName(types_[index]) +
                                 "; only float32 is supported");
    }
    return Status::Ok();
  }

  Status ReadInputsOutputs(const schema::SubGraph& g) {
    if (!g.inputs() || g.inputs()->size() != 1) {
      return Status::Unsupported(
          "TFLite model must have exactly one input, found " +
          std::to_string(g.inputs() ? g.inputs()->size() : 0));
    }
    const int input = g.inputs()->Get(0);
    FACEVEIL_RETURN_IF_ERROR(CheckIndex(input, "input"));
    FACEVEIL_RETURN_IF_ERROR(CheckFloatActivation(input, "input"));
    const GraphTensor& in = graph_.tensors[input];
    if (in.is_constant || in.shape.size() != 4 || in.shape[0] != 1) {
      return Status::Unsupported("input must be an image tensor [1,H,W,C]");
    }
    graph_.input = input;
    written_[input] = true;
    if (!g.outputs() || g.outputs()->size() == 0) {
      return Status::Corrupt("TFLite model has no outputs");
    }
    for (int o : *g.outputs()) {
      FACEVEIL_RETURN_IF_ERROR(CheckIndex(o, "output"));
      FACEVEIL_RETURN_IF_ERROR(CheckFloatActivation(o, "output"));
      if (o == input || graph_.tensors[o].is_constant) {
        return Status::Unsupported("output '" + graph_.tensors[o].name +
                                   "' is not computed by the graph");
      }
      for (int seen : graph_.outputs) {
        if (seen == o) return Status::Unsupported("output listed twice");
      }
      graph_.outputs.push_back(o);
    }
    return Status::Ok();
  }

  Result<int> BuiltinCode(uint32_t opcode_index) const {
    const auto* codes = model_.operator_codes();
    if (!codes || opcode_index >= codes->size()) {
      return Status::Corrupt("operator code index " +
                             std::to_string(opcode_index) + " out of range");
    }
    const schema::OperatorCode& c = *codes->Get(opcode_index);
    // Old files only set the byte field, new ones both; take the larger.
    const int code =
        std::max<int>(c.deprecated_builtin_code(), c.builtin_code());
    if (code == kOpCustom) {
      return Status::Unsupported(
          "unsupported TFLite custom operator '" +
          (c.custom_code() ? c.custom_code()->str() : std::string()) + "'");
    }
    return code;
  }

  Status ReadOperators(const schema::SubGraph& g) {
    if (!g.operators() || g.operators()->size() == 0) {
      return Status::Corrupt("subgraph has no operators");
    }
    if (g.operators()->size() > static_cast<size_t>(options_.max_operators)) {
      return Status::TooLarge("too many operators");
    }
    int n = 0;
    for (const schema::Operator* op : *g.operators()) {
      const std::string where = "operator " + std::to_string(n++);
      auto code = BuiltinCode(op->opcode_index());
      if (!code.ok()) return code.status().WithContext(where);
      for (const auto* list : {op->inputs(), op->outputs()}) {
        if (!list) continue;
        for (int index : *list) {
          if (index == -1 && list == op->inputs()) continue;
          FACEVEIL_RETURN_IF_ERROR(
              CheckIndex(index, "operator").WithContext(where));
        }
      }
      Status s = (*code == kOpDequantize || *code == kOpDensify)
                     ? Fold(*code, *op)
                     : AddOperator(*code, *op);
      if (!s.ok()) return s.WithContext(where);
    }
    return Status::Ok();
  }

  Status AddOperator(int code, const schema::Operator& op) {
    auto parsed = ParseOperator(code, op, graph_.tensors);
    if (!parsed.ok()) return parsed.status();
    GraphOp& g = parsed.value();
    for (int in : g.inputs) {
      if (in < 0) continue;
      if (sparsity_[in]) {
        return Status::Unsupported("sparse tensor '" + graph_.tensors[in].name +
                                   "' used without DENSIFY");
      }
      if (!written_[in]) {
        return Status::Corrupt("tensor '" + graph_.tensors[in].name +
                               "' is read before it is written");
      }
      if (!graph_.tensors[in].is_constant) {
        FACEVEIL_RETURN_IF_ERROR(CheckFloatActivation(in, "tensor"));
      }
    }
    FACEVEIL_RETURN_IF_ERROR(MarkWritten(g.output));
    FACEVEIL_RETURN_IF_ERROR(CheckFloatActivation(g.output, "tensor"));
    graph_.ops.push_back(std::move(g));
    return Status::Ok();
  }

  Status MarkWritten(int output) {
    if (written_[output]) {
      return Status::Corrupt("tensor '" + graph_.tensors[output].name +
                             "' is written twice");
    }
    written_[output] = true;
    return Status::Ok();
  }

  // DEQUANTIZE and DENSIFY of constants become constants; weights are the
  // only place these models use them.
  Status Fold(int code, const schema::Operator& op) {
    const std::string name = DescribeBuiltinOperator(code);
    if (!op.inputs() || op.inputs()->size() != 1 || !op.outputs() ||
        op.outputs()->size() != 1) {
      return Status::Corrupt(name + ": expected one input and one output");
    }
    const int in = op.inputs()->Get(0), out = op.outputs()->Get(0);
    if (in < 0) return Status::Corrupt(name + ": missing input");
    const GraphTensor& src = graph_.tensors[in];
    GraphTensor& dst = graph_.tensors[out];
    if (!src.is_constant || src.is_integer) {
      return Status::Unsupported(name + " of a non-constant or integer tensor");
    }
    if (code == kOpDequantize) {
      if (types_[in] != schema::TensorType_FLOAT16 &&
          types_[in] != schema::TensorType_FLOAT32) {
        return Status::Unsupported(name + " of " + TypeName(types_[in]));
      }
      if (sparsity_[in] || src.shape != dst.shape) {
        return Status::Corrupt(name + ": output shape differs from input");
      }
      if (types_[out] != schema::TensorType_FLOAT32) {
        return Status::Unsupported(name + " to " + TypeName(types_[out]));
      }
      FACEVEIL_RETURN_IF_ERROR(MarkWritten(out));
      dst.floats = src.floats;
    } else {
      if (!sparsity_[in]) return Status::Corrupt(name + " of a dense tensor");
      if (src.shape != dst.shape || types_[out] != types_[in]) {
        return Status::Corrupt(name + ": output differs from input");
      }
      auto dense = Densify(*sparsity_[in], src.floats, src.shape);
      if (!dense.ok()) return dense.status().WithContext(name);
      FACEVEIL_RETURN_IF_ERROR(MarkWritten(out));
      dst.floats = std::move(dense.value());
    }
    dst.is_constant = true;
    dst.is_integer = false;
    return Status::Ok();
  }

  const schema::Model& model_;
  const ReadOptions& options_;
  Graph graph_;
  std::vector<schema::TensorType> types_;
  std::vector<std::optional<Sparsity>> sparsity_;
  std::vector<bool> written_;
};

}  // namespace

Result<Graph> ReadGraph(std::span<const uint8_t> bytes,
                        const ReadOptions& options) {
  if (bytes.size() > options.max_file_bytes) {
    return Status::TooLarge("TFLite model of " + std::to_string(bytes.size()) +
                            " bytes exceeds the limit");
  }
  if (bytes.size() < 8) {
    return Status::Corrupt("not a TFLite model: only " +
                           std::to_string(bytes.size()) + " bytes");
  }
  if (std::memcmp(bytes.data() + 4, schema::ModelIdentifier(), 4) != 0) {
    return Status::Corrupt("not a TFLite model: file identifier is not TFL3");
  }
  // Copied so the flatbuffer starts at an aligned address: the verifier
  // checks alignment relative to the start, the accessors load in place.
  const std::vector<uint8_t> copy(bytes.begin(), bytes.end());
  flatbuffers::Verifier verifier(copy.data(), copy.size(),
                                 /*max_depth=*/64,
                                 /*max_tables=*/4'000'000);
  if (!schema::VerifyModelBuffer(verifier)) {
    return Status::Corrupt(
        "TFLite model failed flatbuffer verification (truncated or corrupt)");
  }
  const schema::Model& model = *schema::GetModel(copy.data());
  if (model.version() != 3) {
    return Status::Unsupported("TFLite schema version " +
                               std::to_string(model.version()));
  }
  return Reader(model, options).Read();
}

}  // namespace faceveil::tflite
