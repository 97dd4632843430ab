// The Detector end to end on real photos, through our TFLite reader. The
// expected boxes were read off the photos by eye (face from brows/forehead
// to chin, cheek to cheek), not taken from our output; BlazeFace's square
// boxes differ from such boxes, hence the IoU tolerances.
#include "faceveil/detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <thread>

#include "base/nms.h"
#include "detect/blazeface.h"
#include "detect/embedded_models.h"
#include "detect/ensemble.h"
#include "detect/mirror.h"
#include "detect/presets.h"
#include "faceveil/report.h"
#include "golden_test_util.h"
#include "tflite/model.h"

namespace faceveil {
namespace {

const std::string kTestData = FACEVEIL_TESTDATA_DIR;
const std::string kModels = FACEVEIL_MODEL_DIR;

// astronaut.png (512x512): Eileen Collins' face and her eyes.
constexpr Box kAstronautFace{178, 70, 87, 110};
constexpr Point kAstronautRightEye{203, 101};  // the subject's right
constexpr Point kAstronautLeftEye{247, 101};
// messi5.jpg (548x342): the player's face.
constexpr Box kMessiFace{226, 94, 32, 36};

cv::Mat Load(const std::string& name) {
  cv::Mat m = cv::imread(kTestData + "/" + name, cv::IMREAD_COLOR);
  EXPECT_FALSE(m.empty()) << "missing " << name
                          << ": run scripts/fetch-testdata.sh";
  return m;
}

// BlazeFace alone: these tests are about its models.
std::unique_ptr<Detector> MakeDetector(ModelKind kind) {
  DetectorOptions o;
  o.model = kind;
  o.models = DetectorModels::kBlazeFace;
  o.score_threshold = DefaultScoreThreshold(o.mode, o.models);
  Result<std::unique_ptr<Detector>> d = Detector::Create(o);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? std::move(d).value() : nullptr;
}

float Distance(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

class DetectorModelTest : public ::testing::TestWithParam<ModelKind> {};

TEST_P(DetectorModelTest, AstronautHasOneFaceWhereWeSawIt) {
  const cv::Mat image = Load("astronaut.png");
  auto detector = MakeDetector(GetParam());
  ASSERT_NE(detector, nullptr);
  Result<std::vector<Face>> faces = detector->Detect(image);
  ASSERT_TRUE(faces.ok()) << faces.status().ToString();
  ASSERT_EQ(faces->size(), 1u);
  const Face& f = (*faces)[0];
  EXPECT_GT(f.score, 0.8f);
  EXPECT_GE(IoU(f.box, kAstronautFace), 0.6f);
  const auto& kp = f.keypoints;
  EXPECT_LT(
      Distance(kp[static_cast<int>(Keypoint::kRightEye)], kAstronautRightEye),
      12);
  EXPECT_LT(
      Distance(kp[static_cast<int>(Keypoint::kLeftEye)], kAstronautLeftEye),
      12);
}

TEST_P(DetectorModelTest, GrayAndBgraInputsWork) {
  const cv::Mat bgr = Load("astronaut.png");
  cv::Mat gray, bgra;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
  auto detector = MakeDetector(GetParam());
  ASSERT_NE(detector, nullptr);
  for (const cv::Mat& image : {gray, bgra}) {
    Result<std::vector<Face>> faces = detector->Detect(image);
    ASSERT_TRUE(faces.ok()) << faces.status().ToString();
    ASSERT_GE(faces->size(), 1u) << image.channels() << " channels";
    EXPECT_GE(IoU((*faces)[0].box, kAstronautFace), 0.6f);
  }
}

TEST_P(DetectorModelTest, BoxesMapBackThroughTheLetterbox) {
  // The astronaut's head pasted off-centre into a wide grey frame and a
  // tall one: the face must be found at the paste offset. (Frames small
  // enough for the face to stay in every model's range.)
  const cv::Rect head(150, 40, 150, 160);
  const cv::Mat face = Load("astronaut.png")(head);
  for (const auto& [size, offset] :
       {std::pair{cv::Size(480, 240), cv::Point(300, 50)},
        std::pair{cv::Size(240, 480), cv::Point(60, 300)}}) {
    cv::Mat frame(size, CV_8UC3, cv::Scalar(128, 128, 128));
    face.copyTo(frame(cv::Rect(offset, face.size())));
    auto detector = MakeDetector(GetParam());
    ASSERT_NE(detector, nullptr);
    Result<std::vector<Face>> faces = detector->Detect(frame);
    ASSERT_TRUE(faces.ok());
    ASSERT_GE(faces->size(), 1u) << size;
    Box want = kAstronautFace;
    want.x += offset.x - head.x;
    want.y += offset.y - head.y;
    EXPECT_GE(IoU((*faces)[0].box, want), 0.6f) << size;
  }
}

INSTANTIATE_TEST_SUITE_P(AllModels, DetectorModelTest,
                         ::testing::Values(ModelKind::kShortRange,
                                           ModelKind::kFullRange,
                                           ModelKind::kFullRangeSparse),
                         [](const auto& info) {
                           std::string n = ModelKindName(info.param);
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(DetectorTest, MessiIsTheBestFaceForFullRangeModels) {
  const cv::Mat image = Load("messi5.jpg");
  for (ModelKind kind : {ModelKind::kFullRange, ModelKind::kFullRangeSparse}) {
    auto detector = MakeDetector(kind);
    ASSERT_NE(detector, nullptr);
    Result<std::vector<Face>> faces = detector->Detect(image);
    ASSERT_TRUE(faces.ok());
    ASSERT_GE(faces->size(), 1u) << ModelKindName(kind);
    EXPECT_GE(IoU((*faces)[0].box, kMessiFace), 0.5f) << ModelKindName(kind);
  }
}

TEST(DetectorTest, ConcurrentCallsGiveIdenticalResults) {
  auto detector = MakeDetector(ModelKind::kShortRange);
  ASSERT_NE(detector, nullptr);
  const cv::Mat images[] = {Load("astronaut.png"), Load("messi5.jpg")};
  std::vector<Face> reference[2];
  for (int i = 0; i < 2; ++i) reference[i] = *detector->Detect(images[i]);
  ASSERT_EQ(reference[0].size(), 1u);

  constexpr int kThreads = 8;
  constexpr int kCalls = 6;
  std::vector<std::vector<std::vector<Face>>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int c = 0; c < kCalls; ++c) {
        Result<std::vector<Face>> r = detector->Detect(images[(t + c) % 2]);
        got[t].push_back(r.ok() ? *r : std::vector<Face>{});
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    for (int c = 0; c < kCalls; ++c) {
      const std::vector<Face>& want = reference[(t + c) % 2];
      ASSERT_EQ(got[t][c].size(), want.size()) << t << "/" << c;
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_FLOAT_EQ(got[t][c][i].score, want[i].score);
        EXPECT_FLOAT_EQ(got[t][c][i].box.x, want[i].box.x);
        EXPECT_FLOAT_EQ(got[t][c][i].box.y, want[i].box.y);
        EXPECT_FLOAT_EQ(got[t][c][i].box.w, want[i].box.w);
        EXPECT_FLOAT_EQ(got[t][c][i].keypoints[2].x, want[i].keypoints[2].x);
      }
    }
  }
}

TEST(DetectorTest, ModelFileMustMatchTheKind) {
  DetectorOptions o;
  o.model = ModelKind::kShortRange;
  o.model_file = kModels + "/full_range.tflite";
  Result<std::unique_ptr<Detector>> wrong = Detector::Create(o);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Status::Code::kInvalidArgument);
  const std::string& msg = wrong.status().message();
  EXPECT_NE(msg.find("expected a short"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[1,128,128,3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("found input [1,192,192,3]"), std::string::npos) << msg;

  o.model_file = kModels + "/short_range.tflite";
  Result<std::unique_ptr<Detector>> right = Detector::Create(o);
  ASSERT_TRUE(right.ok()) << right.status().ToString();
  EXPECT_EQ((*right)->Detect(Load("astronaut.png"))->size(), 1u);

  o.model_file = kModels + "/does_not_exist.tflite";
  EXPECT_FALSE(Detector::Create(o).ok());
}

TEST(DetectorTest, GarbageModelFileIsAnError) {
  const std::string path = ::testing::TempDir() + "/garbage.tflite";
  std::ofstream(path) << "this is not a flatbuffer, just text";
  DetectorOptions o;
  o.model_file = path;
  Result<std::unique_ptr<Detector>> d = Detector::Create(o);
  EXPECT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find(path), std::string::npos);
  std::filesystem::remove(path);
}

TEST(DetectorTest, BadOptionsAndImagesAreRefused) {
  DetectorOptions o;
  o.score_threshold = 1.5f;
  EXPECT_EQ(Detector::Create(o).status().code(),
            Status::Code::kInvalidArgument);
  o.score_threshold = 0.5f;
  o.nms_iou_threshold = -0.1f;
  EXPECT_EQ(Detector::Create(o).status().code(),
            Status::Code::kInvalidArgument);

  auto detector = MakeDetector(ModelKind::kShortRange);
  ASSERT_NE(detector, nullptr);
  EXPECT_EQ(detector->Detect(cv::Mat()).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(detector->Detect(cv::Mat(10, 10, CV_32FC3)).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(detector->Detect(cv::Mat(10, 10, CV_8UC2)).status().code(),
            Status::Code::kInvalidArgument);
  // A 1x1 image is valid and simply has no face.
  Result<std::vector<Face>> tiny = detector->Detect(cv::Mat(1, 1, CV_8UC3));
  ASSERT_TRUE(tiny.ok());
  EXPECT_TRUE(tiny->empty());
}

TEST(DetectorTest, ModelKindNamesRoundTrip) {
  for (ModelKind k : {ModelKind::kShortRange, ModelKind::kFullRange,
                      ModelKind::kFullRangeSparse}) {
    Result<ModelKind> parsed = ParseModelKind(ModelKindName(k));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, k);
  }
  EXPECT_STREQ(ModelKindName(ModelKind::kFullRangeSparse), "full-sparse");
  EXPECT_FALSE(ParseModelKind("medium").ok());
  EXPECT_EQ(DetectorOptions{}.model, ModelKind::kFullRange);
}

// MediaPipe's expected output, through our TFLite reader and MediaPipe's
// resampling (the product uses half-pixel centres; see detector.cpp).
// The ensemble keeps every face BlazeFace alone finds at the same
// threshold: merging only adds SSD faces and raises group scores (the
// BlazeFace calibration offset is 0).
std::vector<Face> DetectWith(DetectorModels models, const cv::Mat& image,
                             float threshold) {
  DetectorOptions o;
  o.models = models;
  o.score_threshold = threshold;
  Result<std::unique_ptr<Detector>> d = Detector::Create(o);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  if (!d.ok()) return {};
  Result<std::vector<Face>> faces = (*d)->Detect(image);
  EXPECT_TRUE(faces.ok()) << faces.status().ToString();
  return faces.ok() ? *faces : std::vector<Face>();
}

bool Covered(const Face& face, const std::vector<Face>& by) {
  for (const Face& f : by) {
    if (IoU(face.box, f.box) >= 0.3f) return true;
  }
  return false;
}

class EnsembleDetectorTest : public ::testing::TestWithParam<const char*> {};

TEST_P(EnsembleDetectorTest, FindsAtLeastWhatBlazeFaceFinds) {
  const cv::Mat image = Load(GetParam());
  ASSERT_FALSE(image.empty());
  const float threshold = DefaultScoreThreshold(DetectionMode::kBalanced,
                                                DetectorModels::kBlazeFace);
  const std::vector<Face> alone =
      DetectWith(DetectorModels::kBlazeFace, image, threshold);
  const std::vector<Face> both =
      DetectWith(DetectorModels::kEnsemble, image, threshold);
  // Not a count: one SSD box may gather two overlapping BlazeFace boxes of
  // one face into a single group.
  ASSERT_FALSE(alone.empty());
  for (const Face& f : alone) {
    EXPECT_TRUE(Covered(f, both)) << "BlazeFace face at " << f.box.x << ","
                                  << f.box.y << " lost by the ensemble";
  }
  // The best face is seen by both models, so it keeps BlazeFace keypoints.
  ASSERT_FALSE(both.empty());
  EXPECT_TRUE(both[0].has_keypoints);
}

INSTANTIATE_TEST_SUITE_P(Photos, EnsembleDetectorTest,
                         ::testing::Values("messi5.jpg", "astronaut.png"));

TEST(EnsembleDetectorTest, SsdAloneFindsTheAstronautWithoutKeypoints) {
  const cv::Mat image = Load("astronaut.png");
  ASSERT_FALSE(image.empty());
  const std::vector<Face> faces = DetectWith(
      DetectorModels::kSsd, image,
      DefaultScoreThreshold(DetectionMode::kBalanced, DetectorModels::kSsd));
  ASSERT_FALSE(faces.empty());
  EXPECT_GT(IoU(faces[0].box, kAstronautFace), 0.5f);
  for (const Face& f : faces) EXPECT_FALSE(f.has_keypoints);
  // The report leaves out keypoints a face does not have.
  const std::string json = FacesToJson(faces);
  EXPECT_EQ(json.find("keypoints"), std::string::npos) << json;
  EXPECT_NE(json.find("\"box\""), std::string::npos) << json;
  Result<std::vector<Face>> back = FacesFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), faces.size());
  EXPECT_FALSE((*back)[0].has_keypoints);
}

TEST(EnsembleDetectorTest, BlazeFaceFacesKeepKeypointsInTheReport) {
  const cv::Mat image = Load("astronaut.png");
  ASSERT_FALSE(image.empty());
  const std::vector<Face> faces =
      DetectWith(DetectorModels::kBlazeFace, image,
                 DefaultScoreThreshold(DetectionMode::kBalanced,
                                       DetectorModels::kBlazeFace));
  ASSERT_FALSE(faces.empty());
  EXPECT_TRUE(faces[0].has_keypoints);
  const std::string json = FacesToJson(faces);
  EXPECT_NE(json.find("\"keypoints\""), std::string::npos) << json;
  Result<std::vector<Face>> back = FacesFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE((*back)[0].has_keypoints);
}

// Each model of `preset` alone at `threshold` (as `faceveil eval
// --save-detections` saves them), in the merge's member order.
std::vector<std::vector<Face>> MembersAlone(const Detector& detector,
                                            const cv::Mat& image,
                                            const EnsemblePreset& preset,
                                            float threshold) {
  std::vector<std::vector<Face>> out;
  DetectOptions alone;
  alone.score_threshold = threshold;
  const auto run = [&](DetectorModels models, DetectionMode mode) {
    alone.models = models;
    alone.mode = mode;
    Result<std::vector<Face>> faces = detector.Detect(image, alone);
    EXPECT_TRUE(faces.ok()) << faces.status().ToString();
    out.push_back(faces.ok() ? *faces : std::vector<Face>());
  };
  if (preset.crowdnet && !preset.crowdnet_mirror) {
    run(DetectorModels::kCrowdNet, *preset.crowdnet);
  }
  if (preset.crowdnet && preset.crowdnet_mirror) {
    // The preset's two CrowdNet views, fused as measured: the photo's
    // faces and its mirror image's, each from the fusion's floor up.
    const MirrorFusionOptions& m = *preset.crowdnet_mirror;
    alone.score_threshold = std::min(threshold, m.view_floor);
    run(DetectorModels::kCrowdNet, *preset.crowdnet);
    std::vector<Face> direct = out.back();
    out.pop_back();
    cv::Mat flipped;
    cv::flip(image, flipped, 1);
    Result<std::vector<Face>> mirrored = detector.Detect(flipped, alone);
    EXPECT_TRUE(mirrored.ok());
    std::vector<Face> back = mirrored.ok() ? *mirrored : std::vector<Face>();
    UnmirrorFaces(image.cols, &back);
    std::vector<Face> fused;
    for (const Face& f : FuseMirroredViews(direct, back, m)) {
      if (f.score >= threshold) fused.push_back(f);
    }
    out.push_back(fused);
    alone.score_threshold = threshold;
  }
  if (preset.blazeface) run(DetectorModels::kBlazeFace, *preset.blazeface);
  // The SSD's passes follow the mode (kSsd alone runs the same ones).
  if (preset.ssd_runs()) run(DetectorModels::kSsd, alone.mode);
  return out;
}

// The ensembles run as they were measured (eval/merge_sweep.cpp on each
// model's detections saved at 0.1): every model's candidates down to 0.1
// enter the merge, so a weak box agreeing with another model still lifts
// the face, and none below 0.1, whatever the threshold. Before
// EnsembleOptions::member_floor each model kept only what could pass on its
// own (fast: WIDER val recall 0.523 instead of 0.606); with the floor a
// minimum, a low threshold let BlazeFace's candidates down to 0.015 in
// (the balanced AP pass ran ~5x slower than measured, on other faces).
struct MeasuredCase {
  DetectionMode mode;
  std::optional<float> threshold;  // unset: the mode's default
};

void PrintTo(const MeasuredCase& c, std::ostream* os) {
  *os << DetectionModeName(c.mode) << " at "
      << (c.threshold ? std::to_string(*c.threshold) : "its default");
}

class MeasuredMergeTest : public ::testing::TestWithParam<MeasuredCase> {};

TEST_P(MeasuredMergeTest, EnsembleEqualsTheMeasuredMerge) {
  const cv::Mat image = Load("messi5.jpg");
  ASSERT_FALSE(image.empty());
  DetectorOptions o;
  o.mode = GetParam().mode;
  o.score_threshold = GetParam().threshold;
  auto detector = Detector::Create(o);
  ASSERT_TRUE(detector.ok()) << detector.status().ToString();
  const float threshold = ScoreThreshold(o);
  auto product = (*detector)->Detect(image);
  ASSERT_TRUE(product.ok());
  const EnsemblePreset preset = EnsemblePresetFor(o);
  ASSERT_GE(preset.models(), 2);
  ASSERT_FLOAT_EQ(preset.merge.member_floor, 0.1f);
  const std::vector<std::vector<Face>> alone =
      MembersAlone(**detector, image, preset, 0.1f);
  std::vector<EnsembleMember> members;
  const std::vector<EnsemblePreset::Calibration> calibrations =
      preset.member_calibrations();
  ASSERT_EQ(alone.size(), calibrations.size());
  for (size_t i = 0; i < alone.size(); ++i) {
    members.push_back({alone[i], calibrations[i].logit_offset,
                       calibrations[i].agreement_logit_bonus});
  }
  std::vector<Face> measured;
  for (const Face& f : MergeEnsemble(members, preset.merge)) {
    if (f.score >= threshold) measured.push_back(f);
  }
  ASSERT_FALSE(measured.empty());
  ASSERT_EQ(product->size(), measured.size());
  for (size_t i = 0; i < measured.size(); ++i) {
    EXPECT_NEAR((*product)[i].box.x, measured[i].box.x, 1e-3);
    EXPECT_NEAR((*product)[i].score, measured[i].score, 1e-5);
    EXPECT_EQ((*product)[i].has_keypoints, measured[i].has_keypoints);
    // Only BlazeFace has keypoints (the fast ensemble's faces showed six
    // at (0, 0) when the first member's faces were taken to have them).
    if (!preset.blazeface) EXPECT_FALSE((*product)[i].has_keypoints);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Modes, MeasuredMergeTest,
    ::testing::Values(MeasuredCase{DetectionMode::kFast, std::nullopt},
                      MeasuredCase{DetectionMode::kBalanced, std::nullopt},
                      MeasuredCase{DetectionMode::kBalanced, 0.1f}),
    [](const ::testing::TestParamInfo<MeasuredCase>& info) {
      return std::string(DetectionModeName(info.param.mode)) +
             (info.param.threshold ? "_at_0_1" : "_default");
    });

// One inference: a single-mode ensemble is CrowdNet alone (CrowdNet at 640
// px finds 0.500 (run v7) of WIDER val's faces where BlazeFace's whole-image
// pass finds 0.162; src/detect/presets.cpp).
TEST(EnsembleDetectorTest, SingleModeEnsembleIsCrowdNetAlone) {
  const cv::Mat image = Load("messi5.jpg");
  ASSERT_FALSE(image.empty());
  DetectorOptions o;
  o.mode = DetectionMode::kSingle;
  o.score_threshold = 0.3f;
  o.models = DetectorModels::kCrowdNet;
  auto alone = Detector::Create(o);
  o.models = DetectorModels::kEnsemble;
  auto both = Detector::Create(o);
  ASSERT_TRUE(alone.ok() && both.ok());
  auto a = (*alone)->Detect(image);
  auto b = (*both)->Detect(image);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_FLOAT_EQ((*a)[i].box.x, (*b)[i].box.x);
    EXPECT_FLOAT_EQ((*a)[i].score, (*b)[i].score);
  }
}

// Issue 13: `faceveil eval --tune` measured BlazeFace alone whatever
// --detector said. A tuning that changes nothing (edges=1 is the preset's
// own) must give the product's faces, the SSD's and the merged scores
// included, both when the detector is created with it (as `faceveil eval`
// does) and when a call brings it; models with no BlazeFace to tune are
// refused.
TEST(EnsembleDetectorTest, TuningKeepsTheChosenModels) {
  const cv::Mat image = Load("astronaut.png");
  ASSERT_FALSE(image.empty());
  DetectorOptions o;
  // BlazeFace's own ensemble mode (fast's partner is CrowdNet, and a tuning
  // measures BlazeFace); astronaut.png is small, so the SSD is cheap.
  o.mode = DetectionMode::kBalanced;
  DetectorOptions tuning = o;
  tuning.tuning = "edges=1";
  auto product = Detector::Create(o);
  auto tuned = Detector::Create(tuning);
  ASSERT_TRUE(product.ok()) << product.status().ToString();
  ASSERT_TRUE(tuned.ok()) << tuned.status().ToString();
  auto a = (*product)->Detect(image);
  ASSERT_TRUE(a.ok());
  ASSERT_FALSE(a->empty());
  for (const auto& b :
       {(*tuned)->Detect(image), (*product)->Detect(image, tuning)}) {
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(a->size(), b->size());
    for (size_t i = 0; i < a->size(); ++i) {
      EXPECT_FLOAT_EQ((*a)[i].box.x, (*b)[i].box.x);
      EXPECT_FLOAT_EQ((*a)[i].score, (*b)[i].score);
    }
  }
  for (DetectorModels m : {DetectorModels::kSsd, DetectorModels::kCrowdNet}) {
    tuning.models = m;
    auto refused = Detector::Create(tuning);
    ASSERT_FALSE(refused.ok()) << DetectorModelsName(m);
    EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ((*product)->Detect(image, tuning).status().code(),
              Status::Code::kInvalidArgument)
        << DetectorModelsName(m);
  }
}

TEST(EnsembleDetectorTest, ModelsNamesRoundTripAndBadSizesAreRefused) {
  for (DetectorModels m : {DetectorModels::kEnsemble,
                           DetectorModels::kBlazeFace, DetectorModels::kSsd}) {
    Result<DetectorModels> parsed = ParseDetectorModels(DetectorModelsName(m));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, m);
    for (DetectionMode mode :
         {DetectionMode::kSingle, DetectionMode::kFast,
          DetectionMode::kBalanced, DetectionMode::kThorough}) {
      const float t = DefaultScoreThreshold(mode, m);
      EXPECT_GT(t, 0.0f);
      EXPECT_LT(t, 1.0f);
    }
  }
  EXPECT_FALSE(ParseDetectorModels("yunet").ok());
  // The ensemble finds the most faces: the default.
  EXPECT_EQ(DetectorOptions{}.models, DetectorModels::kEnsemble);
  EXPECT_FLOAT_EQ(ScoreThreshold(DetectorOptions{}),
                  DefaultScoreThreshold(DetectionMode::kBalanced,
                                        DetectorModels::kEnsemble));
  // Single-mode ensembles are CrowdNet alone, so they share its threshold.
  EXPECT_FLOAT_EQ(
      DefaultScoreThreshold(DetectionMode::kSingle, DetectorModels::kEnsemble),
      DefaultScoreThreshold(DetectionMode::kSingle, DetectorModels::kCrowdNet));
  DetectorOptions o;
  o.ssd_long_side = 32;
  EXPECT_FALSE(Detector::Create(o).ok());
  o.ssd_long_side = 5000;
  EXPECT_FALSE(Detector::Create(o).ok());
  o.models = static_cast<DetectorModels>(7);
  o.ssd_long_side = 0;
  EXPECT_FALSE(Detector::Create(o).ok());
}

TEST(GoldenTest, ShortRangeReproducesMediaPipeOnSergey) {
  if (!std::filesystem::exists(testing::GoldenImagePath())) {
    GTEST_SKIP() << "needs ../shared/data/golden (evaluation data beside the "
                    "repo), absent here";
  }
  const cv::Mat image = cv::imread(testing::GoldenImagePath());
  ASSERT_FALSE(image.empty());
  auto model = tflite::Model::FromBuffer(EmbeddedModel(ModelKind::kShortRange));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto net = BlazeFace::Create(*model, ModelKind::kShortRange);
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  Result<std::vector<Face>> candidates = (*net)->DetectCandidates(
      image, WholeImageRegion(image.size()), 0.5f, Resampling::kCornerAligned);
  ASSERT_TRUE(candidates.ok()) << candidates.status().ToString();
  const std::vector<Face> faces = WeightedNms(*candidates, 0.3f);
  ASSERT_EQ(faces.size(), 1u);
  std::printf("tflite reader, corner-aligned bilinear:\n");
  const float worst = testing::GoldenMaxDiff(faces[0], image.size(), true);
  std::printf("  max |diff| %.2e\n", worst);

  // The product's resampling stays close (DESIGN.md: ~0.01 in score).
  auto detector = MakeDetector(ModelKind::kShortRange);
  ASSERT_NE(detector, nullptr);
  Result<std::vector<Face>> product = detector->Detect(image);
  ASSERT_TRUE(product.ok());
  ASSERT_EQ(product->size(), 1u);
  EXPECT_NEAR((*product)[0].score, testing::kGoldenScore, 0.02f);
  EXPECT_NEAR((*product)[0].box.x / image.cols, testing::kGoldenBox[0], 0.02f);
}

}  // namespace
}  // namespace faceveil
