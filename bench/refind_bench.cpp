// Can anonymized faces be found again? Each dlib group photo of
// ../shared/data/dlib_faces (9 photos, 43 faces) goes through faceveil's own
// default output path at every --style and --strength, and the output is
// searched by faceveil's default detector at its default threshold and at
// 0.3. Counters: hidden (faces found and hidden), refound (at the default
// threshold), refound_0.3; a hidden face is re-found by a detection with
// IoU >= 0.3 (eval/refind.h). Wall time per run is the cost of the whole
// set, not a speed goal.
//
//   build/bench/refind_bench --benchmark_counters_tabular=true
//
// Peer detectors (measuring only; never shipped): with FACEVEIL_REFIND_DIR
// set, every run also writes its outputs to DIR/<style>-<strength>/ with
// hidden.jsonl (the hidden faces, `faceveil detect` schema). Run a peer over
// them, e.g. YuNet_n as ../shared/peers/README.md says:
//   for d in DIR/*/; do node ~/.cache/faceveil-peers/peer_yunet.js \
//     ../shared/peers/yunet_n_dynamic.onnx $d*.jpg > ${d}peer.jsonl; done
// and run the benchmark again: it adds peer_refound (score >= 0.6, the
// README's operating point) and peer_refound_0.3 from each peer.jsonl.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "eval/refind.h"
#include "faceveil/eval.h"
#include "faceveil/file_io.h"
#include "faceveil/image.h"
#include "faceveil/pipeline.h"
#include "faceveil/report.h"

namespace {

namespace fs = std::filesystem;
using faceveil::AnonymizeStyle;

constexpr float kPeerThreshold = 0.6f;

struct Photo {
  std::string name;
  std::vector<uint8_t> bytes;
};

const std::vector<Photo>& Photos() {
  static const std::vector<Photo> photos = [] {
    std::vector<Photo> out;
    const fs::path dir =
        fs::path(FACEVEIL_SHARED_DIR) / "data" / "dlib_faces" / "images";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() != ".jpg") continue;
      auto bytes = faceveil::ReadFileBytes(e.path().string(), 1 << 26);
      if (bytes.ok()) out.push_back({e.path().filename().string(), *bytes});
    }
    std::sort(out.begin(), out.end(),
              [](const Photo& a, const Photo& b) { return a.name < b.name; });
    return out;
  }();
  return photos;
}

// Matches by file name: a peer prints the paths it was given.
std::map<std::string, std::vector<faceveil::Face>> ByName(
    const std::vector<faceveil::eval::ImageDetections>& lines) {
  std::map<std::string, std::vector<faceveil::Face>> out;
  for (const auto& l : lines) out[fs::path(l.file).filename()] = l.faces;
  return out;
}

std::vector<faceveil::Face> AtLeast(const std::vector<faceveil::Face>& faces,
                                    float threshold) {
  std::vector<faceveil::Face> out;
  for (const auto& f : faces) {
    if (f.score >= threshold) out.push_back(f);
  }
  return out;
}

// Args: style (0 blur, 1 pixelate, 2 solid), strength x 10.
void BM_Refind(benchmark::State& state) {
  if (Photos().empty()) {
    state.SkipWithError("no photos in ../shared/data/dlib_faces/images");
    return;
  }
  faceveil::PipelineOptions options;
  options.anonymize.style = static_cast<AnonymizeStyle>(state.range(0));
  options.anonymize.strength = state.range(1) / 10.0f;
  auto pipeline = faceveil::Pipeline::Create(options);
  faceveil::DetectorOptions low = options.detector;
  low.score_threshold = 0.3f;
  auto low_finder = faceveil::Detector::Create(low);
  if (!pipeline.ok() || !low_finder.ok()) {
    state.SkipWithError("cannot create the detectors");
    return;
  }
  const faceveil::Detector* finders[] = {&(*pipeline)->detector(),
                                         low_finder->get()};
  char config[64];
  std::snprintf(config, sizeof config, "%s-%.1f",
                faceveil::AnonymizeStyleName(options.anonymize.style),
                options.anonymize.strength);
  const char* write_dir = std::getenv("FACEVEIL_REFIND_DIR");
  const fs::path out_dir = write_dir ? fs::path(write_dir) / config : "";
  int hidden = 0, refound = 0, refound_low = 0;
  for (auto _ : state) {
    hidden = refound = refound_low = 0;
    std::string hidden_lines;
    for (const Photo& photo : Photos()) {
      auto r = faceveil::eval::CountRefound(**pipeline, finders, photo.bytes);
      if (!r.ok()) {
        state.SkipWithError(r.status().ToString().c_str());
        return;
      }
      hidden += static_cast<int>(r->hidden.size());
      refound += r->refound[0];
      refound_low += r->refound[1];
      if (write_dir == nullptr) continue;
      auto out = (*pipeline)->Anonymize(photo.bytes);
      faceveil::ImageReport report;
      report.faces = r->hidden;
      hidden_lines += faceveil::ReportToJsonLine(photo.name, report) + "\n";
      fs::create_directories(out_dir);
      if (!out.ok() || !faceveil::WriteFileAtomic(
                            (out_dir / photo.name).string(), out->bytes, true)
                            .ok()) {
        state.SkipWithError("cannot write the outputs");
        return;
      }
    }
    if (write_dir != nullptr) {
      const std::vector<uint8_t> bytes(hidden_lines.begin(),
                                       hidden_lines.end());
      (void)faceveil::WriteFileAtomic((out_dir / "hidden.jsonl").string(),
                                      bytes, true);
    }
  }
  state.counters["hidden"] = hidden;
  state.counters["refound"] = refound;
  state.counters["refound_0.3"] = refound_low;
  // A peer's detections on the outputs, when they are there.
  std::error_code ec;
  if (write_dir != nullptr && fs::exists(out_dir / "peer.jsonl", ec)) {
    auto hidden_faces = faceveil::eval::ReadDetectionsJsonl(
        (out_dir / "hidden.jsonl").string());
    auto peer =
        faceveil::eval::ReadDetectionsJsonl((out_dir / "peer.jsonl").string());
    if (hidden_faces.ok() && peer.ok()) {
      auto found = ByName(*peer);
      int at_default = 0, at_low = 0;
      for (const auto& [name, faces] : ByName(*hidden_faces)) {
        const auto& f = found[name];
        at_default += faceveil::eval::CountMatched(
            faces, AtLeast(f, kPeerThreshold), faceveil::eval::kRefindIou);
        at_low += faceveil::eval::CountMatched(faces, AtLeast(f, 0.3f),
                                               faceveil::eval::kRefindIou);
      }
      state.counters["peer_refound"] = at_default;
      state.counters["peer_refound_0.3"] = at_low;
    }
  }
}

void Configs(benchmark::internal::Benchmark* b) {
  for (int style : {0, 1}) {
    for (int strength : {8, 10, 12, 15, 20, 30, 40}) b->Args({style, strength});
  }
  b->Args({2, 10});  // solid: strength does not apply
}
BENCHMARK(BM_Refind)
    ->Apply(Configs)
    ->ArgNames({"style", "strength10"})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
