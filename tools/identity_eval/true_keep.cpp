// The true keep: faces against themselves changed, and the operating points
// the false keep allows.
#include <cstdint>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <vector>

#include "passes.h"

namespace faceveil::identify::identity_eval {
namespace {

// The largest distance (on a 0.005 grid) at which at most `share` of `s`
// lies.
float DistanceForShare(const Stats& s, double share) {
  float t = 0;
  for (float c = 0.005f; c < 1.5f; c += 0.005f) {
    if (s.ShareAtMost(c) <= share) t = c;
  }
  return t;
}

}  // namespace

void TrueKeep(const Identifier& id, const std::vector<Sampled>& faces,
              const std::vector<Compare>& compares, const FalseKeeps* fk) {
  const char* names[] = {"flipped",        "0.5x",      "2x",
                         "blur sigma 1.5", "JPEG q 50", "brightened +40",
                         "darkened x0.6"};
  constexpr int kTransforms = 7;
  struct Seen {
    float h = 0;  // the original's box height
    Embedded ref;
    std::vector<std::optional<Embedded>> changed;  // by transform
  };
  std::vector<Seen> seen;
  for (const Sampled& s : faces) {
    const cv::Mat full = cv::imread(s.path, cv::IMREAD_COLOR);
    if (full.empty()) continue;
    Box box;
    const cv::Mat image = Around(full, s.box, &box);
    Result<Embedded> ref = EmbedViews(id, image, box);
    if (!ref.ok()) continue;
    Seen& one = seen.emplace_back();
    one.h = box.h;
    one.ref = *ref;
    for (int t = 0; t < kTransforms; ++t) {
      cv::Mat m;
      Box b = box;
      switch (t) {
        case 0:
          cv::flip(image, m, 1);
          b.x = image.cols - box.x - box.w;
          break;
        case 1:
        case 2: {
          const double f = t == 1 ? 0.5 : 2.0;
          cv::resize(image, m, cv::Size(), f, f,
                     f < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
          b = {static_cast<float>(box.x * f), static_cast<float>(box.y * f),
               static_cast<float>(box.w * f), static_cast<float>(box.h * f)};
          break;
        }
        case 3:
          cv::GaussianBlur(image, m, cv::Size(0, 0), 1.5);
          break;
        case 4: {
          std::vector<uint8_t> bytes;
          cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, 50});
          m = cv::imdecode(bytes, cv::IMREAD_COLOR);
          break;
        }
        case 5:
          image.convertTo(m, -1, 1.0, 40);
          break;
        default:
          image.convertTo(m, -1, 0.6, 0);
          break;
      }
      Result<Embedded> e = EmbedViews(id, m, b);
      if (!e.ok()) {
        std::fprintf(stderr,
                     "not embedded (%s): %s box %.0f,%.0f %.0fx%.0f: %s\n",
                     names[t], s.path.c_str(), s.box.x, s.box.y, s.box.w,
                     s.box.h, e.status().message().c_str());
        one.changed.emplace_back();
        continue;
      }
      one.changed.emplace_back(*e);
    }
  }
  std::printf(
      "## True keep (the same face changed; WIDER faces >= 40 px)\n\n"
      "%zu faces sampled. Cells: share of the faces whose original passes "
      "the gate that are kept: the changed face passes the gate too and lies "
      "at or under the distance.\n\n",
      seen.size());
  for (Compare compare : compares) {
    for (const Gates& gate : kGates) {
      if (gate.reference == 0) continue;
      std::printf("### %s, clarity gates: reference %.2f, other face %.2f\n\n",
                  CompareName(compare), gate.reference, gate.other);
      std::printf("| change | faces | refused | median |");
      for (float t : kThresholds) std::printf(" <= %.2f |", t);
      std::printf("\n|---|---|---|---|");
      for (size_t i = 0; i < std::size(kThresholds); ++i) std::printf("---|");
      std::printf("\n");
      for (int t = 0; t < kTransforms; ++t) {
        Stats st;
        int n = 0;
        for (const Seen& one : seen) {
          if (ClarityOf(compare, one.ref) < gate.reference) continue;
          ++n;
          const std::optional<Embedded>& c = one.changed[t];
          if (!c || ClarityOf(compare, *c) < gate.other) {
            ++st.failed;
            continue;
          }
          st.distances.push_back(DistanceOf(compare, one.ref, *c));
        }
        st.Finish();
        std::printf("| %s | %d | %d | %.3f |", names[t], n, st.failed,
                    Quantile(st.distances, 0.5));
        for (float th : kThresholds) {
          std::printf(" %.1f%% |", 100 * st.ShareAtMost(th) *
                                       st.distances.size() / std::max(1, n));
        }
        std::printf("\n");
      }
      std::printf("\n");
    }
  }
  if (fk == nullptr) return;
  std::printf(
      "## Operating points: the largest distance with a false keep of at "
      "most 0.1%% over all faces >= 24 px, and the true keep there\n\n"
      "| comparison | gates (reference, other) | distance | false keep all "
      ">= 24 / 40-63 / 64-99 / 100+ px |");
  for (int t = 0; t < kTransforms; ++t) std::printf(" %s |", names[t]);
  std::printf(" 0.5x of faces >= 80 px |");
  std::printf("\n|---|---|---|---|---|");
  for (int t = 0; t < kTransforms; ++t) std::printf("---|");
  std::printf("\n");
  for (Compare compare : compares) {
    for (int g = 0; g < static_cast<int>(std::size(kGates)); ++g) {
      const Gates& gate = kGates[g];
      if (gate.reference == 0) continue;
      const std::vector<Stats>& bins = fk->by_gates.at({compare, g});
      const float th = DistanceForShare(bins[kNumBins], 0.001);
      std::printf(
          "| %s | %.2f, %.2f | %.3f | %.3f%% / %.3f%% / %.3f%% / %.3f%% |",
          CompareName(compare), gate.reference, gate.other, th,
          100 * bins[kNumBins].ShareAtMost(th), 100 * bins[3].ShareAtMost(th),
          100 * bins[4].ShareAtMost(th), 100 * bins[5].ShareAtMost(th));
      for (int t = 0; t < kTransforms; ++t) {
        int n = 0, kept = 0;
        for (const Seen& one : seen) {
          if (ClarityOf(compare, one.ref) < gate.reference) continue;
          ++n;
          const std::optional<Embedded>& c = one.changed[t];
          if (c && ClarityOf(compare, *c) >= gate.other &&
              DistanceOf(compare, one.ref, *c) <= th) {
            ++kept;
          }
        }
        std::printf(" %.1f%% |", 100.0 * kept / std::max(1, n));
      }
      // Half size of a face >= 80 px: the changed face is >= 40 px too.
      int n = 0, kept = 0;
      for (const Seen& one : seen) {
        if (one.h < 80 || ClarityOf(compare, one.ref) < gate.reference) {
          continue;
        }
        ++n;
        const std::optional<Embedded>& c = one.changed[1];
        if (c && ClarityOf(compare, *c) >= gate.other &&
            DistanceOf(compare, one.ref, *c) <= th) {
          ++kept;
        }
      }
      std::printf(" %.1f%% of %d |", 100.0 * kept / std::max(1, n), n);
      std::printf("\n");
    }
  }
  std::printf("\n");
}

}  // namespace faceveil::identify::identity_eval
