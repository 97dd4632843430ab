// Video anonymization speed on a 1920x1080 H.264 clip (5 s, 30 fps, film
// grain; made from a real photo by `scripts/make-test-clips.sh --bench`),
// against the floor: the same transcode (our decoder, BGR conversion and
// x264 settings) with a processor that does nothing. All in one run, since
// the machine is shared and noisy: compare the x_floor ratios.
//
//   scripts/make-test-clips.sh --bench
//   build/bench/video_bench       floor per x264 preset, each mode with
//                                 BlazeFace and with CrowdNet (the CLI's
//                                 video default, in fast) on the key
//                                 frames, as the video job runs by default
//                                 (look-ahead, no between-frames pass)
//   FACEVEIL_VIDEO_BENCH_MATRIX=1 build/bench/video_bench
//       floor, then modes x --detect-every, x264 presets, and the
//       between-frames pass the other way than the default
//
// Counters: fps (frames per second of wall time) and x_floor (fps over the
// floor's fps at the same x264 preset, measured earlier in the same run);
// cpu_ms/frame (CPU time of all threads per frame) and x_floor_cpu (the
// floor's over this): on a busy shared machine these two vary far less.
// tracks: faces followed (tracks started).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "app/video_job.h"
#include "faceveil/pipeline.h"
#include "faceveil/video.h"

namespace {

namespace fs = std::filesystem;
using faceveil::DetectionMode;

const std::string kClip =
    std::string(FACEVEIL_TESTDATA_DIR) + "/clips/v2/bench-1080p-grain.mp4";
const char* kPresets[] = {"ultrafast", "superfast", "veryfast"};

std::map<std::string, double>& FloorFps() {
  static std::map<std::string, double> fps;
  return fps;
}

// CPU seconds (user + system) of this process, all threads. On a shared,
// busy machine wall-clock fps depends on the neighbours; CPU per frame
// does much less.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::map<std::string, double>& FloorCpuMs() {
  static std::map<std::string, double> ms;
  return ms;
}

std::string OutPath() {
  return (fs::temp_directory_path() /
          ("faceveil_video_bench_" + std::to_string(getpid()) + ".mp4"))
      .string();
}

class NoOp : public faceveil::FrameProcessor {
 public:
  faceveil::Status Process(cv::Mat&, int64_t, double) override {
    return faceveil::Status::Ok();
  }
};

void Report(benchmark::State& state, int64_t frames, double seconds,
            double cpu_s, const std::string& preset) {
  const double cpu_ms = frames > 0 ? 1000 * cpu_s / frames : 0;
  state.counters["cpu_ms/frame"] = cpu_ms;
  auto floor_cpu = FloorCpuMs().find(preset);
  if (floor_cpu != FloorCpuMs().end() && cpu_ms > 0) {
    state.counters["x_floor_cpu"] = floor_cpu->second / cpu_ms;
  }
  const double fps = seconds > 0 ? frames / seconds : 0;
  state.counters["fps"] = fps;
  auto floor = FloorFps().find(preset);
  if (floor != FloorFps().end() && floor->second > 0) {
    state.counters["x_floor"] = fps / floor->second;
  }
}

void BM_Floor(benchmark::State& state, std::string preset) {
  if (!fs::exists(kClip)) {
    state.SkipWithError("run scripts/make-test-clips.sh --bench first");
    return;
  }
  faceveil::VideoOptions options;
  options.preset = preset;
  options.overwrite = true;
  NoOp noop;
  int64_t frames = 0;
  double seconds = 0;
  const double cpu_start = CpuSeconds();
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto stats = faceveil::TranscodeVideo(kClip, OutPath(), options, noop);
    seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (!stats.ok()) {
      state.SkipWithError(stats.status().ToString().c_str());
      break;
    }
    frames += stats->frames;
  }
  fs::remove(OutPath());
  const double cpu_s = CpuSeconds() - cpu_start;
  FloorFps()[preset] = seconds > 0 ? frames / seconds : 0;
  FloorCpuMs()[preset] = frames > 0 ? 1000 * cpu_s / frames : 0;
  Report(state, frames, seconds, cpu_s, preset);
}

