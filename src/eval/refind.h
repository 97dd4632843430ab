// Whether anonymized faces can be found again. A photo goes through the real
// output path (Pipeline::Anonymize: detect, anonymize, encode); the output
// file is decoded and searched by other detectors (faceveil's own at other
// thresholds, say). A hidden face that a detector still finds still shows
// eyes, nose and mouth to it, and may to a face recognizer.
#ifndef FACEVEIL_SRC_EVAL_REFIND_H_
#define FACEVEIL_SRC_EVAL_REFIND_H_

#include <cstdint>
#include <span>
#include <vector>

#include "faceveil/detector.h"
#include "faceveil/face.h"
#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil::eval {

struct RefindResult {
  std::vector<Face> hidden;  // the faces the anonymizer found and hid
  // Per finder (in the order given): how many hidden faces it found again.
  std::vector<int> refound;
};

// A detection on the output re-finds a hidden face when its IoU with the
// face's box (the anonymizer's detection) is at least this. 0.3: a box that
// is off by a third still points a recognizer at the face.
inline constexpr float kRefindIou = 0.3f;

// Anonymizes the encoded photo `bytes` with `anonymizer`, decodes its output
// and runs each of `finders` (not owned, non-null) on it.
Result<RefindResult> CountRefound(const Pipeline& anonymizer,
                                  std::span<const Detector* const> finders,
                                  std::span<const uint8_t> bytes,
                                  float match_iou = kRefindIou);

// How many of `hidden` some box of `found` overlaps with IoU >= match_iou.
int CountMatched(const std::vector<Face>& hidden,
                 const std::vector<Face>& found, float match_iou);

}  // namespace faceveil::eval

#endif  // FACEVEIL_SRC_EVAL_REFIND_H_
