// How several detectors' saved detections merge best: the measurement
// behind the ensemble calibrations of src/detect/presets.cpp.
//
//   merge_sweep GT.tsv A.jsonl B.jsonl [C.jsonl] [--out=OUT.jsonl]
//               [--b=LIST] [--c=LIST] [--bonus=LIST]
//               [--vote-a=LIST] [--vote-b=LIST] [--vote-c=LIST]
//
// A, B (and C) are `faceveil eval --threshold 0.1 --save-detections` files
// of the same ground truth, merged in that order. B's and C's logit offsets
// and the agreement bonus (every model's vote, EnsembleMember) run over a
// grid (A's offset stays 0: the threshold absorbs a common shift); --b,
// --c and --bonus replace a grid by a comma-separated list. With any
// --vote-X, each model's vote runs over its own list instead (the bonus
// list where none is given). For each setting, thresholds from 0.20 to 0.99
// give the highest privacy recall at no more than one false positive per
// image. The best setting's merged detections (all of them, at >= 0.1) go
// to OUT.jsonl when given, for `faceveil eval --detections` to score in
// full (AP included).
//
// The merge is the product's own MergeEnsemble.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "detect/ensemble.h"
#include "faceveil/eval.h"
#include "faceveil/report.h"

namespace {

using faceveil::eval::ImageDetections;

// One setting: the logit offset of every input after the first, and every
// input's vote.
struct Setting {
  std::vector<float> offsets;
  std::vector<float> votes;
};

std::vector<ImageDetections> Merge(
    const std::vector<std::vector<ImageDetections>>& inputs,
    const Setting& setting) {
  const faceveil::EnsembleOptions options;
  std::vector<ImageDetections> out(inputs[0].size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].file = inputs[0][i].file;
    std::vector<faceveil::EnsembleMember> members;
    for (size_t m = 0; m < inputs.size(); ++m) {
      if (out[i].error.empty()) out[i].error = inputs[m][i].error;
      members.push_back({inputs[m][i].faces,
                         m == 0 ? 0.0f : setting.offsets[m - 1],
                         setting.votes[m]});
    }
    out[i].faces = faceveil::MergeEnsemble(members, options);
  }
  return out;
}

struct Point {
  float threshold = 0;
  double recall = 0;
  double fp = 0;
};

// The highest privacy recall at <= 1 FP/image over the threshold grid.
Point BestAtOneFp(const faceveil::eval::GroundTruth& gt,
                  const std::vector<ImageDetections>& merged) {
  std::vector<float> thresholds;
  for (int t = 20; t <= 97; ++t) thresholds.push_back(t / 100.0f);
  for (float t : {0.975f, 0.98f, 0.985f, 0.99f}) thresholds.push_back(t);
  Point best;
  faceveil::eval::EvalOptions options;
  options.pr_thresholds = 10;  // AP is not what this measures
  for (float t : thresholds) {
    options.score_threshold = t;
    options.ap_min_score = t;
    auto report = faceveil::eval::Evaluate(gt, merged, options);
    if (!report.ok()) continue;
    const double fp = report->FalsePositivesPerImage();
    if (fp <= 1.0 && report->privacy.Recall() > best.recall) {
      best = {t, report->privacy.Recall(), fp};
    }
    if (fp <= 1.0) break;  // higher thresholds only lose recall
  }
  return best;
}

// "a,b,c" as floats; false when a value is not a number.
bool ParseList(std::string_view text, std::vector<float>* out) {
  out->clear();
  std::stringstream in{std::string(text)};
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const float v = std::strtof(item.c_str(), &end);
    if (item.empty() || *end != '\0') return false;
    out->push_back(v);
  }
  return !out->empty();
}

