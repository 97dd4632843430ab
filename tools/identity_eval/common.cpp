#include "common.h"

#include <fstream>
#include <sstream>

namespace faceveil::identify::identity_eval {

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

float Quantile(const std::vector<float>& d, double q) {
  if (d.empty()) return NAN;
  const size_t i = std::min(d.size() - 1, static_cast<size_t>(q * d.size()));
  return d[i];
}

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

cv::Mat Around(const cv::Mat& image, const Box& box, Box* local) {
  const cv::Rect r =
      cv::Rect(static_cast<int>(box.x - box.w), static_cast<int>(box.y - box.h),
               static_cast<int>(3 * box.w), static_cast<int>(3 * box.h)) &
      cv::Rect(0, 0, image.cols, image.rows);
  *local = {box.x - r.x, box.y - r.y, box.w, box.h};
  return image(r).clone();
}

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

}  // namespace faceveil::identify::identity_eval
