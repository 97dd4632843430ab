#include "infer/tfjs_weights.h"

#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>

namespace faceveil {
namespace {

using nlohmann::json;

std::string ManifestShapeString(const std::vector<int>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

// Bytes per stored element of a dtype, 0 when unknown.
int StoredBytes(const std::string& dtype) {
  if (dtype == "float32" || dtype == "int32") return 4;
  if (dtype == "uint16") return 2;
  if (dtype == "uint8" || dtype == "bool") return 1;
  return 0;
}

struct Entry {
  std::string name;
  std::vector<int> shape;
  std::string dtype;   // the tensor's own dtype
  std::string stored;  // how it is stored (the quantization dtype if any)
  double min = 0, scale = 1;
  bool quantized = false;
  int64_t count = 1;
};

Result<Entry> ParseEntry(const json& w, const WeightLimits& limits) {
  if (!w.is_object() || !w.contains("name") || !w["name"].is_string() ||
      !w.contains("shape") || !w["shape"].is_array() || !w.contains("dtype") ||
      !w["dtype"].is_string()) {
    return Status::Corrupt("weight entry without name, shape and dtype");
  }
  Entry e;
  e.name = w["name"].get<std::string>();
  e.dtype = w["dtype"].get<std::string>();
  e.stored = e.dtype;
  for (const json& d : w["shape"]) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0 ||
        d.get<int64_t>() > limits.max_elements) {
      return Status::Corrupt(e.name + ": bad dimension in shape");
    }
    e.shape.push_back(d.get<int>());
    e.count *= d.get<int64_t>();
    if (e.count > limits.max_elements) {
      return Status::TooLarge(e.name + ": too many elements");
    }
  }
  if (w.contains("quantization")) {
    const json& q = w["quantization"];
    if (!q.is_object() || !q.contains("dtype") || !q["dtype"].is_string()) {
      return Status::Corrupt(e.name + ": quantization without dtype");
    }
    e.stored = q["dtype"].get<std::string>();
    if (e.stored != "uint8" && e.stored != "uint16") {
      return Status::Unsupported(e.name + ": quantization dtype " + e.stored);
    }
    if (!q.contains("min") || !q["min"].is_number() || !q.contains("scale") ||
        !q["scale"].is_number()) {
      return Status::Corrupt(e.name + ": quantization without min and scale");
    }
    e.min = q["min"].get<double>();
    e.scale = q["scale"].get<double>();
    e.quantized = true;
  }
  if (StoredBytes(e.stored) == 0) {
    return Status::Unsupported(e.name + ": dtype " + e.stored);
  }
  return e;
}

void Decode(const Entry& e, const uint8_t* p, std::vector<float>* out) {
  out->resize(static_cast<size_t>(e.count));
  for (int64_t i = 0; i < e.count; ++i) {
    double v;
    if (e.stored == "uint8") {
      v = p[i];
    } else if (e.stored == "uint16") {
      uint16_t q;
      std::memcpy(&q, p + 2 * i, 2);
      v = q;
    } else {  // float32 (little-endian, as TensorFlow.js writes it)
      float f;
      std::memcpy(&f, p + 4 * i, 4);
      v = f;
    }
    (*out)[i] = static_cast<float>(e.quantized ? e.min + e.scale * v : v);
  }
}

}  // namespace

Result<WeightMap> ReadWeights(std::string_view manifest_json,
                              std::span<const uint8_t> weights,
                              const WeightLimits& limits) {
  json manifest =
      json::parse(manifest_json, nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded()) {
    return Status::Corrupt("weights manifest is not valid JSON");
  }
  // A manifest is a list of groups, each {paths: [...], weights: [...]}; the
  // groups' files are concatenated (face-api's SSD has one group, one file).
  if (!manifest.is_array()) {
    return Status::Corrupt("weights manifest is not a list of groups");
  }
  WeightMap map;
  size_t offset = 0, tensors = 0;
  for (const json& group : manifest) {
    if (!group.is_object() || !group.contains("weights") ||
        !group["weights"].is_array()) {
      return Status::Corrupt("weights manifest group without weights");
    }
    for (const json& w : group["weights"]) {
      if (++tensors > limits.max_tensors) {
        return Status::TooLarge("weights manifest names too many tensors");
      }
      Result<Entry> e = ParseEntry(w, limits);
      if (!e.ok()) return e.status().WithContext("weights manifest");
      const size_t bytes =
          static_cast<size_t>(e->count) * StoredBytes(e->stored);
      if (bytes > weights.size() - offset) {
        return Status::Corrupt("weights file is truncated: " + e->name +
                               " needs bytes up to " +
                               std::to_string(offset + bytes) + ", file has " +
                               std::to_string(weights.size()));
      }
      const bool is_float = e->dtype == "float32";
      if (is_float) {
        if (map.count(e->name) != 0) {
          return Status::Corrupt("weights manifest names " + e->name +
                                 " twice");
        }
        WeightTensor& t = map[e->name];
        t.shape = e->shape;
        Decode(*e, weights.data() + offset, &t.values);
      }
      offset += bytes;
    }
  }
  if (offset != weights.size()) {
    return Status::Corrupt(
        "weights file has " + std::to_string(weights.size()) +
        " bytes, its manifest describes " + std::to_string(offset));
  }
  return map;
}

Result<const WeightTensor*> FindTensor(const WeightMap& map,
                                       std::string_view name,
                                       const std::vector<int>& shape) {
  auto it = map.find(name);
  if (it == map.end()) {
    return Status::Corrupt("model has no tensor " + std::string(name));
  }
  if (it->second.shape != shape) {
    return Status::Corrupt("tensor " + std::string(name) + " has shape " +
                           ManifestShapeString(it->second.shape) +
                           ", expected " + ManifestShapeString(shape));
  }
  return &it->second;
}

}  // namespace faceveil
