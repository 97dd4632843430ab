// Multi-scale detection: presets, merging across tiles, score calibration
// and verification arithmetic on hand-made cases; batching against single
// inferences; and the modes end to end on a real photo.
#include "detect/multiscale.h"

#include <gtest/gtest.h>

#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <span>
#include <string>
#include <string_view>

#include "detect/embedded_models.h"
#include "detect/presets.h"
#include "detect/verify.h"
#include "tflite/model.h"

namespace faceveil {
namespace {

const std::string kTestData = FACEVEIL_TESTDATA_DIR;
// messi5.jpg (548x342): the player's face, read off the photo by eye.
constexpr Box kMessiFace{226, 94, 32, 36};

Face MakeFace(float x, float y, float w, float h, float score) {
  Face f;
  f.box = Box{x, y, w, h};
  f.score = score;
  return f;
}

TEST(MultiScalePresetTest, ModesMapToTheirTiling) {
  const ModelSpec full = SpecFor(ModelKind::kFullRange);
  DetectorOptions o;
  o.mode = DetectionMode::kSingle;
  EXPECT_EQ(PlanTiles({1024, 768}, MultiScalePreset(o, full).tiling).size(),
            1u);
  EXPECT_FALSE(MultiScalePreset(o, full).verify.enabled);

  o.mode = DetectionMode::kFast;
  auto fast = PlanTiles({1024, 768}, MultiScalePreset(o, full).tiling);
  ASSERT_EQ(fast.size(), 2u);  // whole image plus one level
  EXPECT_EQ(CountTiles(fast), 5);

  o.mode = DetectionMode::kBalanced;
  const MultiScaleOptions balanced = MultiScalePreset(o, full);
  EXPECT_FLOAT_EQ(balanced.tiling.min_face_px, 20);
  const auto balanced_levels = PlanTiles({1024, 768}, balanced.tiling);
  ASSERT_EQ(balanced_levels.size(), 2u);  // whole image, 320-px tiles
  EXPECT_FLOAT_EQ(balanced_levels[1].side, 320);
  EXPECT_EQ(CountTiles(balanced_levels), 13);
  EXPECT_FALSE(balanced.verify.enabled);

  o.mode = DetectionMode::kThorough;
  const MultiScaleOptions thorough = MultiScalePreset(o, full);
  EXPECT_FLOAT_EQ(thorough.tiling.min_face_px, 12);
  EXPECT_FALSE(thorough.verify.enabled);
  EXPECT_EQ(thorough.guided_from_level, 2);  // the 192-px level is guided
  const auto levels = PlanTiles({1024, 768}, thorough.tiling);
  EXPECT_FLOAT_EQ(levels.back().side, 192);  // 12 px at 1/16 of 192
  EXPECT_EQ(CountTiles(levels), 48);         // whole + 384 + 192, as measured

  // The short-range model (faces near the camera) never tiles.
  EXPECT_EQ(
      PlanTiles({1024, 768},
                MultiScalePreset(o, SpecFor(ModelKind::kShortRange)).tiling)
          .size(),
      1u);

  // An explicit minimum face size overrides the mode's own.
  o.min_face_px = 48;
  EXPECT_FLOAT_EQ(MultiScalePreset(o, full).tiling.min_face_px, 48);
  o.nms_iou_threshold = 0.45f;
  EXPECT_FLOAT_EQ(MultiScalePreset(o, full).nms_iou_threshold, 0.45f);
}

TEST(MultiScalePresetTest, ModeNamesRoundTrip) {
  for (DetectionMode m : {DetectionMode::kSingle, DetectionMode::kFast,
                          DetectionMode::kBalanced, DetectionMode::kThorough}) {
    Result<DetectionMode> parsed = ParseDetectionMode(DetectionModeName(m));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, m);
    const float t = DefaultScoreThreshold(m);
    EXPECT_GT(t, 0.0f);
    EXPECT_LT(t, 1.0f);
    const float p = PresetScoreThreshold(m);
    EXPECT_GT(p, 0.0f);
    EXPECT_LT(p, 1.0f);
  }
  EXPECT_FALSE(ParseDetectionMode("slow").ok());
  // Thorough sees more candidates than balanced, so it needs at least as
  // high a threshold for the same false-positive rate.
  EXPECT_GE(PresetScoreThreshold(DetectionMode::kThorough),
            PresetScoreThreshold(DetectionMode::kBalanced));
  EXPECT_EQ(DetectorOptions{}.mode, DetectionMode::kBalanced);
  EXPECT_FLOAT_EQ(ScoreThreshold(DetectorOptions{}),
                  DefaultScoreThreshold(DetectionMode::kBalanced));
}

TEST(MultiScaleOverridesTest, KeysChangeTheirFieldsAndBadInputIsRefused) {
  MultiScaleOptions o;
  ASSERT_TRUE(ApplyMultiScaleOverrides(
                  "tiles=384/192 overlap=0.3, nms=0.4;logit=-0.5 edges=0 "
                  "verify=1 verify_min=0.2 verify_count=7",
                  &o)
                  .ok());
  EXPECT_EQ(o.tiling.sides, (std::vector<float>{384, 192}));
  EXPECT_FLOAT_EQ(o.tiling.overlap, 0.3f);
  EXPECT_FLOAT_EQ(o.nms_iou_threshold, 0.4f);
  EXPECT_FLOAT_EQ(o.tile_logit_offset, -0.5f);
  EXPECT_FALSE(o.resolve_tile_edges);
  EXPECT_TRUE(o.verify.enabled);
  EXPECT_FLOAT_EQ(o.verify.min_score, 0.2f);
  EXPECT_EQ(o.verify.max_candidates, 7);
  EXPECT_TRUE(ApplyMultiScaleOverrides("", &o).ok());

  ASSERT_TRUE(ApplyMultiScaleOverrides("tiles=none", &o).ok());
  EXPECT_EQ(PlanTiles({1024, 768}, o.tiling).size(), 1u);

  for (const char* bad :
       {"tiles=", "tiles=384/", "tiles=8", "overlap=1.5", "nms=x", "edges=2",
        "verify_count=1.5", "speed=3", "overlap", "logit=nan"}) {
    MultiScaleOptions m;
    const Status s = ApplyMultiScaleOverrides(bad, &m);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_NE(s.ToString().find(bad), std::string::npos) << s.ToString();
  }
}

// The keys an unknown key's message lists are the keys there are: each
// takes a valid value, and an unknown key is named with the list.
TEST(MultiScaleOverridesTest, TheListedKeysAreTheKnownOnes) {
  const std::map<std::string_view, const char*> valid = {
      {"tiles", "384/192"},
      {"overlap", "0.2"},
      {"nms", "0.3"},
      {"logit", "-0.5"},
      {"flat", "4"},
      {"guided", "2"},
      {"guide_min", "0.1"},
      {"guide_face", "0.25"},
      {"edges", "0"},
      {"batch", "4"},
      {"verify", "1"},
      {"verify_min", "0.2"},
      {"verify_max", "0.9"},
      {"verify_context", "2"},
      {"verify_max_face", "64"},
      {"verify_weight", "0.5"},
      {"verify_count", "7"}};
  const std::span<const std::string_view> keys = MultiScaleOverrideKeys();
  EXPECT_EQ(keys.size(), valid.size());
  for (std::string_view key : keys) {
    ASSERT_TRUE(valid.contains(key)) << key;
    MultiScaleOptions o;
    const std::string setting = std::string(key) + "=" + valid.at(key);
    EXPECT_TRUE(ApplyMultiScaleOverrides(setting, &o).ok()) << setting;
  }
  MultiScaleOptions o;
  const Status s = ApplyMultiScaleOverrides("tiles=384 nonsense=3", &o);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("\"nonsense\""), std::string::npos) << s.message();
  for (std::string_view key : keys) {
    EXPECT_NE(s.message().find(key), std::string::npos) << key;
  }
}

