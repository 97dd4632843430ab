#include "tflite/model.h"

#include <cstdio>
#include <exception>
#include <memory>
#include <utility>

#include "tflite/net_builder.h"
#include "tflite/reader.h"

namespace faceveil::tflite {
namespace {

class GraphModel final : public Model {
 public:
  explicit GraphModel(Graph graph) : graph_(std::move(graph)) {
    input_ = Info(graph_.input);
    for (int o : graph_.outputs) outputs_.push_back(Info(o));
  }

  // Builds the network once and runs it on a zero image, so that a model
  // OpenCV cannot run, or whose outputs would not have the declared shapes,
  // fails here with a Status rather than later in a detector.
  Status SelfCheck() {
    auto built = BuildNetFromGraph(graph_);
    if (!built.ok()) return built.status();
    output_names_ = built->output_names;
    try {
      const std::vector<int>& s = input_.shape;
      const int sizes[] = {1, s[3], s[1], s[2]};
      cv::Mat zeros(4, sizes, CV_32F, cv::Scalar(0));
      built->net.setInput(zeros);
      std::vector<cv::Mat> outs;
      built->net.forward(outs, output_names_);
      if (outs.size() != outputs_.size()) {
        return Status::Internal("network yields the wrong number of outputs");
      }
      for (size_t i = 0; i < outs.size(); ++i) {
        const std::vector<int> got(outs[i].size.p,
                                   outs[i].size.p + outs[i].dims);
        if (got != outputs_[i].shape || outs[i].type() != CV_32F) {
          return Status::Internal("network output '" + outputs_[i].name +
                                  "' does not have the declared shape");
        }
      }
    } catch (const cv::Exception& e) {
      return Status::Unsupported(std::string("OpenCV cannot run this model: ") +
                                 e.what());
    } catch (const std::exception& e) {
      return Status::Internal(std::string("running the model failed: ") +
                              e.what());
    }
    return Status::Ok();
  }

  const TensorInfo& input() const override { return input_; }
  const std::vector<TensorInfo>& outputs() const override { return outputs_; }
  const std::vector<std::string>& output_names() const override {
    return output_names_;
  }

  Result<cv::dnn::Net> BuildNet() const override {
    auto built = BuildNetFromGraph(graph_);
    if (!built.ok()) return built.status();
    return std::move(built->net);
  }

 private:
  TensorInfo Info(int t) const {
    return TensorInfo{graph_.tensors[t].name, graph_.tensors[t].shape};
  }

  const Graph graph_;
  TensorInfo input_;
  std::vector<TensorInfo> outputs_;
  std::vector<std::string> output_names_;
};

}  // namespace

Result<std::shared_ptr<const Model>> Model::FromBuffer(
    std::span<const uint8_t> bytes) {
  try {
    auto graph = ReadGraph(bytes);
    if (!graph.ok()) return graph.status();
    auto model = std::make_shared<GraphModel>(std::move(graph.value()));
    FACEVEIL_RETURN_IF_ERROR(model->SelfCheck());
    return std::shared_ptr<const Model>(std::move(model));
  } catch (const std::bad_alloc&) {
    return Status::TooLarge("out of memory while reading the TFLite model");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading the TFLite model failed: ") +
                            e.what());
  }
}

Result<std::shared_ptr<const Model>> Model::FromFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"),
                                          &std::fclose);
  if (!f) return Status::NotFound("cannot open model file " + path);
  std::vector<uint8_t> bytes;
  const ReadOptions limits;
  uint8_t chunk[1 << 16];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) {
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (bytes.size() > limits.max_file_bytes) {
      return Status::TooLarge("model file " + path + " is too large");
    }
  }
  if (std::ferror(f.get())) return Status::IoError("cannot read " + path);
  auto model = FromBuffer(bytes);
  if (!model.ok()) return model.status().WithContext(path);
  return model;
}

}  // namespace faceveil::tflite