std::string Describe(const Setting& s) {
  std::string text;
  char buf[32];
  for (size_t i = 0; i < s.offsets.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%.2f\t", s.offsets[i]);
    text += buf;
  }
  for (size_t i = 0; i < s.votes.size(); ++i) {
    std::snprintf(buf, sizeof buf, i ? "/%.2f" : "%.2f", s.votes[i]);
    text += buf;
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::string out_path;
  std::vector<float> grid_b = {-2.5f,  -2.0f, -1.5f, -1.0f, -0.5f,
                               -0.25f, 0.0f,  0.25f, 0.5f};
  std::vector<float> grid_c = {-2.0f, -1.5f, -1.0f, -0.5f, 0.0f, 0.5f};
  std::vector<float> bonuses = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f};
  std::vector<float> votes[3];
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    bool ok = true;
    if (arg.starts_with("--out=")) {
      out_path = arg.substr(6);
    } else if (arg.starts_with("--b=")) {
      ok = ParseList(arg.substr(4), &grid_b);
    } else if (arg.starts_with("--c=")) {
      ok = ParseList(arg.substr(4), &grid_c);
    } else if (arg.starts_with("--bonus=")) {
      ok = ParseList(arg.substr(8), &bonuses);
    } else if (arg.starts_with("--vote-") && arg.size() > 9 && arg[7] >= 'a' &&
               arg[7] <= 'c' && arg[8] == '=') {
      ok = ParseList(arg.substr(9), &votes[arg[7] - 'a']);
    } else if (arg.starts_with("--")) {
      ok = false;
    } else {
      files.emplace_back(arg);
    }
    if (!ok) {
      std::fprintf(stderr, "bad argument: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.size() < 3 || files.size() > 4) {
    std::fprintf(stderr,
                 "usage: %s GT.tsv A.jsonl B.jsonl [C.jsonl] "
                 "[--out=OUT.jsonl] [--b=LIST] [--c=LIST] [--bonus=LIST] "
                 "[--vote-a=LIST] [--vote-b=LIST] [--vote-c=LIST]\n",
                 argv[0]);
    return 2;
  }
  auto gt = faceveil::eval::ReadGroundTruth(files[0]);
  if (!gt.ok()) {
    std::fprintf(stderr, "%s\n", gt.status().ToString().c_str());
    return 2;
  }
  std::vector<std::vector<ImageDetections>> inputs;
  for (size_t i = 1; i < files.size(); ++i) {
    auto lines = faceveil::eval::ReadDetectionsJsonl(files[i]);
    if (!lines.ok()) {
      std::fprintf(stderr, "%s\n", lines.status().ToString().c_str());
      return 2;
    }
    auto matched = faceveil::eval::MatchToGroundTruth(*gt, std::move(*lines));
    if (!matched.ok()) {
      std::fprintf(stderr, "%s\n", matched.status().ToString().c_str());
      return 2;
    }
    inputs.push_back(std::move(matched->per_image));
  }
  const bool three = inputs.size() == 3;
  if (!three) grid_c = {0.0f};
  // The vote settings: equal votes from the bonus list, or one list each.
  std::vector<std::vector<float>> vote_grid;
  const bool per_model =
      !votes[0].empty() || !votes[1].empty() || !votes[2].empty();
  for (auto& v : votes) {
    if (v.empty()) v = bonuses;
  }
  if (per_model) {
    for (float a : votes[0]) {
      for (float b : votes[1]) {
        for (float c : three ? votes[2] : std::vector<float>{0.0f}) {
          vote_grid.push_back(three ? std::vector<float>{a, b, c}
                                    : std::vector<float>{a, b});
        }
      }
    }
  } else {
    for (float bonus : bonuses) {
      vote_grid.push_back(std::vector<float>(inputs.size(), bonus));
    }
  }
  std::printf("%s\tvotes\tthreshold\trecall\tFP/image\n",
              three ? "b_offset\tc_offset" : "b_offset");
  Setting best_setting;
  Point best;
  for (float b : grid_b) {
    for (float c : grid_c) {
      for (const std::vector<float>& v : vote_grid) {
        Setting s;
        s.offsets = three ? std::vector<float>{b, c} : std::vector<float>{b};
        s.votes = v;
        const Point p = BestAtOneFp(*gt, Merge(inputs, s));
        std::printf("%s\t%.3f\t%.4f\t%.3f\n", Describe(s).c_str(), p.threshold,
                    p.recall, p.fp);
        std::fflush(stdout);
        if (p.recall > best.recall) {
          best = p;
          best_setting = s;
        }
      }
    }
  }
  std::printf("best: %s threshold %.3f recall %.4f FP/image %.3f\n",
              Describe(best_setting).c_str(), best.threshold, best.recall,
              best.fp);
  if (!out_path.empty()) {
    std::ofstream out(out_path);
    for (const ImageDetections& d : Merge(inputs, best_setting)) {
      std::vector<faceveil::Face> kept;
      for (const faceveil::Face& f : d.faces) {
        if (f.score >= 0.1f) kept.push_back(f);
      }
      faceveil::ImageReport report;
      report.faces = kept;
      out << faceveil::ReportToJsonLine(d.file, report) << "\n";
    }
  }
  return 0;
}
