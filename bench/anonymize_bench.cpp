// Anonymization and encoding costs, against DESIGN.md's reference figures
// (one thread): OpenCV GaussianBlur 200^2 k31 0.75 ms, 400^2 k51 4.4 ms;
// pixelate 400^2 0.17 ms; libjpeg-turbo 1080p encode 4-5 ms.
//
//   build-c/bench/anonymize_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "anonymize/blur.h"
#include "faceveil/anonymizer.h"
#include "faceveil/encode.h"

namespace {

// A 1920x1080 photo: the test portrait scaled up, or seeded noise.
cv::Mat Photo1080p() {
  cv::Mat image = cv::imread(FACEVEIL_TESTDATA_DIR "/astronaut.png");
  if (image.empty()) {
    image = cv::Mat(512, 512, CV_8UC3);
    cv::RNG rng(1);
    rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  }
  cv::resize(image, image, cv::Size(1920, 1080), 0, 0, cv::INTER_CUBIC);
  return image;
}

const cv::Mat& Photo() {
  static const cv::Mat photo = Photo1080p();
  return photo;
}

// One square mask region of `side` pixels in the middle of the photo.
void RunStyle(benchmark::State& state, faceveil::AnonymizeStyle style) {
  const float side = static_cast<float>(state.range(0));
  faceveil::AnonymizeOptions options;
  options.style = style;
  const faceveil::Box region{800, 300, side, side};
  cv::Mat image = Photo().clone();
  for (auto _ : state) {
    state.PauseTiming();
    Photo().copyTo(image);
    state.ResumeTiming();
    if (!faceveil::AnonymizeRegions(image, {&region, 1}, options).ok()) {
      state.SkipWithError("anonymize failed");
      break;
    }
  }
}

void BM_Blur(benchmark::State& state) {
  RunStyle(state, faceveil::AnonymizeStyle::kBlur);
}
BENCHMARK(BM_Blur)->Arg(200)->Arg(400)->Unit(benchmark::kMillisecond);

void BM_BlurEllipse(benchmark::State& state) {
  const float side = static_cast<float>(state.range(0));
  faceveil::AnonymizeOptions options;
  options.shape = faceveil::MaskShape::kEllipse;
  const faceveil::Box region{800, 300, side, side};
  cv::Mat image = Photo().clone();
  for (auto _ : state) {
    if (!faceveil::AnonymizeRegions(image, {&region, 1}, options).ok()) {
      state.SkipWithError("anonymize failed");
      break;
    }
  }
}
BENCHMARK(BM_BlurEllipse)->Arg(200)->Arg(400)->Unit(benchmark::kMillisecond);

void BM_Pixelate(benchmark::State& state) {
  RunStyle(state, faceveil::AnonymizeStyle::kPixelate);
}
BENCHMARK(BM_Pixelate)->Arg(200)->Arg(400)->Unit(benchmark::kMillisecond);

// The plain full-resolution blur at the same sigma (face / 12), for scale.
void BM_BlurReference(benchmark::State& state) {
  const int side = static_cast<int>(state.range(0));
  const cv::Rect rect(800, 300, side, side);
  const double sigma = faceveil::anonymize::BlurSigma(side, 1.0f);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        faceveil::anonymize::GaussianBlurRegionReference(Photo(), rect, sigma));
  }
}
BENCHMARK(BM_BlurReference)->Arg(200)->Arg(400)->Unit(benchmark::kMillisecond);

void BM_EncodeJpeg1080p(benchmark::State& state) {
  const faceveil::EncodeOptions options;  // defaults: q92, standard tables
  size_t bytes = 0;
  for (auto _ : state) {
    auto out =
        faceveil::EncodeImage(Photo(), faceveil::ImageFormat::kJpeg, options);
    if (!out.ok()) {
      state.SkipWithError("encode failed");
      break;
    }
    bytes = out->size();
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeJpeg1080p)->Unit(benchmark::kMillisecond);

void BM_EncodeJpeg1080pOptimized(benchmark::State& state) {
  faceveil::EncodeOptions options;
  options.jpeg_optimize = true;
  size_t bytes = 0;
  for (auto _ : state) {
    auto out =
        faceveil::EncodeImage(Photo(), faceveil::ImageFormat::kJpeg, options);
    bytes = out.ok() ? out->size() : 0;
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeJpeg1080pOptimized)->Unit(benchmark::kMillisecond);

}  // namespace

// DESIGN.md's figures are for one thread; OpenCV would otherwise spread
// the blur and the encoder over every core.
int main(int argc, char** argv) {
  cv::setNumThreads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
