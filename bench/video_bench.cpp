// The floor of video anonymization: decode + BGR conversion + encode with a
// processor that does nothing, on a 1920x1080 H.264 clip (5 s, 30 fps) made
// from a real photo by `scripts/make-test-clips.sh --bench`. Reports frames
// per second for x264 presets; detection and anonymization come on top.
//
//   scripts/make-test-clips.sh --bench
//   build/bench/video_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "faceveil/video.h"

namespace {

const std::string kClip =
    std::string(FACEVEIL_TESTDATA_DIR) + "/clips/v2/bench-1080p-grain.mp4";

class NoOp : public faceveil::FrameProcessor {
 public:
  faceveil::Status Process(cv::Mat&, int64_t, double) override {
    return faceveil::Status::Ok();
  }
};

void BM_Transcode1080p(benchmark::State& state, const char* preset,
                       const char* extension) {
  if (!std::filesystem::exists(kClip)) {
    state.SkipWithError("run scripts/make-test-clips.sh --bench first");
    return;
  }
  const std::string out =
      (std::filesystem::temp_directory_path() /
       ("faceveil_video_bench_" + std::to_string(getpid()) + extension))
          .string();
  faceveil::VideoOptions options;
  options.preset = preset;
  options.overwrite = true;
  NoOp noop;
  int64_t frames = 0;
  for (auto _ : state) {
    auto stats = faceveil::TranscodeVideo(kClip, out, options, noop);
    if (!stats.ok()) {
      state.SkipWithError(stats.status().ToString().c_str());
      break;
    }
    frames += stats->frames;
  }
  std::filesystem::remove(out);
  state.counters["fps"] = benchmark::Counter(static_cast<double>(frames),
                                             benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_Transcode1080p, ultrafast, "ultrafast", ".mp4")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Transcode1080p, veryfast, "veryfast", ".mp4")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Transcode1080p, medium, "medium", ".mp4")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
