// faceveil-identity-eval: the measurements behind DefaultMatchDistance()
// (docs/IDENTITY.md), on evaluation data outside the repository.
//
//   faceveil-identity-eval --wider ../shared/data/wider_val
//       --dlib ../shared/data/dlib_faces [--sample 300] [--clarity G]
//   (one command line)
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
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "faceveil/detector.h"
#include "identify/identifier.h"
#include "passes.h"

namespace faceveil::identify::identity_eval {
namespace {

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
}  // namespace faceveil::identify::identity_eval

int main(int argc, char** argv) {
  return faceveil::identify::identity_eval::Main(argc, argv);
}
