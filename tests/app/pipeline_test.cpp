#include "faceveil/pipeline.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "faceveil/report.h"
#include "faceveil/settings.h"
#include "test_images.h"

namespace faceveil {
namespace {

using testing::ReadBytes;
using testing::TestData;

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = Pipeline::Create({});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    pipeline_ = std::move(p).value().release();
  }
  static void TearDownTestSuite() {
    delete pipeline_;
    pipeline_ = nullptr;
  }
  static Pipeline* pipeline_;
};
Pipeline* PipelineTest::pipeline_ = nullptr;

TEST_F(PipelineTest, AnonymizesTheFaceAndNothingFarFromIt) {
  const std::vector<uint8_t> png = ReadBytes(TestData("astronaut.png"));
  ASSERT_FALSE(png.empty());
  auto out = pipeline_->Anonymize(png);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->output_format, ImageFormat::kPng);
  ASSERT_EQ(out->report.faces.size(), 1u);
  EXPECT_EQ(out->report.width, 512);

  const cv::Mat before = cv::imdecode(png, cv::IMREAD_COLOR);
  const cv::Mat after = cv::imdecode(out->bytes, cv::IMREAD_COLOR);
  ASSERT_EQ(after.size(), before.size());
  // The face area changed a lot.
  const cv::Rect face(testing::kAstronautFaceX0 + 30,
                      testing::kAstronautFaceY0 + 40, 100, 120);
  cv::Mat diff;
  cv::absdiff(before(face), after(face), diff);
  EXPECT_GT(cv::mean(diff)[0] + cv::mean(diff)[1] + cv::mean(diff)[2], 15.0);
  // Pixels outside the mask region are untouched (PNG is lossless).
  const Box region =
      MaskRegion(out->report.faces[0], pipeline_->options().anonymize);
  cv::Mat outside(before.size(), CV_8U, cv::Scalar(255));
  cv::rectangle(outside,
                cv::Rect(cv::Point(int(region.x) - 1, int(region.y) - 1),
                         cv::Point(int(region.x + region.w) + 2,
                                   int(region.y + region.h) + 2)),
                cv::Scalar(0), cv::FILLED);
  cv::Mat changed;
  cv::compare(before, after, changed, cv::CMP_NE);
  cv::Mat changed_any;
  cv::cvtColor(changed, changed_any, cv::COLOR_BGR2GRAY);
  EXPECT_EQ(cv::countNonZero(changed_any & outside), 0);
}

TEST_F(PipelineTest, EmptySelectionChangesNothing) {
  const std::vector<uint8_t> png = ReadBytes(TestData("astronaut.png"));
  auto out = pipeline_->AnonymizeSelection(png, Selection{},
                                           pipeline_->options().anonymize);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const cv::Mat before = cv::imdecode(png, cv::IMREAD_COLOR);
  const cv::Mat after = cv::imdecode(out->bytes, cv::IMREAD_COLOR);
  EXPECT_EQ(cv::norm(before, after, cv::NORM_INF), 0);
}

TEST_F(PipelineTest, HandDrawnRegionIsAnonymized) {
  const std::vector<uint8_t> png = ReadBytes(TestData("astronaut.png"));
  Selection selection;
  selection.regions.push_back({20, 300, 120, 120});
  auto out = pipeline_->AnonymizeSelection(png, selection,
                                           pipeline_->options().anonymize);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const cv::Mat before = cv::imdecode(png, cv::IMREAD_COLOR);
  const cv::Mat after = cv::imdecode(out->bytes, cv::IMREAD_COLOR);
  const cv::Rect inside(40, 320, 80, 80), face(200, 60, 100, 100);
  EXPECT_GT(cv::norm(before(inside), after(inside), cv::NORM_L1), 0);
  EXPECT_EQ(cv::norm(before(face), after(face), cv::NORM_INF), 0);
}

TEST_F(PipelineTest, BadBytesAreAnErrorNotACrash) {
  const std::vector<uint8_t> junk = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i'};
  EXPECT_FALSE(pipeline_->Anonymize(junk).ok());
  EXPECT_FALSE(pipeline_->Detect({}).ok());
  std::vector<uint8_t> truncated = ReadBytes(TestData("messi5.jpg"));
  truncated.resize(truncated.size() / 3);
  auto out = pipeline_->Anonymize(truncated);
  EXPECT_FALSE(out.ok());
}

TEST_F(PipelineTest, OutputFormatFollowsInputUnlessForced) {
  EXPECT_EQ(pipeline_->OutputFormat(ImageFormat::kJpeg), ImageFormat::kJpeg);
  EXPECT_EQ(pipeline_->OutputFormat(ImageFormat::kHeif), ImageFormat::kJpeg);
  PipelineOptions options;
  ASSERT_TRUE(ApplySetting(&options, "format", "png").ok());
  EXPECT_EQ(options.output_format, ImageFormat::kPng);
}

