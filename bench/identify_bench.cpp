// FaceIdentifier at one thread: the cost of one face (landmarks, the dlib
// chip, the descriptors of the chip and its mirror image) on the astronaut
// portrait, the same with face-api's chain, its two networks alone, and the
// model load (dequantize + build and probe both networks).
//
//   build/bench/identify_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "identify/identifier.h"

namespace faceveil::identify {
namespace {

const cv::Mat& Portrait() {
  static const cv::Mat photo = [] {
    cv::Mat p =
        cv::imread(std::string(FACEVEIL_TESTDATA_DIR) + "/astronaut.png");
    if (p.empty()) p = cv::Mat(512, 512, CV_8UC3, cv::Scalar::all(128));
    return p;
  }();
  return photo;
}

// `settings`: the product's by default.
std::unique_ptr<Identifier> Load(benchmark::State& state,
                                 const EmbedSettings& settings = {}) {
  cv::setNumThreads(1);
  Result<std::unique_ptr<Identifier>> id = Identifier::Create(
      {}, EmbeddedLandmarkModel(), EmbeddedRecognitionModel(), settings);
  if (!id.ok()) {
    state.SkipWithError(id.status().ToString().c_str());
    return nullptr;
  }
  return std::move(id).value();
}

// The astronaut's face (BlazeFace's box, rounded).
Face AstronautFace() {
  Face f;
  f.box = {170, 50, 120, 130};
  f.has_keypoints = false;
  return f;
}

// One face embedded again and again with `settings`.
void EmbedLoop(benchmark::State& state, const EmbedSettings& settings) {
  std::unique_ptr<Identifier> id = Load(state, settings);
  if (id == nullptr) return;
  for (auto _ : state) {
    Result<FaceEmbedding> e = id->Embed(Portrait(), AstronautFace());
    if (!e.ok()) {
      state.SkipWithError(e.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(e->values[0]);
  }
}

void BM_EmbedFace(benchmark::State& state) { EmbedLoop(state, {}); }
BENCHMARK(BM_EmbedFace)->Unit(benchmark::kMillisecond);

// face-api's own chain (its square, one descriptor), what Embed() ran
// before the dlib chip and the mirror mean.
void BM_EmbedFaceFaceApiChain(benchmark::State& state) {
  EmbedSettings faceapi;
  faceapi.alignment = Alignment::kFaceApi;
  faceapi.mirror_average = false;
  EmbedLoop(state, faceapi);
}
BENCHMARK(BM_EmbedFaceFaceApiChain)->Unit(benchmark::kMillisecond);

void BM_LandmarksOnly(benchmark::State& state) {
  std::unique_ptr<Identifier> id = Load(state);
  if (id == nullptr) return;
  for (auto _ : state) {
    Result<Landmarks> l =
        FindLandmarks(id->landmark_net(), Portrait(), AstronautFace().box);
    if (!l.ok()) {
      state.SkipWithError(l.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize((*l)[0].x);
  }
}
BENCHMARK(BM_LandmarksOnly)->Unit(benchmark::kMillisecond);

void BM_DescriptorOnly(benchmark::State& state) {
  std::unique_ptr<Identifier> id = Load(state);
  if (id == nullptr) return;
  for (auto _ : state) {
    Result<FaceEmbedding> e = id->EmbedSquare(Portrait(), Square{160, 40, 150});
    if (!e.ok()) {
      state.SkipWithError(e.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(e->values[0]);
  }
}
BENCHMARK(BM_DescriptorOnly)->Unit(benchmark::kMillisecond);

void BM_IdentifierLoad(benchmark::State& state) {
  cv::setNumThreads(1);
  for (auto _ : state) {
    std::unique_ptr<Identifier> id = Load(state);
    benchmark::DoNotOptimize(id.get());
  }
}
BENCHMARK(BM_IdentifierLoad)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace faceveil::identify

BENCHMARK_MAIN();
