// Speed of the TFLite → OpenCV DNN translation: one forward pass of each
// BlazeFace model (one thread and OpenCV's default thread count), and the
// cost of loading a model (embedded bytes) and building a network from it.
//
// Reference, MediaPipe's own runtime (TFLite + XNNPACK, WebAssembly, one
// thread) on this kind of machine: short 2.5 ms, full dense 7.8 ms, full
// sparse 3.8 ms per inference.
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>

#include "detect/embedded_models.h"
#include "faceveil/detector.h"
#include "tflite/model.h"

namespace {

using faceveil::ModelKind;
using faceveil::tflite::Model;

auto LoadEmbedded(ModelKind kind) {
  return Model::FromBuffer(faceveil::EmbeddedModel(kind));
}

void Forward(benchmark::State& state, ModelKind kind, int threads) {
  auto model = LoadEmbedded(kind);
  if (!model.ok()) {
    state.SkipWithError(model.status().ToString().c_str());
    return;
  }
  auto net = (*model)->BuildNet();
  if (!net.ok()) {
    state.SkipWithError(net.status().ToString().c_str());
    return;
  }
  const std::vector<int>& s = (*model)->input().shape;
  const int sizes[] = {1, s[3], s[1], s[2]};
  cv::Mat input(4, sizes, CV_32F);
  cv::randu(input, -1.0, 1.0);
  const int saved = cv::getNumThreads();
  if (threads > 0) cv::setNumThreads(threads);
  std::vector<cv::Mat> outs;
  net->setInput(input);
  net->forward(outs, (*model)->output_names());  // warm-up: allocations
  for (auto _ : state) {
    net->setInput(input);
    net->forward(outs, (*model)->output_names());
    benchmark::DoNotOptimize(outs.data());
  }
  cv::setNumThreads(saved);
}

void LoadAndBuild(benchmark::State& state, ModelKind kind) {
  for (auto _ : state) {
    auto model = LoadEmbedded(kind);
    if (!model.ok()) {
      state.SkipWithError(model.status().ToString().c_str());
      return;
    }
    auto net = (*model)->BuildNet();
    benchmark::DoNotOptimize(net.ok());
  }
}

void BuildOnly(benchmark::State& state, ModelKind kind) {
  auto model = LoadEmbedded(kind);
  if (!model.ok()) {
    state.SkipWithError(model.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto net = (*model)->BuildNet();
    benchmark::DoNotOptimize(net.ok());
  }
}

BENCHMARK_CAPTURE(Forward, short_1thread, ModelKind::kShortRange, 1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Forward, full_dense_1thread, ModelKind::kFullRange, 1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Forward, full_sparse_1thread, ModelKind::kFullRangeSparse, 1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Forward, short_default_threads, ModelKind::kShortRange, 0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Forward, full_dense_default_threads, ModelKind::kFullRange, 0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Forward, full_sparse_default_threads,
                  ModelKind::kFullRangeSparse, 0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(LoadAndBuild, short, ModelKind::kShortRange)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(LoadAndBuild, full_dense, ModelKind::kFullRange)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(LoadAndBuild, full_sparse, ModelKind::kFullRangeSparse)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BuildOnly, short, ModelKind::kShortRange)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