void BM_Anonymize(benchmark::State& state, DetectionMode mode,
                  faceveil::DetectorModels models, int every, bool between,
                  std::string preset) {
  if (!fs::exists(kClip)) {
    state.SkipWithError("run scripts/make-test-clips.sh --bench first");
    return;
  }
  faceveil::PipelineOptions pipeline_options;
  pipeline_options.detector.mode = mode;
  pipeline_options.detector.models = models;
  auto pipeline = faceveil::Pipeline::Create(pipeline_options);
  if (!pipeline.ok()) {
    state.SkipWithError(pipeline.status().ToString().c_str());
    return;
  }
  faceveil::VideoJobOptions options;
  options.video.preset = preset;
  options.video.overwrite = true;
  options.detect_every = every;
  options.detect_between = between;
  int64_t frames = 0, tracks = 0;
  double seconds = 0;
  const double cpu_start = CpuSeconds();
  for (auto _ : state) {
    auto result =
        faceveil::AnonymizeVideoFile(**pipeline, kClip, OutPath(), options, {});
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      break;
    }
    frames += result->stats.frames;
    seconds += result->seconds;
    tracks = result->tracks;
  }
  fs::remove(OutPath());
  Report(state, frames, seconds, CpuSeconds() - cpu_start, preset);
  state.counters["tracks"] = static_cast<double>(tracks);
}

void Register(const std::string& name, auto fn) {
  benchmark::RegisterBenchmark(name.c_str(), fn)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->Iterations(1);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string preset = faceveil::VideoOptions{}.preset;
  for (const char* p : kPresets) {
    Register(std::string("floor/") + p,
             [p](benchmark::State& s) { BM_Floor(s, p); });
  }
  const DetectionMode modes[] = {DetectionMode::kSingle, DetectionMode::kFast,
                                 DetectionMode::kBalanced,
                                 DetectionMode::kThorough};
  const bool matrix = std::getenv("FACEVEIL_VIDEO_BENCH_MATRIX") != nullptr;
  const bool between_default = faceveil::VideoJobOptions{}.detect_between;
  auto add = [between_default](DetectionMode m, int every, bool between,
                               std::string p,
                               faceveil::DetectorModels models =
                                   faceveil::DetectorModels::kBlazeFace) {
    Register(std::string(faceveil::DetectorModelsName(models)) + "/" +
                 faceveil::DetectionModeName(m) + "/every:" +
                 (every == 0 ? std::string("default") : std::to_string(every)) +
                 (between == between_default ? ""
                  : between                  ? "/between"
                                             : "/no-between") +
                 "/" + p,
             [=](benchmark::State& s) {
               BM_Anonymize(s, m, models, every, between, p);
             });
  };
  if (!matrix) {
    // Each mode as `faceveil anonymize clip.mp4 --mode M` runs it, then
    // with `--detector crowdnet`.
    for (DetectionMode m : modes) add(m, 0, between_default, preset);
    for (DetectionMode m : modes) {
      add(m, 0, between_default, preset, faceveil::DetectorModels::kCrowdNet);
    }
    // What the between-frames pass costs on the CLI's default.
    add(DetectionMode::kFast, 0, !between_default, preset,
        faceveil::DetectorModels::kCrowdNet);
  } else {
    // Modes x key-frame intervals at the default x264 preset (the tiled
    // modes at every frame take minutes and are left out), then the x264
    // presets and the between-frames pass at the default interval.
    for (DetectionMode m : modes) {
      for (int every : {1, 2, 4, 8}) {
        const bool tiled =
            m == DetectionMode::kBalanced || m == DetectionMode::kThorough;
        if (every == (tiled ? 1 : 2)) continue;
        if (m == DetectionMode::kThorough && every < 4) continue;
        add(m, every, between_default, preset);
      }
    }
    for (const char* p : kPresets) {
      if (p != preset) add(DetectionMode::kBalanced, 0, between_default, p);
    }
    add(DetectionMode::kBalanced, 0, !between_default, preset);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
