#include "detect/blazeface.h"

#include <algorithm>
#include <sstream>
#include <utility>

#include "detect/decode.h"

namespace faceveil {
namespace {

// Number of predictions in an output of shape [1, N, per_anchor] (leading
// ones ignored), or -1 when the shape is not of that form.
int PredictionCount(const std::vector<int>& shape, int per_anchor) {
  if (shape.size() < 2 || shape.back() != per_anchor) return -1;
  for (size_t i = 0; i + 2 < shape.size(); ++i) {
    if (shape[i] != 1) return -1;
  }
  return shape[shape.size() - 2];
}

std::vector<int> MatShape(const cv::Mat& m) {
  return std::vector<int>(m.size.p, m.size.p + m.dims);
}

}  // namespace

ModelSpec SpecFor(ModelKind kind) {
  ModelSpec spec;
  if (kind == ModelKind::kShortRange) {
    spec.anchors = ShortRangeAnchorOptions();
    spec.num_anchors = 896;
    spec.mediapipe_threshold = 0.5f;
  } else {
    spec.anchors = FullRangeAnchorOptions();
    spec.num_anchors = 2304;
    spec.mediapipe_threshold = 0.6f;
  }
  spec.input_size = spec.anchors.input_size;
  return spec;
}

Result<RawOutputs> FindRawOutputs(const std::vector<cv::Mat>& outputs,
                                  int num_anchors) {
  RawOutputs raw;
  for (const cv::Mat& m : outputs) {
    const std::vector<int> shape = MatShape(m);
    if (m.type() != CV_32F) continue;
    if (PredictionCount(shape, kRegressorsPerAnchor) == num_anchors) {
      raw.regressors = m.isContinuous() ? m : m.clone();
    } else if (PredictionCount(shape, 1) == num_anchors) {
      raw.logits = m.isContinuous() ? m : m.clone();
    }
  }
  if (raw.regressors.empty() || raw.logits.empty()) {
    std::ostringstream s;
    s << "network outputs do not include [1," << num_anchors << ","
      << kRegressorsPerAnchor << "] regressors and [1," << num_anchors
      << ",1] scores; found";
    for (const cv::Mat& m : outputs)
      s << " " << tflite::ShapeString(MatShape(m));
    return Status::Internal(s.str());
  }
  return raw;
}

Status CheckModelShape(const tflite::Model& model, ModelKind kind) {
  const ModelSpec spec = SpecFor(kind);
  std::ostringstream expected;
  expected << "expected a " << ModelKindName(kind)
           << " BlazeFace model (input [1," << spec.input_size << ","
           << spec.input_size << ",3], outputs [1," << spec.num_anchors << ","
           << kRegressorsPerAnchor << "] and [1," << spec.num_anchors << ",1])";
  std::ostringstream found;
  found << "found input " << tflite::ShapeString(model.input().shape)
        << ", outputs";
  for (const auto& t : model.outputs())
    found << " " << tflite::ShapeString(t.shape);

  const std::vector<int> want_input = {1, spec.input_size, spec.input_size, 3};
  bool ok = model.input().shape == want_input;
  int regressors = 0, logits = 0;
  for (const auto& t : model.outputs()) {
    if (PredictionCount(t.shape, kRegressorsPerAnchor) == spec.num_anchors) {
      ++regressors;
    } else if (PredictionCount(t.shape, 1) == spec.num_anchors) {
      ++logits;
    }
  }
  ok = ok && regressors == 1 && logits == 1;
  if (!ok) {
    return Status::InvalidArgument(expected.str() + ", " + found.str());
  }
  return Status::Ok();
}

BlazeFace::BlazeFace(std::shared_ptr<const tflite::Model> model, ModelSpec spec)
    : model_(std::move(model)),
      spec_(std::move(spec)),
      anchors_(GenerateAnchors(spec_.anchors)),
      pool_([m = model_] { return m->BuildNet(); }) {}

Result<std::unique_ptr<BlazeFace>> BlazeFace::Create(
    std::shared_ptr<const tflite::Model> model, ModelKind kind) {
  if (model == nullptr) return Status::InvalidArgument("no model");
  FACEVEIL_RETURN_IF_ERROR(CheckModelShape(*model, kind));
  std::unique_ptr<BlazeFace> bf(new BlazeFace(std::move(model), SpecFor(kind)));
  if (static_cast<int>(bf->anchors_.size()) != bf->spec_.num_anchors) {
    return Status::Internal("anchor layout does not match the model");
  }
  Result<cv::dnn::Net> net = bf->model_->BuildNet();
  if (!net.ok()) return net.status();
  bf->pool_.Add(std::move(net).value());
  return bf;
}

Result<std::vector<Face>> BlazeFace::DetectCandidates(
    const cv::Mat& image, const SquareRegion& region, float min_score,
    Resampling resampling) const {
  Result<NetPool::Lease> lease = pool_.Borrow();
  if (!lease.ok()) return lease.status();
  std::vector<cv::Mat> outputs;
  try {
    const cv::Mat blob =
        MakeInputBlob(image, region, spec_.input_size, resampling);
    cv::dnn::Net& net = lease->net();
    net.setInput(blob);
    net.forward(outputs, model_->output_names());
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("inference failed: ") + e.what());
  }
  Result<RawOutputs> raw = FindRawOutputs(outputs, spec_.num_anchors);
  if (!raw.ok()) return raw.status();

