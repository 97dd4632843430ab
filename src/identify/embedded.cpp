#include "identify/networks.h"

extern "C" {
extern const uint8_t faceveil_model_face_landmark_68[];
extern const uint8_t faceveil_model_face_landmark_68_end[];
extern const uint8_t faceveil_model_face_landmark_68_manifest[];
extern const uint8_t faceveil_model_face_landmark_68_manifest_end[];
extern const uint8_t faceveil_model_face_recognition[];
extern const uint8_t faceveil_model_face_recognition_end[];
extern const uint8_t faceveil_model_face_recognition_manifest[];
extern const uint8_t faceveil_model_face_recognition_manifest_end[];
}

namespace faceveil::identify {

ModelFiles EmbeddedLandmarkModel() {
  return {
      {reinterpret_cast<const char*>(faceveil_model_face_landmark_68_manifest),
       static_cast<size_t>(faceveil_model_face_landmark_68_manifest_end -
                           faceveil_model_face_landmark_68_manifest)},
      {faceveil_model_face_landmark_68, faceveil_model_face_landmark_68_end}};
}

ModelFiles EmbeddedRecognitionModel() {
  return {
      {reinterpret_cast<const char*>(faceveil_model_face_recognition_manifest),
       static_cast<size_t>(faceveil_model_face_recognition_manifest_end -
                           faceveil_model_face_recognition_manifest)},
      {faceveil_model_face_recognition, faceveil_model_face_recognition_end}};
}

}  // namespace faceveil::identify
