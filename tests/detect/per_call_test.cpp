// One Detector, many DetectOptions (issue 13): a call's own mode,
// threshold, minimum face and models give what a Detector built for them
// gives, and load no network the Detector already holds.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "detect/load_once.h"
#include "faceveil/detector.h"

namespace faceveil {
namespace {

cv::Mat LoadPhoto(const std::string& name) {
  cv::Mat m = cv::imread(std::string(FACEVEIL_TESTDATA_DIR) + "/" + name,
                         cv::IMREAD_COLOR);
  EXPECT_FALSE(m.empty()) << "missing " << name
                          << ": run scripts/fetch-testdata.sh";
  return m;
}

DetectOptions Options(DetectorModels models, DetectionMode mode,
                      std::optional<float> threshold = std::nullopt,
                      float min_face_px = 0) {
  DetectOptions o;
  o.models = models;
  o.mode = mode;
  o.score_threshold = threshold;
  o.min_face_px = min_face_px;
  return o;
}

void ExpectSameFaces(const std::vector<Face>& a, const std::vector<Face>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_FLOAT_EQ(a[i].box.x, b[i].box.x);
    EXPECT_FLOAT_EQ(a[i].box.y, b[i].box.y);
    EXPECT_FLOAT_EQ(a[i].box.w, b[i].box.w);
    EXPECT_FLOAT_EQ(a[i].score, b[i].score);
    EXPECT_EQ(a[i].has_keypoints, b[i].has_keypoints);
  }
}

TEST(PerCallOptionsTest, ACallGivesWhatADetectorBuiltForItGives) {
  const cv::Mat image = LoadPhoto("astronaut.png");
  ASSERT_FALSE(image.empty());
  DetectorOptions defaults;
  defaults.mode = DetectionMode::kFast;  // the ensemble's SSD at 640: cheap
  auto shared = Detector::Create(defaults);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  const std::vector<DetectOptions> calls = {
      Options(DetectorModels::kBlazeFace, DetectionMode::kSingle),
      Options(DetectorModels::kBlazeFace, DetectionMode::kFast, 0.3f),
      Options(DetectorModels::kBlazeFace, DetectionMode::kBalanced,
              std::nullopt, 40),
      Options(DetectorModels::kSsd, DetectionMode::kFast),
      Options(DetectorModels::kEnsemble, DetectionMode::kFast, 0.2f),
      Options(DetectorModels::kCrowdNet, DetectionMode::kSingle),
  };
  int with_faces = 0;
  for (const DetectOptions& call : calls) {
    SCOPED_TRACE(std::string(DetectorModelsName(call.models)) + " " +
                 DetectionModeName(call.mode));
    DetectorOptions own;
    static_cast<DetectOptions&>(own) = call;
    auto dedicated = Detector::Create(own);
    ASSERT_TRUE(dedicated.ok()) << dedicated.status().ToString();
    auto expected = (*dedicated)->Detect(image);
    auto got = (*shared)->Detect(image, call);
    ASSERT_TRUE(expected.ok() && got.ok());
    ExpectSameFaces(*got, *expected);
    with_faces += got->empty() ? 0 : 1;
  }
  EXPECT_EQ(with_faces, static_cast<int>(calls.size()));
  // The defaults stay those given to Create().
  auto again = (*shared)->Detect(image);
  auto as_call = (*shared)->Detect(image, defaults);
  ASSERT_TRUE(again.ok() && as_call.ok());
  ExpectSameFaces(*again, *as_call);
  // A threshold no face reaches finds none, on the same detector.
  auto none = (*shared)->Detect(
      image, Options(DetectorModels::kBlazeFace, DetectionMode::kFast, 1.0f));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(PerCallOptionsTest, NetworksAreLoadedOnceAndOnlyWhenNeeded) {
  const cv::Mat image = LoadPhoto("messi5.jpg");
  ASSERT_FALSE(image.empty());
  const int64_t before = NetworkLoads();
  DetectorOptions blazeface;
  blazeface.models = DetectorModels::kBlazeFace;
  auto detector = Detector::Create(blazeface);
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  EXPECT_EQ(NetworkLoads() - before, 1);  // BlazeFace only
  for (DetectionMode mode : {DetectionMode::kSingle, DetectionMode::kFast,
                             DetectionMode::kBalanced}) {
    for (std::optional<float> threshold : {std::optional<float>(), {0.3f}}) {
      ASSERT_TRUE((*detector)
                      ->Detect(image, Options(DetectorModels::kBlazeFace, mode,
                                              threshold))
                      .ok());
    }
  }
  EXPECT_EQ(NetworkLoads() - before, 1);
  // The SSD is loaded by the first call that runs it, once.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(
        (*detector)
            ->Detect(image, Options(DetectorModels::kSsd, DetectionMode::kFast))
            .ok());
    EXPECT_EQ(NetworkLoads() - before, 2);
  }
  // A fast ensemble is CrowdNet + the SSD: CrowdNet and its verifier come
  // in once.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE((*detector)
                    ->Detect(image, Options(DetectorModels::kEnsemble,
                                            DetectionMode::kFast))
                    .ok());
    EXPECT_EQ(NetworkLoads() - before, 4);
  }
  // A balanced ensemble runs all three, already loaded, and asks the
  // verifier's other two networks too (the careful modes ask all three),
  // each loaded once.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE((*detector)
                    ->Detect(image, Options(DetectorModels::kEnsemble,
                                            DetectionMode::kBalanced))
                    .ok());
    EXPECT_EQ(NetworkLoads() - before, 6);
  }
  // CrowdNet without its verifier does not load the verifier.
  DetectorOptions bare;
  bare.models = DetectorModels::kCrowdNet;
  bare.crowdnet_verifier = false;
  const int64_t start = NetworkLoads();
  auto crowdnet = Detector::Create(bare);
  ASSERT_TRUE(crowdnet.ok()) << crowdnet.status().ToString();
  ASSERT_TRUE((*crowdnet)->Detect(image).ok());
  EXPECT_EQ(NetworkLoads() - start, 1);
}

TEST(PerCallOptionsTest, BadCallOptionsAreRefused) {
  const cv::Mat image = LoadPhoto("messi5.jpg");
  ASSERT_FALSE(image.empty());
  DetectorOptions blazeface;
  blazeface.models = DetectorModels::kBlazeFace;
  auto detector = Detector::Create(blazeface);
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  DetectOptions bad = blazeface;
  bad.score_threshold = 2;
  EXPECT_EQ((*detector)->Detect(image, bad).status().code(),
            Status::Code::kInvalidArgument);
  bad = blazeface;
  bad.tuning = "no-such-key=1";
  EXPECT_EQ((*detector)->Detect(image, bad).status().code(),
            Status::Code::kInvalidArgument);
  bad.tuning = "edges=1";
  bad.models = DetectorModels::kSsd;  // no BlazeFace to tune
  EXPECT_EQ((*detector)->Detect(image, bad).status().code(),
            Status::Code::kInvalidArgument);
  // A bad tuning among the defaults fails Create(), not the first call.
  blazeface.tuning = "no-such-key=1";
  EXPECT_EQ(Detector::Create(blazeface).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace faceveil
