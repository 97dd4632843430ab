// Shared by the identify tests: the identifier loaded once per test binary,
// the test photos and the faces in them.
#ifndef FACEVEIL_TESTS_IDENTIFY_IDENTIFY_TEST_UTIL_H_
#define FACEVEIL_TESTS_IDENTIFY_IDENTIFY_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "faceveil/detector.h"
#include "identify/identifier.h"

namespace faceveil::identify::testing {

// The embedded models, loaded once.
inline const Identifier& SharedIdentifier() {
  static const std::unique_ptr<Identifier> id = [] {
    auto r = Identifier::Create({}, EmbeddedLandmarkModel(),
                                EmbeddedRecognitionModel());
    return r.ok() ? std::move(r).value() : nullptr;
  }();
  return *id;
}

// face-api's own chain (its axis-aligned square, one descriptor), as the
// oracle test compares it; loaded once.
inline const Identifier& FaceApiIdentifier() {
  static const std::unique_ptr<Identifier> id = [] {
    EmbedSettings s;
    s.alignment = Alignment::kFaceApi;
    s.mirror_average = false;
    auto r = Identifier::Create({}, EmbeddedLandmarkModel(),
                                EmbeddedRecognitionModel(), s);
    return r.ok() ? std::move(r).value() : nullptr;
  }();
  return *id;
}

// The largest face BlazeFace finds in `image` (kSingle: one pass), or a
// zero-sized face when none.
inline Face LargestFace(const cv::Mat& image) {
  DetectorOptions o;
  o.mode = DetectionMode::kSingle;
  o.models = DetectorModels::kBlazeFace;
  static const std::unique_ptr<Detector> detector = [&] {
    auto d = Detector::Create(o);
    return d.ok() ? std::move(d).value() : nullptr;
  }();
  Face best;
  best.box = {0, 0, 0, 0};
  if (detector == nullptr) return best;
  auto faces = detector->Detect(image);
  if (!faces.ok()) return best;
  for (const Face& f : *faces) {
    if (f.box.area() > best.box.area()) best = f;
  }
  return best;
}

// ../shared/data/dlib_faces: its photos and hand-labelled boxes (gt.tsv),
// or an empty list when ../shared is absent.
struct LabelledPhoto {
  std::string path;
  std::vector<Box> boxes;
};
inline std::vector<LabelledPhoto> DlibFaces() {
  const std::string dir = std::string(FACEVEIL_SHARED_DIR) + "/data/dlib_faces";
  std::ifstream in(dir + "/gt.tsv");
  std::vector<LabelledPhoto> photos;
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string file;
    Box b;
    if (!(f >> file >> b.x >> b.y >> b.w >> b.h)) continue;
    if (photos.empty() || photos.back().path != dir + "/" + file) {
      photos.push_back({dir + "/" + file, {}});
    }
    photos.back().boxes.push_back(b);
  }
  return photos;
}

inline Face FaceAt(const Box& b) {
  Face f;
  f.box = b;
  f.has_keypoints = false;
  return f;
}

}  // namespace faceveil::identify::testing

#endif  // FACEVEIL_TESTS_IDENTIFY_IDENTIFY_TEST_UTIL_H_