TEST(SettingsTest, AppliesAndRejects) {
  PipelineOptions o;
  EXPECT_TRUE(ApplySetting(&o, "style", "pixelate").ok());
  EXPECT_EQ(o.anonymize.style, AnonymizeStyle::kPixelate);
  EXPECT_TRUE(ApplySetting(&o, "shape", "ellipse").ok());
  EXPECT_EQ(o.anonymize.shape, MaskShape::kEllipse);
  EXPECT_TRUE(ApplySetting(&o, "strength", "2").ok());
  EXPECT_FLOAT_EQ(o.anonymize.strength, 2.0f);
  EXPECT_TRUE(ApplySetting(&o, "outline", "true").ok());
  EXPECT_TRUE(o.anonymize.outline);
  EXPECT_TRUE(ApplySetting(&o, "quality", "80").ok());
  EXPECT_EQ(o.encode.jpeg_quality, 80);
  EXPECT_TRUE(ApplySetting(&o, "keep-metadata", "safe").ok());
  EXPECT_EQ(o.metadata, MetadataPolicy::kSafe);
  EXPECT_TRUE(ApplySetting(&o, "model", "short").ok());
  EXPECT_EQ(o.detector.model, ModelKind::kShortRange);

  EXPECT_FALSE(ApplySetting(&o, "style", "smudge").ok());
  EXPECT_FALSE(ApplySetting(&o, "strength", "0.1").ok());  // recognisable
  EXPECT_FALSE(ApplySetting(&o, "strength", "2x").ok());
  EXPECT_FALSE(ApplySetting(&o, "quality", "101").ok());
  EXPECT_FALSE(ApplySetting(&o, "threshold", "-1").ok());
  EXPECT_FALSE(ApplySetting(&o, "nonsense", "1").ok());
  // Every listed setting is one ApplySetting knows.
  for (const SettingInfo& s : AnonymizeSettings()) {
    PipelineOptions fresh;
    EXPECT_TRUE(ApplySetting(&fresh, s.name, s.default_value).ok()) << s.name;
  }
}

TEST(SettingsTest, ParsesColors) {
  auto red = ParseColor("#ff0000");
  ASSERT_TRUE(red.ok());
  EXPECT_EQ((*red)[2], 255);
  EXPECT_EQ((*red)[0], 0);
  EXPECT_TRUE(ParseColor("grey").ok());
  EXPECT_FALSE(ParseColor("#ff00").ok());
  EXPECT_FALSE(ParseColor("#gg0000").ok());
}

TEST(ReportTest, FacesRoundTripThroughJson) {
  Face f;
  f.box = {10.126f, 20, 30.5f, 30.5f};
  f.score = 0.87654f;
  f.keypoints[2] = {25, 35};
  auto back = FacesFromJson(FacesToJson({f}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_NEAR((*back)[0].box.x, 10.13f, 1e-4);
  EXPECT_NEAR((*back)[0].score, 0.8765f, 1e-6);
  EXPECT_EQ((*back)[0].keypoints[2].x, 25);

  ImageReport report;
  report.width = 4;
  report.height = 3;
  report.faces = {f};
  const std::string line = ReportToJsonLine("a\xff.jpg", report);
  EXPECT_NE(line.find("\"width\":4"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(ErrorToJsonLine("b.jpg", Status::Corrupt("x")).find("\"error\""),
            std::string::npos);
}

TEST(ReportTest, RejectsMalformedFaces) {
  EXPECT_FALSE(FacesFromJson("{").ok());
  EXPECT_FALSE(FacesFromJson("{}").ok());
  EXPECT_FALSE(FacesFromJson("[{\"box\": [1, 2, 3]}]").ok());
  EXPECT_FALSE(FacesFromJson("[{\"box\": [1, 2, -3, 4]}]").ok());
  EXPECT_FALSE(FacesFromJson("[{\"box\": [1, 2, 3, \"4\"]}]").ok());
  EXPECT_FALSE(
      FacesFromJson("[{\"box\": [1, 2, 3, 4], \"keypoints\": [[1]]}]").ok());
  auto empty = FacesFromJson("[]");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

// A threshold chosen earlier (the server's --threshold) gives way to the
// mode's measured one; a threshold set after the mode wins.
TEST(SettingsTest, ModeDropsAnEarlierThresholdButNotOneInTheSameRequest) {
  PipelineOptions o;
  o.detector.models = DetectorModels::kBlazeFace;
  o.detector.score_threshold = 0.9f;
  ASSERT_TRUE(ApplySetting(&o, "mode", "thorough").ok());
  EXPECT_FALSE(o.detector.score_threshold.has_value());
  EXPECT_FLOAT_EQ(ScoreThreshold(o.detector),
                  DefaultScoreThreshold(DetectionMode::kThorough,
                                        DetectorModels::kBlazeFace));
  ASSERT_TRUE(ApplySetting(&o, "threshold", "0.2").ok());
  EXPECT_FLOAT_EQ(ScoreThreshold(o.detector), 0.2f);
}

}  // namespace
}  // namespace faceveil

namespace faceveil {
namespace {

// Regression (issue 13): with `serve --detector blazeface`, choosing a mode
// on the page set the ensemble's threshold for that mode.
TEST(SettingsTest, ModeTakesTheThresholdOfThePipelinesModels) {
  for (DetectorModels m :
       {DetectorModels::kBlazeFace, DetectorModels::kSsd,
        DetectorModels::kEnsemble, DetectorModels::kCrowdNet}) {
    PipelineOptions o;
    o.detector.models = m;
    ASSERT_TRUE(ApplySetting(&o, "mode", "fast").ok());
    EXPECT_FLOAT_EQ(ScoreThreshold(o.detector),
                    DefaultScoreThreshold(DetectionMode::kFast, m))
        << DetectorModelsName(m);
  }
}

}  // namespace
}  // namespace faceveil
