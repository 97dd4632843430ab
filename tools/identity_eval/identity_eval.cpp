// faceveil-identity-eval: the measurements behind DefaultMatchDistance()
// (docs/IDENTITY.md), on evaluation data outside the repository.
//
//   faceveil-identity-eval --wider ../shared/data/wider_val \
//       --dlib ../shared/data/dlib_faces [--sample 300] [--clarity G]
//
// 1. False keep: every face of one WIDER photo is a different person, so
//    every pair of faces in a photo is a pair a reference face must not
//    match. The share of pairs within each distance, by the smaller face's
//    height (hand-labelled boxes; --detector-boxes: BlazeFace's boxes
//    overlapping them, the boxes the product embeds).
// 2. True keep: faces >= 40 px against themselves flipped, rescaled (0.5x,
//    2x), blurred, JPEG-recompressed, brightened.
// 3. Irreversibility: each face hidden by every style at strengths from
//    kMinStrength to kMaxStrength, embedded again at the same box: its
//    distance to the original.
// Prints Markdown tables. Measuring only: nothing is written.
// FACEVEIL_EVAL_SHOW_CLOSE=1 also lists, on stderr, the pairs of faces
// >= 64 px closer than 0.33 (to look at them: a photo may show one person
// twice).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "faceveil/anonymizer.h"
#include "faceveil/detector.h"
#include "identify/identifier.h"