  DecodeOptions decode;
  decode.input_size = spec_.input_size;
  decode.min_score = min_score;
  const size_t n = anchors_.size();
  std::vector<Face> faces =
      DecodeCandidates({raw->regressors.ptr<float>(), n * kRegressorsPerAnchor},
                       {raw->logits.ptr<float>(), n}, anchors_, decode);
  for (Face& f : faces) f = InputToImage(region, f);
  return faces;
}

Result<std::vector<std::vector<Face>>> BlazeFace::DetectCandidatesBatch(
    const cv::Mat& image, std::span<const SquareRegion> regions,
    float min_score, Resampling resampling) const {
  std::vector<std::vector<Face>> out(regions.size());
  if (regions.empty()) return out;
  auto one_at_a_time = [&]() -> Result<std::vector<std::vector<Face>>> {
    for (size_t i = 0; i < regions.size(); ++i) {
      Result<std::vector<Face>> one =
          DetectCandidates(image, regions[i], min_score, resampling);
      if (!one.ok()) return one.status();
      out[i] = std::move(one).value();
    }
    return std::move(out);
  };
  if (regions.size() == 1 || batch_unsupported_) return one_at_a_time();
  Result<NetPool::Lease> lease = pool_.Borrow();
  if (!lease.ok()) return lease.status();
  const int n = static_cast<int>(regions.size());
  const int s = spec_.input_size;
  const size_t per_input = static_cast<size_t>(3) * s * s;
  std::vector<cv::Mat> outputs;
  try {
    const int dims[] = {n, 3, s, s};
    cv::Mat blob(4, dims, CV_32F);
    for (int i = 0; i < n; ++i) {
      const cv::Mat one = MakeInputBlob(image, regions[i], s, resampling);
      std::copy_n(one.ptr<float>(), per_input,
                  blob.ptr<float>() + i * per_input);
    }
    cv::dnn::Net& net = lease->net();
    net.setInput(blob);
    net.forward(outputs, model_->output_names());
  } catch (const cv::Exception&) {
    outputs.clear();
  }
  if (outputs.empty()) {
    // Some graphs fix the batch at 1 (the short-range model's reshapes
    // feed a concatenation): one region at a time from now on.
    batch_unsupported_ = true;
    return one_at_a_time();
  }
  // The outputs are [n, anchors, 16] and [n, anchors, 1]: batch outermost.
  const size_t anchors = anchors_.size();
  cv::Mat regressors, logits;
  for (const cv::Mat& m : outputs) {
    if (m.type() != CV_32F) continue;
    const cv::Mat c = m.isContinuous() ? m : m.clone();
    if (c.total() == n * anchors * kRegressorsPerAnchor) regressors = c;
    if (c.total() == n * anchors) logits = c;
  }
  if (regressors.empty() || logits.empty()) {
    return Status::Internal("batched network outputs do not hold " +
                            std::to_string(n) + " x " +
                            std::to_string(anchors) + " predictions");
  }
  DecodeOptions decode;
  decode.input_size = s;
  decode.min_score = min_score;
  for (int i = 0; i < n; ++i) {
    out[i] = DecodeCandidates(
        {regressors.ptr<float>() + i * anchors * kRegressorsPerAnchor,
         anchors * kRegressorsPerAnchor},
        {logits.ptr<float>() + i * anchors, anchors}, anchors_, decode);
    for (Face& f : out[i]) f = InputToImage(regions[i], f);
  }
  return out;
}

}  // namespace faceveil
