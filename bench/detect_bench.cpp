// Detection speed on a 1920x1080 photo at one thread: Detect() per model,
// and the preprocessing (letterbox + resample + normalise) alone.
//
//   build/bench/detect_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "faceveil/detector.h"
#include "infer/letterbox.h"

namespace faceveil {
namespace {

// messi5.jpg scaled up to fill the width of a 1920x1080 frame: a real
// photo's texture at full-HD size (the face ends up ~115 px wide).
const cv::Mat& FullHdPhoto() {
  static const cv::Mat frame = [] {
    const cv::Mat photo =
        cv::imread(std::string(FACEVEIL_TESTDATA_DIR) + "/messi5.jpg");
    cv::Mat out(1080, 1920, CV_8UC3, cv::Scalar::all(0));
    if (photo.empty()) return out;
    cv::Mat scaled;
    cv::resize(photo, scaled, cv::Size(1920, 1920 * photo.rows / photo.cols));
    const int h = std::min(scaled.rows, 1080);
    scaled(cv::Rect(0, (scaled.rows - h) / 2, 1920, h))
        .copyTo(out(cv::Rect(0, (1080 - h) / 2, 1920, h)));
    return out;
  }();
  return frame;
}

void BM_Detect(benchmark::State& state) {
  cv::setNumThreads(1);
  DetectorOptions options;
  options.model = static_cast<ModelKind>(state.range(0));
  auto detector = Detector::Create(options);
  if (!detector.ok()) {
    state.SkipWithError(detector.status().ToString().c_str());
    return;
  }
  const cv::Mat& image = FullHdPhoto();
  size_t faces = 0;
  for (auto _ : state) {
    auto result = (*detector)->Detect(image);
    faces = result.ok() ? result->size() : 0;
    benchmark::DoNotOptimize(faces);
  }
  state.SetLabel(std::string(ModelKindName(options.model)) + ", " +
                 std::to_string(faces) + " face(s)");
}
BENCHMARK(BM_Detect)
    ->Arg(static_cast<int>(ModelKind::kShortRange))
    ->Arg(static_cast<int>(ModelKind::kFullRange))
    ->Arg(static_cast<int>(ModelKind::kFullRangeSparse))
    ->Unit(benchmark::kMillisecond);

void BM_Preprocess(benchmark::State& state) {
  cv::setNumThreads(1);
  const Resampling resampling = static_cast<Resampling>(state.range(0));
  const int size = static_cast<int>(state.range(1));
  const cv::Mat& image = FullHdPhoto();
  const SquareRegion region = WholeImageRegion(image.size());
  for (auto _ : state) {
    cv::Mat blob = MakeInputBlob(image, region, size, resampling);
    benchmark::DoNotOptimize(blob.data);
  }
  static const char* const kNames[] = {"corner-aligned", "half-pixel", "area"};
  state.SetLabel(kNames[state.range(0)]);
}
BENCHMARK(BM_Preprocess)
    ->Args({static_cast<int>(Resampling::kCornerAligned), 192})
    ->Args({static_cast<int>(Resampling::kHalfPixel), 192})
    ->Args({static_cast<int>(Resampling::kArea), 192})
    ->Args({static_cast<int>(Resampling::kHalfPixel), 128})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace faceveil

BENCHMARK_MAIN();