namespace faceveil::identify {
namespace {

const float kThresholds[] = {0.30f, 0.35f, 0.38f, 0.40f, 0.42f,
                             0.45f, 0.50f, 0.55f, 0.60f};
// Face height bins (pixels, lower bounds).
const int kBins[] = {16, 24, 32, 40, 64, 100};
constexpr int kNumBins = sizeof(kBins) / sizeof(kBins[0]);

struct Photo {
  std::string path;
  std::vector<Box> boxes;
};

// gt.tsv: path x y w h flags; faces flagged "invalid" and shorter than
// `min_h` are left out.
std::vector<Photo> ReadGroundTruth(const std::string& dir, float min_h) {
  std::ifstream in(dir + "/gt.tsv");
  std::vector<Photo> photos;
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string file, flags;
    Box b;
    if (!(f >> file >> b.x >> b.y >> b.w >> b.h)) continue;
    f >> flags;
    if (photos.empty() || photos.back().path != dir + "/" + file) {
      photos.push_back({dir + "/" + file, {}});
    }
    if (flags.find("invalid") != std::string::npos || b.h < min_h) continue;
    photos.back().boxes.push_back(b);
  }
  return photos;
}

int BinOf(float h) {
  int bin = -1;
  for (int i = 0; i < kNumBins; ++i) {
    if (h >= kBins[i]) bin = i;
  }
  return bin;
}

std::string BinName(int i) {
  return i + 1 < kNumBins ? std::to_string(kBins[i]) + "-" +
                                std::to_string(kBins[i + 1] - 1) + " px"
                          : std::to_string(kBins[i]) + "+ px";
}

Face FaceOf(const Box& b) {
  Face f;
  f.box = b;
  f.has_keypoints = false;
  return f;
}

// The distance below which a share `q` of `d` lies (d sorted).
float Quantile(const std::vector<float>& d, double q) {
  if (d.empty()) return NAN;
  const size_t i = std::min(d.size() - 1, static_cast<size_t>(q * d.size()));
  return d[i];
}

struct Stats {
  std::vector<float> distances;  // sorted by Finish()
  int failed = 0;                // faces that could not be embedded
  void Finish() { std::sort(distances.begin(), distances.end()); }
  double ShareAtMost(float t) const {
    if (distances.empty()) return NAN;
    return static_cast<double>(
               std::upper_bound(distances.begin(), distances.end(), t) -
               distances.begin()) /
           distances.size();
  }
};

// The ways of comparing two faces that the tables set side by side.
enum class Compare {
  kPlain,       // one descriptor each
  kMirrorMean,  // each the mean of the face's and its mirror image's
  kNearest,     // the reference keeps both, the other face one: the nearer
};
constexpr Compare kCompares[] = {Compare::kPlain, Compare::kMirrorMean,
                                 Compare::kNearest};

const char* CompareName(Compare c) {
  switch (c) {
    case Compare::kPlain:
      return "one descriptor";
    case Compare::kMirrorMean:
      return "mean of face and mirror image";
    default:
      return "reference keeps face and mirror image, nearest of two";
  }
}

// The clarity a reference face must have, and the clarity a face compared
// with it must have (a lower second gate spares changed copies of a clear
// reference; the false keep says what it costs).
struct Gates {
  float reference = 0, other = 0;
};
constexpr Gates kGates[] = {{0, 0},        {0.6f, 0.6f},  {0.6f, 0.5f},
                            {0.6f, 0.45f}, {0.6f, 0.4f},  {0.55f, 0.45f},
                            {0.5f, 0.5f},  {0.45f, 0.45f}};

// One face's descriptors: plain, of its mirror image, and their mean
// (mirrored and mean only with the dlib chip).
struct Embedded {
  float h = 0;
  FaceEmbedding plain, mirrored, mean;
  float clarity_plain = 0, clarity_mean = 0;
};

// `id`: no clarity check, mirror_average on (the chip) or the face-api
// square (plain only).
Result<Embedded> EmbedViews(const Identifier& id, const cv::Mat& image,
                            const Box& b) {
  EmbedDetails details;
  Result<FaceEmbedding> e = id.EmbedWithDetails(image, FaceOf(b), &details);
  if (!e.ok()) return e.status();
  Embedded out;
  out.h = b.h;
  out.plain = details.plain;
  out.mirrored = details.mirrored;
  out.mean = *e;
  out.clarity_plain = id.Clarity(out.plain);
  out.clarity_mean = id.Clarity(out.mean);
  return out;
}

float ClarityOf(Compare c, const Embedded& f) {
  return c == Compare::kMirrorMean ? f.clarity_mean : f.clarity_plain;
}

// `ref` the reference, `other` the face compared with it.
float DistanceOf(Compare c, const Embedded& ref, const Embedded& other) {
  switch (c) {
    case Compare::kPlain:
      return FaceIdentifier::Distance(ref.plain, other.plain);
    case Compare::kMirrorMean:
      return FaceIdentifier::Distance(ref.mean, other.mean);
    default:
      return std::min(FaceIdentifier::Distance(ref.plain, other.plain),
                      FaceIdentifier::Distance(ref.mirrored, other.plain));
  }
}

// Each hand-labelled box replaced by the detector's box overlapping it most
// (IoU >= 0.3; boxes no detection overlaps are dropped): the boxes the
// product embeds.
std::vector<Box> DetectorBoxes(const Detector& detector, const cv::Mat& image,
                               const std::vector<Box>& labelled) {
  std::vector<Box> out;
  Result<std::vector<Face>> found = detector.Detect(image);
  if (!found.ok()) return out;
  std::vector<bool> used(found->size());
  for (const Box& b : labelled) {
    float best = 0.3f;
    int match = -1;
    for (size_t i = 0; i < found->size(); ++i) {
      const float iou = IoU(b, (*found)[i].box);
      if (!used[i] && iou >= best) {
        best = iou;
        match = static_cast<int>(i);
      }
    }
    if (match < 0) continue;
    used[match] = true;  // one person, one detection
    out.push_back((*found)[match].box);
  }
  return out;
}

// `id` must not check clarity: the tables apply each gate themselves.
// `detector` null: the hand-labelled boxes.
// The false keep over all faces >= 24 px (and by height), per comparison
// and gates: what the operating points of the true keep are chosen from.
struct FalseKeeps {
  std::map<std::pair<Compare, int>, std::vector<Stats>> by_gates;
};

// Photos where one person shows more than once, so the "every face a
// different person" rule does not hold (checked by eye):
// 19_Couple_Couple_19_836 is a collage of six frames of one TV scene with
// the same two people.
bool ShowsOnePersonTwice(const std::string& path) {
  return path.ends_with("/19_Couple_Couple_19_836.jpg");
}

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

// A copy of the part of `image` around `box` (three box sides across) and
// the box in it, so transforms cost little.
cv::Mat Around(const cv::Mat& image, const Box& box, Box* local) {
  const cv::Rect r =
      cv::Rect(static_cast<int>(box.x - box.w), static_cast<int>(box.y - box.h),
               static_cast<int>(3 * box.w), static_cast<int>(3 * box.h)) &
      cv::Rect(0, 0, image.cols, image.rows);
  *local = {box.x - r.x, box.y - r.y, box.w, box.h};
  return image(r).clone();
}

struct Sampled {
  std::string path;
  Box box;
};

// Every face of at least `min_h` px, then `n` of them spread evenly.
std::vector<Sampled> Sample(const std::vector<Photo>& photos, float min_h,
                            int n) {
  std::vector<Sampled> all;
  for (const Photo& p : photos) {
    for (const Box& b : p.boxes) {
      if (b.h >= min_h) all.push_back({p.path, b});
    }
  }
  if (n <= 0 || static_cast<int>(all.size()) <= n) return all;
  std::vector<Sampled> out;
  for (int i = 0; i < n; ++i) out.push_back(all[i * all.size() / n]);
  return out;
}

// `id` must not check clarity: the tables apply each gate themselves.
// The largest distance (on a 0.005 grid) at which at most `share` of `s`
// lies.
float DistanceForShare(const Stats& s, double share) {
  float t = 0;
  for (float c = 0.005f; c < 1.5f; c += 0.005f) {
    if (s.ShareAtMost(c) <= share) t = c;
  }
  return t;
}

// `fk` null: no operating points (the false keep was not measured).
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

// `raw` must not check clarity; `reference_gate` is the clarity the product
// asks of a reference, `gate` of a face compared with it.
void Irreversibility(const Identifier& raw, float reference_gate, float gate,
                     const std::vector<Sampled>& faces, const char* what) {
  const AnonymizeStyle styles[] = {
      AnonymizeStyle::kBlur, AnonymizeStyle::kPixelate, AnonymizeStyle::kSolid};
  const float strengths[] = {kMinStrength, 1.0f, 1.5f,
                             2.0f,         3.0f, kMaxStrength};
  std::printf(
      "## Irreversibility on %s: a face against itself hidden\n\n"
      "Faces whose original passes the reference's clarity gate %.2f; the "
      "hidden face's gate: %.2f. Default mask (box, "
      "scale %.1f). \"beyond\": hidden faces farther than the match "
      "distance %.2f from their original, by distance alone; \"unclear\": "
      "hidden faces the gate refuses; \"kept\": neither (would be left "
      "visible as their own person).\n\n",
      what, reference_gate, gate, kDefaultMaskScale, DefaultMatchDistance());
  std::printf(
      "| style | strength | faces | min distance | median | largest clarity "
      "| beyond | unclear | kept |\n|---|---|---|---|---|---|---|---|---|\n");
  std::map<std::string, cv::Mat> cache;
  for (AnonymizeStyle style : styles) {
    for (float strength : strengths) {
      Stats s;
      float clearest = 0;
      int n = 0, beyond = 0, unclear = 0, kept = 0;
      for (const Sampled& f : faces) {
        cv::Mat& full = cache[f.path];
        if (full.empty()) full = cv::imread(f.path, cv::IMREAD_COLOR);
        if (full.empty()) continue;
        Box box;
        cv::Mat image = Around(full, f.box, &box);
        Result<FaceEmbedding> ref = raw.Embed(image, FaceOf(box));
        if (!ref.ok() || raw.Clarity(*ref) < reference_gate) continue;
        AnonymizeOptions o;
        o.style = style;
        o.strength = strength;
        const Face face = FaceOf(box);
        if (!Anonymize(image, std::span<const Face>(&face, 1), o).ok()) {
          continue;
        }
        ++n;
        Result<FaceEmbedding> e = raw.Embed(image, face);
        if (!e.ok()) {
          ++unclear;
          ++beyond;
          continue;
        }
        const float d = FaceIdentifier::Distance(*ref, *e);
        const float c = raw.Clarity(*e);
        s.distances.push_back(d);
        clearest = std::max(clearest, c);
        if (d > DefaultMatchDistance()) ++beyond;
        if (c < gate) ++unclear;
        if (d <= DefaultMatchDistance() && c >= gate) ++kept;
      }
      s.Finish();
      std::printf(
          "| %s | %.1f | %d | %.3f | %.3f | %.3f | %.1f%% | %.1f%% | %d |\n",
          AnonymizeStyleName(style), strength, n,
          s.distances.empty() ? NAN : s.distances.front(),
          Quantile(s.distances, 0.5), clearest, 100.0 * beyond / std::max(1, n),
          100.0 * unclear / std::max(1, n), kept);
      std::fflush(stdout);
    }
  }
  std::printf("\n");
}

int Main(int argc, char** argv) {
  std::string wider, dlib;
  int sample = 300;
  float clarity = kDefaultMinClarity;
  float reference_clarity = kDefaultReferenceClarity;
  bool only_irreversibility = false;
  bool only_false_keep = false;
  bool only_true_keep = false;
  bool detector_boxes = false;
  bool faceapi_alignment = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--wider" && i + 1 < argc) {
      wider = argv[++i];
    } else if (a == "--dlib" && i + 1 < argc) {
      dlib = argv[++i];
    } else if (a == "--detector-boxes") {
      detector_boxes = true;
    } else if (a == "--only-false-keep") {
      only_false_keep = true;
    } else if (a == "--only-true-keep") {
      only_true_keep = true;
    } else if (a == "--only-irreversibility") {
      only_irreversibility = true;
    } else if (a == "--faceapi-alignment") {
      faceapi_alignment = true;
    } else if (a == "--clarity" && i + 1 < argc) {
      clarity = std::strtof(argv[++i], nullptr);
    } else if (a == "--reference-clarity" && i + 1 < argc) {
      reference_clarity = std::strtof(argv[++i], nullptr);
    } else if (a == "--sample" && i + 1 < argc) {
      sample = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: faceveil-identity-eval --wider DIR [--dlib DIR] "
                   "[--sample N] [--clarity G] [--reference-clarity G] "
                   "[--detector-boxes] "
                   "[--faceapi-alignment] "
                   "[--only-false-keep | --only-true-keep | "
                   "--only-irreversibility]\n");
      return 2;
    }
  }
  if (wider.empty()) {
    std::fprintf(stderr,
                 "error: --wider DIR (WIDER val with gt.tsv) is "
                 "needed\n");
    return 2;
  }
  IdentifierOptions options;
  options.min_face_px = 1;  // measure every size; bins say what is usable
  // No clarity check: the tables apply each gate themselves.
  EmbedSettings settings;
  settings.min_clarity = 0;
  std::vector<Compare> compares(std::begin(kCompares), std::end(kCompares));
  if (faceapi_alignment) {
    settings.alignment = Alignment::kFaceApi;
    settings.mirror_average = false;
    compares = {Compare::kPlain};
  }
  Result<std::unique_ptr<Identifier>> made = Identifier::Create(
      options, EmbeddedLandmarkModel(), EmbeddedRecognitionModel(), settings);
  if (!made.ok()) {
    std::fprintf(stderr, "error: %s\n", made.status().ToString().c_str());
    return 1;
  }
  const Identifier& raw = **made;
  const std::vector<Photo> photos = ReadGroundTruth(wider, kBins[0]);
  if (photos.empty()) {
    std::fprintf(stderr, "error: no faces in %s/gt.tsv\n", wider.c_str());
    return 1;
  }
  std::printf(
      "# faceveil identity measurements\n\nMatch distance now: %.2f; "
      "clarity gates for the irreversibility: reference %.2f, hidden face "
      "%.2f; alignment: %s\n\n",
      DefaultMatchDistance(), reference_clarity, clarity,
      faceapi_alignment ? "face-api's square" : "dlib's chip");
  std::unique_ptr<Detector> detector;
  if (detector_boxes) {
    DetectorOptions d;
    d.models = DetectorModels::kBlazeFace;  // the video default; photos add
                                            // the SSD, whose boxes differ
    Result<std::unique_ptr<Detector>> made = Detector::Create(d);
    if (!made.ok()) {
      std::fprintf(stderr, "error: %s\n", made.status().ToString().c_str());
      return 1;
    }
    detector = std::move(made).value();
  }
  if (only_true_keep) {
    TrueKeep(raw, Sample(photos, 40, sample), compares, nullptr);
    return 0;
  }
  if (!only_irreversibility) {
    const FalseKeeps fk = FalseKeep(raw, photos, detector.get(), compares);
    std::fflush(stdout);
    if (only_false_keep) return 0;
    TrueKeep(raw, Sample(photos, 40, sample), compares, &fk);
    std::fflush(stdout);
  }
  if (!dlib.empty()) {
    Irreversibility(raw, reference_clarity, clarity,
                    Sample(ReadGroundTruth(dlib, 0), 0, 0),
                    "dlib's group photos");
  }
  Irreversibility(raw, reference_clarity, clarity,
                  Sample(photos, 40, sample / 2), "WIDER val (faces >= 40 px)");
  return 0;
}

}  // namespace
}  // namespace faceveil::identify

int main(int argc, char** argv) { return faceveil::identify::Main(argc, argv); }
