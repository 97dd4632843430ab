// face-api's SSD MobileNet V1 on OpenCV DNN at one thread: one inference
// (preprocessing and decoding included) at 512x512, 1024x768 and 1024x1024,
// and the model load (dequantize + build one network).
//
//   build/bench/ssd_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "ssd/ssd_mobilenet.h"

namespace faceveil::ssd {
namespace {

const cv::Mat& Photo() {
  static const cv::Mat photo = [] {
    cv::Mat p = cv::imread(std::string(FACEVEIL_TESTDATA_DIR) + "/messi5.jpg");
    if (p.empty()) p = cv::Mat(342, 548, CV_8UC3, cv::Scalar::all(128));
    return p;
  }();
  return photo;
}

void BM_SsdInference(benchmark::State& state) {
  cv::setNumThreads(1);
  Result<std::unique_ptr<SsdMobileNet>> net = SsdMobileNet::Create();
  if (!net.ok()) {
    state.SkipWithError(net.status().ToString().c_str());
    return;
  }
  const cv::Size input(static_cast<int>(state.range(0)),
                       static_cast<int>(state.range(1)));
  cv::Mat image;
  cv::resize(Photo(), image, input);
  const cv::Rect all(0, 0, image.cols, image.rows);
  for (auto _ : state) {
    Result<std::vector<Face>> faces =
        (*net)->DetectCandidates(image, all, input, 0.3f);
    if (!faces.ok()) {
      state.SkipWithError(faces.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(faces->size());
  }
}
BENCHMARK(BM_SsdInference)
    ->Args({512, 512})
    ->Args({1024, 768})
    ->Args({1024, 1024})
    ->Unit(benchmark::kMillisecond);

void BM_SsdLoad(benchmark::State& state) {
  cv::setNumThreads(1);
  for (auto _ : state) {
    Result<std::unique_ptr<SsdMobileNet>> net = SsdMobileNet::Create();
    if (!net.ok()) {
      state.SkipWithError(net.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(net->get());
  }
}
BENCHMARK(BM_SsdLoad)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace faceveil::ssd

BENCHMARK_MAIN();
