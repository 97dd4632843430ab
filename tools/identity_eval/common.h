// What the passes of faceveil-identity-eval share: the ground truth, the
// height bins and distance tables, the ways of comparing two faces and the
// clarity gates, and embedding one face.
#ifndef FACEVEIL_TOOLS_IDENTITY_EVAL_COMMON_H_
#define FACEVEIL_TOOLS_IDENTITY_EVAL_COMMON_H_

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "faceveil/detector.h"
#include "identify/identifier.h"

namespace faceveil::identify::identity_eval {

inline constexpr float kThresholds[] = {0.30f, 0.35f, 0.38f, 0.40f, 0.42f,
                                        0.45f, 0.50f, 0.55f, 0.60f};
// Face height bins (pixels, lower bounds).
inline constexpr int kBins[] = {16, 24, 32, 40, 64, 100};
inline constexpr int kNumBins = sizeof(kBins) / sizeof(kBins[0]);

struct Photo {
  std::string path;
  std::vector<Box> boxes;
};

// gt.tsv: path x y w h flags; faces flagged "invalid" and shorter than
// `min_h` are left out.
std::vector<Photo> ReadGroundTruth(const std::string& dir, float min_h);

int BinOf(float h);

std::string BinName(int i);

Face FaceOf(const Box& b);

// The distance below which a share `q` of `d` lies (d sorted).
float Quantile(const std::vector<float>& d, double q);

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
inline constexpr Compare kCompares[] = {Compare::kPlain, Compare::kMirrorMean,
                                        Compare::kNearest};

const char* CompareName(Compare c);

// The clarity a reference face must have, and the clarity a face compared
// with it must have (a lower second gate spares changed copies of a clear
// reference; the false keep says what it costs).
struct Gates {
  float reference = 0, other = 0;
};
inline constexpr Gates kGates[] = {{0, 0},        {0.6f, 0.6f},  {0.6f, 0.5f},
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
                            const Box& b);

float ClarityOf(Compare c, const Embedded& f);

// `ref` the reference, `other` the face compared with it.
float DistanceOf(Compare c, const Embedded& ref, const Embedded& other);

// Each hand-labelled box replaced by the detector's box overlapping it most
// (IoU >= 0.3; boxes no detection overlaps are dropped): the boxes the
// product embeds.
std::vector<Box> DetectorBoxes(const Detector& detector, const cv::Mat& image,
                               const std::vector<Box>& labelled);

// A copy of the part of `image` around `box` (three box sides across) and
// the box in it, so transforms cost little.
cv::Mat Around(const cv::Mat& image, const Box& box, Box* local);

struct Sampled {
  std::string path;
  Box box;
};

// Every face of at least `min_h` px, then `n` of them spread evenly.
std::vector<Sampled> Sample(const std::vector<Photo>& photos, float min_h,
                            int n);

}  // namespace faceveil::identify::identity_eval

#endif  // FACEVEIL_TOOLS_IDENTITY_EVAL_COMMON_H_