TEST(MergeTileCandidatesTest, CutBoxesDoNotShapeAWholeView) {
  // A whole view of a face and an extended half-box of the same face with
  // a higher score: the merged box is the whole view's.
  std::vector<TileCandidate> in = {
      {MakeFace(100, 100, 40, 40, 0.6f), 2, 3, false},
      {MakeFace(95, 100, 60, 40, 0.9f), 2, 4, true},
  };
  const std::vector<Face> out = MergeTileCandidates(in, 0.3f);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_FLOAT_EQ(out[0].box.x, 100);
  EXPECT_FLOAT_EQ(out[0].box.w, 40);
}

TEST(MergeTileCandidatesTest, WeightedAverageAcrossLevelsAndCutAlone) {
  std::vector<TileCandidate> in = {
      {MakeFace(0, 0, 10, 10, 0.9f), 0, 0, false},
      {MakeFace(2, 0, 10, 10, 0.6f), 1, 0, false},
      {MakeFace(200, 0, 30, 20, 0.5f), 1, 1, true},  // alone: kept as is
  };
  const std::vector<Face> out = MergeTileCandidates(in, 0.3f);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NEAR(out[0].box.x, 0.8f, 1e-5);  // (0.9*0 + 0.6*2) / 1.5
  EXPECT_FLOAT_EQ(out[1].box.x, 200);
  EXPECT_FLOAT_EQ(out[1].box.w, 30);
}

