// End-to-end photo throughput: a 1920x1080 JPEG in, an anonymized JPEG out
// (decode → detect → anonymize → encode → metadata policy), against the
// floor of decoding and encoding alone. Threads(2) runs two images at once
// with OpenCV single-threaded in each, as `faceveil anonymize -j 2` does.
//
//   build/bench/pipeline_bench --benchmark_min_time=3
// Compare items_per_second of BM_Anonymize and BM_DecodeEncodeFloor at the
// same thread count; the seed system's published figure is 12.5 images/s
// (4 x 1080p in 320 ms on 4 threads of an i5-1135G7).
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "faceveil/encode.h"
#include "faceveil/image.h"
#include "faceveil/pipeline.h"

namespace faceveil {
namespace {

// A 1920x1080 JPEG (quality 90) of messi5.jpg scaled up: a real photo's
// texture and one face at full-HD size.
const std::vector<uint8_t>& FullHdJpeg() {
  static const std::vector<uint8_t> bytes = [] {
    const cv::Mat photo =
        cv::imread(std::string(FACEVEIL_TESTDATA_DIR) + "/messi5.jpg");
    cv::Mat frame(1080, 1920, CV_8UC3, cv::Scalar::all(0));
    if (!photo.empty()) {
      cv::Mat scaled;
      cv::resize(photo, scaled, cv::Size(1920, 1920 * photo.rows / photo.cols));
      scaled(cv::Rect(0, (scaled.rows - 1080) / 2, 1920, 1080)).copyTo(frame);
    }
    std::vector<uint8_t> out;
    cv::imencode(".jpg", frame, out, {cv::IMWRITE_JPEG_QUALITY, 90});
    return out;
  }();
  return bytes;
}

const Pipeline* SharedPipeline() {
  static const Pipeline* pipeline = [] {
    auto p = Pipeline::Create({});
    return p.ok() ? std::move(p).value().release() : nullptr;
  }();
  return pipeline;
}

void BM_Anonymize(benchmark::State& state) {
  cv::setNumThreads(1);
  const Pipeline* pipeline = SharedPipeline();
  if (pipeline == nullptr) {
    state.SkipWithError("pipeline could not be created");
    return;
  }
  const std::vector<uint8_t>& jpeg = FullHdJpeg();
  size_t faces = 0;
  for (auto _ : state) {
    auto out = pipeline->Anonymize(jpeg);
    if (!out.ok()) {
      state.SkipWithError(out.status().ToString().c_str());
      return;
    }
    faces = out->report.faces.size();
    benchmark::DoNotOptimize(out->bytes.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::to_string(faces) + " face(s)");
}
BENCHMARK(BM_Anonymize)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_DecodeEncodeFloor(benchmark::State& state) {
  cv::setNumThreads(1);
  const std::vector<uint8_t>& jpeg = FullHdJpeg();
  const EncodeOptions encode;
  for (auto _ : state) {
    auto image = DecodeImage(jpeg, DecodeOptions{});
    if (!image.ok()) {
      state.SkipWithError(image.status().ToString().c_str());
      return;
    }
    auto out = EncodeImage(image->pixels, ImageFormat::kJpeg, encode);
    benchmark::DoNotOptimize(out.ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeEncodeFloor)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace faceveil

BENCHMARK_MAIN();
