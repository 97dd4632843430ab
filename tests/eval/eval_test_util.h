// Hand-made ground truth and detections for the evaluation tests.
#ifndef FACEVEIL_TESTS_EVAL_EVAL_TEST_UTIL_H_
#define FACEVEIL_TESTS_EVAL_EVAL_TEST_UTIL_H_

#include <string>
#include <vector>

#include "faceveil/eval.h"

namespace faceveil::eval::testing {

inline GtFace MakeFace(float x, float y, float w, float h,
                       Difficulty difficulty = Difficulty::kEasy) {
  GtFace face;
  face.box = Box{x, y, w, h};
  face.difficulty = difficulty;
  return face;
}

inline Face MakeDetection(float x, float y, float w, float h, float score) {
  Face face;
  face.box = Box{x, y, w, h};
  face.score = score;
  return face;
}

inline ImageDetections MakeImage(std::vector<Face> faces) {
  ImageDetections image;
  image.faces = std::move(faces);
  return image;
}

}  // namespace faceveil::eval::testing

#endif  // FACEVEIL_TESTS_EVAL_EVAL_TEST_UTIL_H_