TEST(ScoreTest, ShiftAndCombine) {
  EXPECT_FLOAT_EQ(ShiftScore(0.3f, 0), 0.3f);
  EXPECT_NEAR(ShiftScore(0.5f, std::log(3.0f)), 0.75f, 1e-5);
  EXPECT_LT(ShiftScore(0.5f, -1), 0.5f);
  EXPECT_NEAR(CombineScores(0.25f, 1.0f, 0.5f, 0.01f), 0.5f, 1e-5);
  EXPECT_NEAR(CombineScores(0.4f, 0.0f, 0.5f, 0.01f), 0.0632456f, 1e-5);
  EXPECT_FLOAT_EQ(CombineScores(0.4f, 0.9f, 0.0f, 0.01f), 0.4f);
  const SquareRegion r = VerifyRegion(Box{100, 200, 20, 30}, 4);
  EXPECT_FLOAT_EQ(r.side, 120);
  EXPECT_FLOAT_EQ(r.x + r.side / 2, 110);
  EXPECT_FLOAT_EQ(r.y + r.side / 2, 215);
}

cv::Mat Messi() {
  cv::Mat m = cv::imread(kTestData + "/messi5.jpg", cv::IMREAD_COLOR);
  EXPECT_FALSE(m.empty()) << "run scripts/fetch-testdata.sh";
  return m;
}

// The batched forward pass against one inference per region (the plain
// reference): same candidates, same scores and boxes.
TEST(BatchTest, BatchEqualsOneRegionAtATime) {
  const cv::Mat image = Messi();
  ASSERT_FALSE(image.empty());
  auto model = tflite::Model::FromBuffer(EmbeddedModel(ModelKind::kFullRange));
  ASSERT_TRUE(model.ok());
  auto net = BlazeFace::Create(*model, ModelKind::kFullRange);
  ASSERT_TRUE(net.ok());
  const std::vector<SquareRegion> regions = {
      {150, 40, 192}, {0, 0, 256}, {300, 150, 192}, {-50, -50, 700}};
  auto batch = (*net)->DetectCandidatesBatch(image, regions, 0.2f,
                                             Resampling::kHalfPixel);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), regions.size());
  size_t total = 0;
  for (size_t i = 0; i < regions.size(); ++i) {
    auto one = (*net)->DetectCandidates(image, regions[i], 0.2f,
                                        Resampling::kHalfPixel);
    ASSERT_TRUE(one.ok());
    ASSERT_EQ((*batch)[i].size(), one->size()) << i;
    for (size_t k = 0; k < one->size(); ++k) {
      EXPECT_NEAR((*batch)[i][k].score, (*one)[k].score, 1e-4);
      EXPECT_NEAR((*batch)[i][k].box.x, (*one)[k].box.x, 1e-2);
      EXPECT_NEAR((*batch)[i][k].box.h, (*one)[k].box.h, 1e-2);
    }
    total += one->size();
  }
  EXPECT_GT(total, 0u);  // the comparison compared something
}

