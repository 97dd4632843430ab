// CrowdNet on OpenCV DNN at one thread, beside the YuNet_n peer on the same
// engine in the same run (the peer only when ../shared/peers is there: it is
// measured, never shipped): one inference at 640x640 and 1024x768
// (preprocessing and decoding included for CrowdNet), and each --mode's
// whole detection of a 1024x768 photo.
//
//   build/bench/crowdnet_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "crowdnet/crowdnet.h"
#include "crowdnet/verifier.h"
#include "faceveil/detector.h"

namespace faceveil::crowdnet {
namespace {

const std::string kPeer =
    std::string(FACEVEIL_SHARED_DIR) + "/peers/yunet_n_640_640.onnx";

cv::Mat Photo(cv::Size size) {
  cv::Mat p = cv::imread(std::string(FACEVEIL_TESTDATA_DIR) + "/messi5.jpg");
  if (p.empty()) p = cv::Mat(342, 548, CV_8UC3, cv::Scalar::all(128));
  cv::Mat out;
  cv::resize(p, out, size);
  return out;
}

void BM_CrowdNetInference(benchmark::State& state) {
  cv::setNumThreads(1);
  Result<std::unique_ptr<CrowdNet>> net = CrowdNet::Create();
  if (!net.ok()) {
    state.SkipWithError(net.status().ToString().c_str());
    return;
  }
  const cv::Mat image = Photo(
      {static_cast<int>(state.range(0)), static_cast<int>(state.range(1))});
  const cv::Rect all(0, 0, image.cols, image.rows);
  for (auto _ : state) {
    Result<std::vector<Face>> faces =
        (*net)->DetectCandidates(image, all, 1.0f, 0.3f);
    if (!faces.ok()) {
      state.SkipWithError(faces.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(faces->size());
  }
}
BENCHMARK(BM_CrowdNetInference)
    ->Args({640, 640})
    ->Args({1024, 768})
    ->Args({1024, 576})
    ->Args({256, 144})
    ->Unit(benchmark::kMillisecond);

// A video key frame in the fast mode: a 1080p frame's 1024 level, then its
// quarter-size copy, one after the other on one model, as the fast plan
// runs them. Compare with the two sizes' BM_CrowdNetInference rows above:
// switching input shapes must not cost more than the two inferences.
void BM_CrowdNetAlternatingShapes(benchmark::State& state) {
  cv::setNumThreads(1);
  Result<std::unique_ptr<CrowdNet>> net = CrowdNet::Create();
  if (!net.ok()) {
    state.SkipWithError(net.status().ToString().c_str());
    return;
  }
  const cv::Mat image = Photo({1024, 576});
  const cv::Rect all(0, 0, image.cols, image.rows);
  for (auto _ : state) {
    for (float scale : {1.0f, 0.25f}) {
      Result<std::vector<Face>> faces =
          (*net)->DetectCandidates(image, all, scale, 0.3f);
      if (!faces.ok()) {
        state.SkipWithError(faces.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(faces->size());
    }
  }
}
BENCHMARK(BM_CrowdNetAlternatingShapes)->Unit(benchmark::kMillisecond);

// The network alone, as the peer below is measured.
void BM_YuNetPeerInference(benchmark::State& state) {
  if (!std::filesystem::exists(kPeer)) {
    state.SkipWithError("the peer model is not in ../shared/peers");
    return;
  }
  cv::setNumThreads(1);
  cv::dnn::Net net = cv::dnn::readNetFromONNX(kPeer);
  const cv::Mat image = Photo(
      {static_cast<int>(state.range(0)), static_cast<int>(state.range(1))});
  const cv::Mat blob = cv::dnn::blobFromImage(image);  // raw BGR 0..255
  std::vector<cv::Mat> outs;
  for (auto _ : state) {
    net.setInput(blob);
    net.forward(outs, net.getUnconnectedOutLayersNames());
    benchmark::DoNotOptimize(outs.size());
  }
}
BENCHMARK(BM_YuNetPeerInference)
    ->Args({640, 640})
    ->Args({1024, 768})
    ->Unit(benchmark::kMillisecond);

// Args: the mode, and 1 with the verifier's second look (the product's), 0
// without: its cost in the same run.
void BM_CrowdNetDetectMode(benchmark::State& state) {
  cv::setNumThreads(1);
  DetectorOptions o;
  o.models = DetectorModels::kCrowdNet;
  o.mode = static_cast<DetectionMode>(state.range(0));
  o.crowdnet_verifier = state.range(1) != 0;
  o.score_threshold = DefaultScoreThreshold(o.mode, o.models);
  Result<std::unique_ptr<Detector>> d = Detector::Create(o);
  if (!d.ok()) {
    state.SkipWithError(d.status().ToString().c_str());
    return;
  }
  state.SetLabel(std::string(DetectionModeName(o.mode)) +
                 (o.crowdnet_verifier ? "" : ", no verifier"));
  const cv::Mat image = Photo({1024, 768});
  for (auto _ : state) {
    Result<std::vector<Face>> faces = (*d)->Detect(image);
    if (!faces.ok()) {
      state.SkipWithError(faces.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(faces->size());
  }
}
BENCHMARK(BM_CrowdNetDetectMode)
    ->ArgsProduct({{static_cast<int>(DetectionMode::kSingle),
                    static_cast<int>(DetectionMode::kFast),
                    static_cast<int>(DetectionMode::kBalanced),
                    static_cast<int>(DetectionMode::kThorough)},
                   {1, 0}})
    ->Unit(benchmark::kMillisecond);

// The verifier on N candidates of a 1024x768 photo (one thread): its cost
// per photo is N times the per-crop time (items/s).
void BM_CrowdNetVerifier(benchmark::State& state) {
  cv::setNumThreads(1);
  Result<std::unique_ptr<Verifier>> v = Verifier::Create();
  if (!v.ok()) {
    state.SkipWithError(v.status().ToString().c_str());
    return;
  }
  const cv::Mat image = Photo({1024, 768});
  std::vector<Box> boxes;
  for (int i = 0; i < state.range(0); ++i) {
    const float side = 8.0f + static_cast<float>(i % 5) * 8;
    boxes.push_back({static_cast<float>((i * 97) % 960),
                     static_cast<float>((i * 61) % 700), side, side});
  }
  for (auto _ : state) {
    Result<std::vector<float>> scores = (*v)->Score(image, boxes);
    if (!scores.ok()) {
      state.SkipWithError(scores.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(scores->data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CrowdNetVerifier)
    ->Arg(8)
    ->Arg(32)
    ->Arg(128)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace faceveil::crowdnet

BENCHMARK_MAIN();
