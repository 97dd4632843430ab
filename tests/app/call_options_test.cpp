// Per-call options on one loaded Pipeline (issue 13): a call's detect,
// anonymize and encode options apply on the networks Create() loaded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/load_once.h"
#include "faceveil/pipeline.h"
#include "test_images.h"

namespace faceveil {
namespace {

PipelineOptions BlazeFaceFast() {
  PipelineOptions o;
  o.detector.models = DetectorModels::kBlazeFace;
  o.detector.mode = DetectionMode::kFast;
  return o;
}

TEST(PipelineCallTest, ACallsOptionsApplyOnTheLoadedNetworks) {
  const std::vector<uint8_t> png =
      testing::ReadBytes(testing::TestData("astronaut.png"));
  ASSERT_FALSE(png.empty());
  const PipelineOptions base = BlazeFaceFast();
  auto pipeline = Pipeline::Create(base);
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().ToString();
  const int64_t loads = NetworkLoads();

  auto found = (*pipeline)->Detect(png);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->faces.size(), 1u);
  PipelineOptions strict = base;
  strict.detector.score_threshold = 1.0f;  // no face scores 1
  auto none = (*pipeline)->Detect(png, strict);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->faces.empty());
  PipelineOptions single = base;
  single.detector.mode = DetectionMode::kSingle;
  auto whole = (*pipeline)->Detect(png, single);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->faces.size(), 1u);

  // Encoding and anonymization options go with the call too.
  PipelineOptions jpeg = base;
  jpeg.output_format = ImageFormat::kJpeg;
  jpeg.encode.jpeg_quality = 40;
  auto out = (*pipeline)->Anonymize(png, jpeg);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->output_format, ImageFormat::kJpeg);
  EXPECT_EQ(out->report.faces.size(), 1u);
  jpeg.encode.jpeg_quality = 95;
  auto finer = (*pipeline)->Anonymize(png, jpeg);
  ASSERT_TRUE(finer.ok()) << finer.status().ToString();
  EXPECT_GT(finer->bytes.size(), out->bytes.size());
  PipelineOptions webp = base;
  webp.output_format = ImageFormat::kWebp;
  auto selected = (*pipeline)->AnonymizeSelection(png, Selection{}, webp);
  ASSERT_TRUE(selected.ok()) << selected.status().ToString();
  EXPECT_EQ(selected->output_format, ImageFormat::kWebp);
  // The defaults given to Create() are untouched by the calls.
  auto again = (*pipeline)->Anonymize(png);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->output_format, ImageFormat::kPng);

  EXPECT_EQ(NetworkLoads(), loads) << "a call loaded a network again";
}

TEST(PipelineCallTest, ACallCannotChangeWhatWasLoaded) {
  const std::vector<uint8_t> png =
      testing::ReadBytes(testing::TestData("astronaut.png"));
  ASSERT_FALSE(png.empty());
  auto pipeline = Pipeline::Create(BlazeFaceFast());
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().ToString();
  PipelineOptions other = BlazeFaceFast();
  other.detector.model = ModelKind::kShortRange;
  EXPECT_EQ((*pipeline)->Detect(png, other).status().code(),
            Status::Code::kInvalidArgument);
  other = BlazeFaceFast();
  other.detector.model_file = "other.tflite";
  EXPECT_EQ((*pipeline)->Anonymize(png, other).status().code(),
            Status::Code::kInvalidArgument);
  other = BlazeFaceFast();
  other.detector.score_threshold = 3;
  EXPECT_EQ(
      (*pipeline)->AnonymizeSelection(png, Selection{}, other).status().code(),
      Status::Code::kInvalidArgument);
  EXPECT_TRUE((*pipeline)->CheckCall(BlazeFaceFast()).ok());
}

}  // namespace
}  // namespace faceveil
