// Cost of looking for small faces: one BlazeFace region alone vs. in a
// batch (per region), and Detect() per DetectionMode on a 1024x768 photo,
// all on one thread (cv::setNumThreads(1)), as the budgets are per
// core. Compare ratios within one run: the machine is shared.
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "detect/blazeface.h"
#include "detect/embedded_models.h"
#include "detect/multiscale.h"
#include "faceveil/detector.h"
#include "infer/letterbox.h"
#include "infer/tiling.h"
#include "tflite/model.h"

namespace faceveil {
namespace {

// messi5.jpg (548x342) scaled to 1024 px wide and padded to 4:3: the size
// the budgets are stated for.
cv::Mat Photo1024() {
  const cv::Mat m = cv::imread(
      std::string(FACEVEIL_TESTDATA_DIR) + "/messi5.jpg", cv::IMREAD_COLOR);
  if (m.empty()) return m;
  cv::Mat scaled;
  cv::resize(m, scaled, cv::Size(1024, 639), 0, 0, cv::INTER_LINEAR);
  cv::Mat out(768, 1024, CV_8UC3, cv::Scalar(90, 110, 120));
  scaled.copyTo(out(cv::Rect(0, 64, 1024, 639)));
  return out;
}

class OneThread {
 public:
  OneThread() : saved_(cv::getNumThreads()) { cv::setNumThreads(1); }
  ~OneThread() { cv::setNumThreads(saved_); }

 private:
  int saved_;
};

// Range(0): regions per forward pass. Reports time per region.
void BM_TilesPerPass(benchmark::State& state) {
  const cv::Mat image = Photo1024();
  if (image.empty()) return state.SkipWithError("no messi5.jpg");
  auto model = tflite::Model::FromBuffer(EmbeddedModel(ModelKind::kFullRange));
  if (!model.ok()) return state.SkipWithError("model");
  auto net = BlazeFace::Create(*model, ModelKind::kFullRange);
  if (!net.ok()) return state.SkipWithError("net");
  const int n = static_cast<int>(state.range(0));
  std::vector<SquareRegion> regions;
  for (int i = 0; i < n; ++i) {
    regions.push_back(SquareRegion{static_cast<float>(i * 100 % 800),
                                   static_cast<float>(i * 60 % 500), 192});
  }
  OneThread one;
  for (auto _ : state) {
    auto r = (*net)->DetectCandidatesBatch(image, regions, 0.5f,
                                           Resampling::kHalfPixel);
    benchmark::DoNotOptimize(r);
  }
  // items_per_second: regions per second of one thread.
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_TilesPerPass)
    ->Arg(1)
    ->Arg(4)
    ->Arg(8)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond);

void BM_DetectMode(benchmark::State& state) {
  const cv::Mat image = Photo1024();
  if (image.empty()) return state.SkipWithError("no messi5.jpg");
  DetectorOptions o;
  o.mode = static_cast<DetectionMode>(state.range(0));
  o.models = static_cast<DetectorModels>(state.range(1));
  auto detector = Detector::Create(o);
  if (!detector.ok()) return state.SkipWithError("detector");
  state.SetLabel(std::string(DetectionModeName(o.mode)) + "/" +
                 DetectorModelsName(o.models));
  OneThread one;
  for (auto _ : state) {
    auto faces = (*detector)->Detect(image);
    benchmark::DoNotOptimize(faces);
  }
}
// Each mode with the ensemble, BlazeFace alone and the SSD alone: the cost
// of each model.
BENCHMARK(BM_DetectMode)
    ->ArgsProduct({{0, 1, 2, 3}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

// Configurations measured with `faceveil eval --tune` (eval/results.md),
// at their cost per 1024x768 photo on one thread. Compare with
// BM_DetectMode in the same run.
const char* const kTunings[] = {
    "tiles=384",                                             // 13
    "tiles=320 overlap=0.1",                                 // 13
    "tiles=384/192",                                         // 48
    "tiles=384/192 guided=2 guide_min=0.1 guide_face=0.25",  // thorough
    "tiles=384/192 guided=2 guide_min=0.3 guide_face=0.25",
    "tiles=320/192 overlap=0.1 guided=2 guide_min=0.3 guide_face=0.25",
};

void BM_Tuned(benchmark::State& state) {
  const cv::Mat image = Photo1024();
  if (image.empty()) return state.SkipWithError("no messi5.jpg");
  const char* tuning = kTunings[state.range(0)];
  DetectorOptions o;
  o.mode = DetectionMode::kBalanced;
  o.models = DetectorModels::kBlazeFace;  // the multi-scale passes alone
  o.score_threshold = 0.4f;
  o.tuning = tuning;
  auto detector = Detector::Create(o);
  if (!detector.ok()) return state.SkipWithError("detector");
  state.SetLabel(tuning);
  OneThread one;
  for (auto _ : state) {
    auto faces = (*detector)->Detect(image);
    benchmark::DoNotOptimize(faces);
  }
}
BENCHMARK(BM_Tuned)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

// Decoding a 1024x768 JPEG: the fast mode's yardstick ("within 2x the cost
// of decoding the image").
void BM_DecodeJpeg1024(benchmark::State& state) {
  const cv::Mat image = Photo1024();
  if (image.empty()) return state.SkipWithError("no messi5.jpg");
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  OneThread one;
  for (auto _ : state) {
    cv::Mat m = cv::imdecode(jpeg, cv::IMREAD_COLOR);
    benchmark::DoNotOptimize(m.data);
  }
}
BENCHMARK(BM_DecodeJpeg1024)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace faceveil

BENCHMARK_MAIN();
