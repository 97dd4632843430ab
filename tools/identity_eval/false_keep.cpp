// The false keep: every face of one WIDER photo is a different person, so
// every pair of faces in a photo is a pair a reference face must not match.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "passes.h"

namespace faceveil::identify::identity_eval {
namespace {

// Photos where one person shows more than once, so the "every face a
// different person" rule does not hold (checked by eye):
// 19_Couple_Couple_19_836 is a collage of six frames of one TV scene with
// the same two people.
bool ShowsOnePersonTwice(const std::string& path) {
  return path.ends_with("/19_Couple_Couple_19_836.jpg");
}

}  // namespace

FalseKeeps FalseKeep(const Identifier& id, const std::vector<Photo>& photos,
                     const Detector* detector,
                     const std::vector<Compare>& compares) {
  FalseKeeps out;
  std::vector<std::vector<Embedded>> per_photo;
  std::vector<int> faces_in_bin(kNumBins);
  int embedded = 0, failed = 0;
  double seconds = 0;
  for (const Photo& p : photos) {
    if (p.boxes.size() < 2 || ShowsOnePersonTwice(p.path)) continue;
    const cv::Mat image = cv::imread(p.path, cv::IMREAD_COLOR);
    if (image.empty()) {
      std::fprintf(stderr, "cannot read %s\n", p.path.c_str());
      continue;
    }
    std::vector<Embedded>& faces = per_photo.emplace_back();
    const std::vector<Box> boxes =
        detector == nullptr ? p.boxes
                            : DetectorBoxes(*detector, image, p.boxes);
    for (const Box& b : boxes) {
      const auto t0 = std::chrono::steady_clock::now();
      Result<Embedded> e = EmbedViews(id, image, b);
      seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
              .count();
      if (!e.ok()) {
        ++failed;
        continue;
      }
      ++embedded;
      faces.push_back(*e);
      if (std::getenv("FACEVEIL_EVAL_SHOW_CLOSE") != nullptr) {
        for (size_t i = 0; i + 1 < faces.size(); ++i) {
          const float d =
              FaceIdentifier::Distance(faces[i].mean, faces.back().mean);
          if (d < 0.33f && std::min(faces[i].h, b.h) >= 64) {
            std::fprintf(stderr, "close pair %.3f: %s face %zu and %zu\n", d,
                         p.path.c_str(), i, faces.size() - 1);
          }
        }
      }
    }
  }
  std::printf(
      "## False keep (different-person pairs within one WIDER photo; %s "
      "boxes)\n\n"
      "%d faces embedded (%d failed), %.1f ms per face (wall). Rows: the "
      "smaller face's height. Cells: share of pairs at or under the "
      "distance.\n\n",
      detector == nullptr ? "hand-labelled" : "BlazeFace's", embedded, failed,
      1000 * seconds / std::max(1, embedded));
  for (Compare compare : compares) {
    std::printf("### %s\n\n", CompareName(compare));
    for (int g = 0; g < static_cast<int>(std::size(kGates)); ++g) {
      const Gates& gate = kGates[g];
      std::vector<Stats> bins(kNumBins + 1);  // the last: all >= 24 px
      std::vector<int> total(kNumBins + 1), clear(kNumBins + 1);
      for (const std::vector<Embedded>& faces : per_photo) {
        for (const Embedded& f : faces) {
          for (int b : {BinOf(f.h), f.h >= 24 ? kNumBins : -1}) {
            if (b < 0) continue;
            ++total[b];
            if (ClarityOf(compare, f) >= gate.other) ++clear[b];
          }
        }
        // Ordered pairs: each face of a pair in turn the reference.
        for (size_t i = 0; i < faces.size(); ++i) {
          if (ClarityOf(compare, faces[i]) < gate.reference) continue;
          for (size_t j = 0; j < faces.size(); ++j) {
            if (j == i || ClarityOf(compare, faces[j]) < gate.other) continue;
            const float h = std::min(faces[i].h, faces[j].h);
            const float d = DistanceOf(compare, faces[i], faces[j]);
            // Detector boxes may be shorter than the smallest bin.
            if (BinOf(h) >= 0) bins[BinOf(h)].distances.push_back(d);
            if (h >= 24) bins[kNumBins].distances.push_back(d);
          }
        }
      }
      std::printf("#### Clarity gates: reference %.2f, other face %.2f\n\n",
                  gate.reference, gate.other);
      std::printf(
          "| height | faces clear | ordered pairs | 0.1%% quantile | min |");
      for (float t : kThresholds) std::printf(" <= %.2f |", t);
      std::printf("\n|---|---|---|---|---|");
      for (size_t i = 0; i < std::size(kThresholds); ++i) std::printf("---|");
      std::printf("\n");
      for (int b = 0; b <= kNumBins; ++b) {
        Stats& s = bins[b];
        s.Finish();
        std::printf("| %s | %.0f%% of %d | %zu | %.3f | %.3f |",
                    b == kNumBins ? "all >= 24 px" : BinName(b).c_str(),
                    100.0 * clear[b] / std::max(1, total[b]), total[b],
                    s.distances.size(), Quantile(s.distances, 0.001),
                    s.distances.empty() ? NAN : s.distances.front());
        for (float t : kThresholds) {
          std::printf(" %.3f%% |", 100 * s.ShareAtMost(t));
        }
        std::printf("\n");
      }
      std::printf("\n");
      out.by_gates[{compare, g}] = bins;
    }
  }
  return out;
}

}  // namespace faceveil::identify::identity_eval
