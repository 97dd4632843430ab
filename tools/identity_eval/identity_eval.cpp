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

struct Embedded {
  float h = 0;
  float clarity = 0;
  FaceEmbedding e;
};

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
void FalseKeep(const Identifier& id, const std::vector<Photo>& photos,
               const Detector* detector) {
  std::vector<std::vector<Embedded>> per_photo;
  std::vector<int> faces_in_bin(kNumBins);
  int embedded = 0, failed = 0;
  double seconds = 0;
  for (const Photo& p : photos) {
    if (p.boxes.size() < 2) continue;
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
      Result<FaceEmbedding> e = id.Embed(image, FaceOf(b));
      seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
              .count();
      if (!e.ok()) {
        ++failed;
        continue;
      }
      ++embedded;
      faces.push_back({b.h, id.Clarity(*e), *e});
      if (std::getenv("FACEVEIL_EVAL_SHOW_CLOSE") != nullptr) {
        for (size_t i = 0; i + 1 < faces.size(); ++i) {
          const float d = FaceIdentifier::Distance(faces[i].e, faces.back().e);
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
  const float gates[] = {0.0f, 0.5f, 0.55f, 0.6f, 0.65f, 0.7f};
  for (float gate : gates) {
    std::vector<Stats> bins(kNumBins + 1);  // the last: all >= 24 px
    std::vector<int> total(kNumBins + 1), clear(kNumBins + 1);
    for (const std::vector<Embedded>& faces : per_photo) {
      for (const Embedded& f : faces) {
        for (int b : {BinOf(f.h), f.h >= 24 ? kNumBins : -1}) {
          if (b < 0) continue;
          ++total[b];
          if (f.clarity >= gate) ++clear[b];
        }
      }
      for (size_t i = 0; i < faces.size(); ++i) {
        if (faces[i].clarity < gate) continue;
        for (size_t j = i + 1; j < faces.size(); ++j) {
          if (faces[j].clarity < gate) continue;
          const float h = std::min(faces[i].h, faces[j].h);
          const float d = FaceIdentifier::Distance(faces[i].e, faces[j].e);
          // Detector boxes may be shorter than the smallest bin.
          if (BinOf(h) >= 0) bins[BinOf(h)].distances.push_back(d);
          if (h >= 24) bins[kNumBins].distances.push_back(d);
        }
      }
    }
    std::printf(
        "### Clarity gate %.2f (faces closer than this to a featureless "
        "face are not embedded)\n\n",
        gate);
    std::printf("| height | faces clear | pairs | 0.1%% quantile | min |");
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
  }
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

void TrueKeep(const Identifier& id, const std::vector<Sampled>& faces) {
  const char* names[] = {"flipped",        "0.5x",      "2x",
                         "blur sigma 1.5", "JPEG q 50", "brightened +40",
                         "darkened x0.6"};
  constexpr int kTransforms = 7;
  std::vector<Stats> stats(kTransforms);
  for (const Sampled& s : faces) {
    const cv::Mat full = cv::imread(s.path, cv::IMREAD_COLOR);
    if (full.empty()) continue;
    Box box;
    const cv::Mat image = Around(full, s.box, &box);
    Result<FaceEmbedding> ref = id.Embed(image, FaceOf(box));
    if (!ref.ok()) continue;
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
      Result<FaceEmbedding> e = id.Embed(m, FaceOf(b));
      if (!e.ok()) {
        ++stats[t].failed;
        continue;
      }
      stats[t].distances.push_back(FaceIdentifier::Distance(*ref, *e));
    }
  }
  std::printf(
      "## True keep (the same face changed; WIDER faces >= 40 px)\n\n"
      "Cells: share of faces at or under the distance (a face that could "
      "not be embedded counts as not kept).\n\n");
  std::printf("| change | faces | median |");
  for (float t : kThresholds) std::printf(" <= %.2f |", t);
  std::printf("\n|---|---|---|");
  for (size_t i = 0; i < std::size(kThresholds); ++i) std::printf("---|");
  std::printf("\n");
  for (int t = 0; t < kTransforms; ++t) {
    Stats& s = stats[t];
    s.Finish();
    const double n = s.distances.size() + s.failed;
    std::printf("| %s | %.0f | %.3f |", names[t], n,
                Quantile(s.distances, 0.5));
    for (float th : kThresholds) {
      std::printf(" %.1f%% |",
                  100 * s.ShareAtMost(th) * s.distances.size() / n);
    }
    std::printf("\n");
  }
  std::printf("\n");
}

// `raw` must not check clarity; `gate` is the clarity the product checks.
void Irreversibility(const Identifier& raw, float gate,
                     const std::vector<Sampled>& faces, const char* what) {
  const AnonymizeStyle styles[] = {
      AnonymizeStyle::kBlur, AnonymizeStyle::kPixelate, AnonymizeStyle::kSolid};
  const float strengths[] = {kMinStrength, 1.0f, 1.5f,
                             2.0f,         3.0f, kMaxStrength};
  std::printf(
      "## Irreversibility on %s: a face against itself hidden\n\n"
      "Faces whose original passes the clarity gate %.2f. Default mask (box, "
      "scale %.1f). \"beyond\": hidden faces farther than the match "
      "distance %.2f from their original, by distance alone; \"unclear\": "
      "hidden faces the gate refuses; \"kept\": neither (would be left "
      "visible as their own person).\n\n",
      what, gate, kDefaultMaskScale, DefaultMatchDistance());
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
        if (!ref.ok() || raw.Clarity(*ref) < gate) continue;
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
  bool only_irreversibility = false;
  bool only_false_keep = false;
  bool detector_boxes = false;
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
    } else if (a == "--only-irreversibility") {
      only_irreversibility = true;
    } else if (a == "--clarity" && i + 1 < argc) {
      clarity = std::strtof(argv[++i], nullptr);
    } else if (a == "--sample" && i + 1 < argc) {
      sample = std::atoi(argv[++i]);
    } else {
      std::fprintf(
          stderr,
          "usage: faceveil-identity-eval --wider DIR [--dlib DIR] "
          "[--sample N] [--clarity G] [--detector-boxes] [--only-false-keep | "
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
  Result<std::unique_ptr<Identifier>> raw = Identifier::Create(
      options, EmbeddedLandmarkModel(), EmbeddedRecognitionModel(), 0);
  Result<std::unique_ptr<Identifier>> id = Identifier::Create(
      options, EmbeddedLandmarkModel(), EmbeddedRecognitionModel(), clarity);
  if (!raw.ok() || !id.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 (raw.ok() ? id : raw).status().ToString().c_str());
    return 1;
  }
  const std::vector<Photo> photos = ReadGroundTruth(wider, kBins[0]);
  if (photos.empty()) {
    std::fprintf(stderr, "error: no faces in %s/gt.tsv\n", wider.c_str());
    return 1;
  }
  std::printf(
      "# faceveil identity measurements\n\nMatch distance now: %.2f; "
      "clarity gate for the true keep and irreversibility: %.2f\n\n",
      DefaultMatchDistance(), clarity);
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
  if (!only_irreversibility) {
    FalseKeep(**raw, photos, detector.get());
    std::fflush(stdout);
    if (only_false_keep) return 0;
    TrueKeep(**id, Sample(photos, 40, sample));
    std::fflush(stdout);
  }
  if (!dlib.empty()) {
    Irreversibility(**raw, clarity, Sample(ReadGroundTruth(dlib, 0), 0, 0),
                    "dlib's group photos");
  }
  Irreversibility(**raw, clarity, Sample(photos, 40, sample / 2),
                  "WIDER val (faces >= 40 px)");
  return 0;
}

}  // namespace
}  // namespace faceveil::identify

int main(int argc, char** argv) { return faceveil::identify::Main(argc, argv); }