std::vector<Face> DetectMultiScaleWith(DetectionMode mode,
                                       const cv::Mat& image) {
  DetectorOptions o;
  o.mode = mode;
  o.models = DetectorModels::kBlazeFace;  // its tiling is what is tested
  o.score_threshold = 0.5f;
  auto d = Detector::Create(o);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  if (!d.ok()) return {};
  auto faces = (*d)->Detect(image);
  EXPECT_TRUE(faces.ok()) << faces.status().ToString();
  return faces.ok() ? *faces : std::vector<Face>{};
}

TEST(MultiScaleDetectTest, TilingFindsAtLeastTheWholeImageFacesOnMessi) {
  const cv::Mat image = Messi();
  ASSERT_FALSE(image.empty());
  const std::vector<Face> single =
      DetectMultiScaleWith(DetectionMode::kSingle, image);
  for (DetectionMode mode :
       {DetectionMode::kBalanced, DetectionMode::kThorough}) {
    const std::vector<Face> faces = DetectMultiScaleWith(mode, image);
    EXPECT_GE(faces.size(), single.size()) << DetectionModeName(mode);
    bool player = false;
    for (const Face& f : faces) {
      player = player || IoU(f.box, kMessiFace) >= 0.4f;
    }
    EXPECT_TRUE(player) << DetectionModeName(mode);
    // Every box lies inside the image (tile boxes are mapped back, cut
    // boxes clipped).
    for (const Face& f : faces) {
      EXPECT_GE(f.box.x + f.box.w, 0);
      EXPECT_LE(f.box.x, image.cols);
    }
  }
}

// Guided fine tiles: with no proposal strong enough the fine level runs no
// tile, so the result is that of the coarser levels alone; with proposals
// it finds at least as much as the coarser levels.
TEST(MultiScaleDetectTest, GuidedLevelRunsOnlyWhereCoarserLevelsSawAFace) {
  const cv::Mat image = Messi();
  ASSERT_FALSE(image.empty());
  auto model = tflite::Model::FromBuffer(EmbeddedModel(ModelKind::kFullRange));
  ASSERT_TRUE(model.ok());
  auto net = BlazeFace::Create(*model, ModelKind::kFullRange);
  ASSERT_TRUE(net.ok());
  const auto detect = [&](const char* tuning) {
    MultiScaleOptions o;
    EXPECT_TRUE(ApplyMultiScaleOverrides(tuning, &o).ok()) << tuning;
    auto faces =
        DetectMultiScale(**net, image, 0.3f, Resampling::kHalfPixel, o);
    EXPECT_TRUE(faces.ok());
    return faces.ok() ? *faces : std::vector<Face>{};
  };
  const std::vector<Face> coarse = detect("tiles=274");
  const std::vector<Face> none = detect("tiles=274/128 guided=2 guide_min=1");
  const std::vector<Face> guided =
      detect("tiles=274/128 guided=2 guide_min=0.05 guide_face=0.5");
  ASSERT_EQ(none.size(), coarse.size());
  for (size_t i = 0; i < none.size(); ++i) {
    EXPECT_FLOAT_EQ(none[i].score, coarse[i].score);
    EXPECT_FLOAT_EQ(none[i].box.x, coarse[i].box.x);
  }
  EXPECT_GE(guided.size(), coarse.size());
  bool player = false;
  for (const Face& f : guided)
    player = player || IoU(f.box, kMessiFace) >= 0.4f;
  EXPECT_TRUE(player);
}

TEST(MultiScaleDetectTest, OddInputsStillWork) {
  for (const cv::Mat& image :
       {cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(0)),
        cv::Mat(1500, 20, CV_8UC1, cv::Scalar::all(128)),
        cv::Mat(20, 1500, CV_8UC4, cv::Scalar::all(7))}) {
    DetectorOptions o;
    o.mode = DetectionMode::kThorough;
    auto d = Detector::Create(o);
    ASSERT_TRUE(d.ok());
    auto faces = (*d)->Detect(image);
    ASSERT_TRUE(faces.ok()) << faces.status().ToString();
    EXPECT_TRUE(faces->empty()) << image.size();
  }
}

}  // namespace
}  // namespace faceveil
