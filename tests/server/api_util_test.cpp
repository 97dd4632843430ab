#include "api_util.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api.h"
#include "detect/load_once.h"
#include "faceveil/detector.h"
#include "faceveil/settings.h"
#include "pipeline_cache.h"

namespace faceveil::server {
namespace {

TEST(ParseRegionsTest, AcceptsBoxes) {
  auto boxes = ParseRegions("[[1, 2, 3, 4], [0.5, 0, 10.25, 1]]");
  ASSERT_TRUE(boxes.ok()) << boxes.status().ToString();
  ASSERT_EQ(boxes->size(), 2u);
  EXPECT_FLOAT_EQ((*boxes)[0].x, 1);
  EXPECT_FLOAT_EQ((*boxes)[0].h, 4);
  EXPECT_FLOAT_EQ((*boxes)[1].w, 10.25f);
  EXPECT_TRUE(ParseRegions("[]").ok());
}

TEST(ParseRegionsTest, RejectsMalformed) {
  for (const char* bad :
       {"", "{}", "[", "[[1,2,3]]", "[[1,2,3,4,5]]", "[[1,2,0,4]]",
        "[[1,2,3,-4]]", "[[\"1\",2,3,4]]", "[[1,2,3,1e999]]", "[1,2,3,4]"}) {
    auto r = ParseRegions(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
    }
  }
}

TEST(ParseRegionsTest, RejectsTooMany) {
  std::string many = "[";
  for (size_t i = 0; i <= kMaxSelectionItems; ++i) {
    many += std::string(i ? "," : "") + "[0,0,1,1]";
  }
  many += "]";
  EXPECT_FALSE(ParseRegions(many).ok());
}

TEST(ParseFacesTest, ReadsTheDetectSchemaAndRejectsEmptyBoxes) {
  auto faces = ParseFaces(R"([{"box": [10, 20, 30, 40], "score": 0.9}])");
  ASSERT_TRUE(faces.ok()) << faces.status().ToString();
  ASSERT_EQ(faces->size(), 1u);
  EXPECT_FLOAT_EQ((*faces)[0].box.w, 30);
  EXPECT_FALSE(ParseFaces(R"([{"box": [10, 20, 0, 40]}])").ok());
  EXPECT_FALSE(ParseFaces("[{").ok());
}

TEST(ErrorJsonTest, EscapesAndSurvivesBadUtf8) {
  const auto body = nlohmann::json::parse(ErrorJson("a \"quoted\" \xff name"));
  EXPECT_NE(body["error"].get<std::string>().find("\"quoted\""),
            std::string::npos);
}

TEST(HttpStatusForTest, MapsCodes) {
  EXPECT_EQ(HttpStatusFor(Status::InvalidArgument("x")), 400);
  EXPECT_EQ(HttpStatusFor(Status::Corrupt("x")), 400);
  EXPECT_EQ(HttpStatusFor(Status::TooLarge("x")), 413);
  EXPECT_EQ(HttpStatusFor(Status::Unsupported("x")), 415);
  EXPECT_EQ(HttpStatusFor(Status::Internal("x")), 500);
  EXPECT_EQ(HttpStatusFor(Status::Cancelled("x")), 503);
}

TEST(DownloadNameTest, KeepsASafeStemOnly) {
  EXPECT_EQ(DownloadName("holiday.JPG", ImageFormat::kJpeg),
            "holiday-anon.jpg");
  EXPECT_EQ(DownloadName("../../etc/passwd.png", ImageFormat::kPng),
            "passwd-anon.png");
  EXPECT_EQ(DownloadName("C:\\x\\a b\"c.png", ImageFormat::kPng),
            "abc-anon.png");
  EXPECT_EQ(DownloadName("", ImageFormat::kWebp), "image-anon.webp");
  EXPECT_EQ(DownloadName(".hidden", ImageFormat::kPng), "hidden-anon.png");
  EXPECT_EQ(DownloadName("\xc3\xa9t\xc3\xa9.heic", ImageFormat::kJpeg),
            "t-anon.jpg");
  EXPECT_EQ(
      DownloadName(std::string(300, 'a') + ".png", ImageFormat::kPng).size(),
      64u + 9u);
}

TEST(MimeTypeForTest, Formats) {
  EXPECT_STREQ(MimeTypeFor(ImageFormat::kJpeg), "image/jpeg");
  EXPECT_STREQ(MimeTypeFor(ImageFormat::kPng), "image/png");
  EXPECT_STREQ(MimeTypeFor(ImageFormat::kWebp), "image/webp");
  EXPECT_STREQ(MimeTypeFor(ImageFormat::kUnknown), "application/octet-stream");
}

// Regression (issue 13): with `serve --detector blazeface`, the mode list of
// /api/settings (what the page shows and sets) gave the ensemble's
// thresholds, e.g. 0.6 for fast instead of BlazeFace's 0.36.
TEST(SettingsJsonTest, ModeThresholdsFollowTheServersModels) {
  for (DetectorModels models :
       {DetectorModels::kBlazeFace, DetectorModels::kCrowdNet,
        DetectorModels::kSsd, DetectorModels::kEnsemble}) {
    PipelineOptions base;
    base.detector.models = models;
    const auto body =
        nlohmann::json::parse(BuildSettingsJson(base, {}, int64_t{64} << 20));
    bool found = false;
    for (const auto& s : body["settings"]) {
      if (s["name"] != "mode") continue;
      found = true;
      for (DetectionMode mode :
           {DetectionMode::kSingle, DetectionMode::kFast,
            DetectionMode::kBalanced, DetectionMode::kThorough}) {
        EXPECT_FLOAT_EQ(s["thresholds"][DetectionModeName(mode)].get<float>(),
                        DefaultScoreThreshold(mode, models))
            << DetectorModelsName(models) << " " << DetectionModeName(mode);
      }
    }
    EXPECT_TRUE(found);
  }
}

TEST(SettingsJsonTest, ListsTheTablesListedSettingsInItsOrder) {
  const auto body = nlohmann::json::parse(
      BuildSettingsJson(PipelineOptions{}, {{"style", "pixelate"}}, 1));
  std::vector<std::string> names, expected;
  for (const auto& s : body["settings"]) {
    names.push_back(s["name"]);
    const SettingInfo* info = FindSetting(s["name"]);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(s["group"], info->group);
    EXPECT_EQ(s["help"], info->help);
    EXPECT_EQ(s["default"],
              info->name == "style" ? "pixelate" : info->default_value);
  }
  for (const SettingInfo& s : AllSettings()) {
    if (s.listed) expected.push_back(s.name);
  }
  EXPECT_EQ(names, expected);
}

// Issue 13: the cache keyed pipelines on every setting but the
// anonymization ones, so a page changing threshold, mode or quality loaded
// both networks again. Only what Create() loads selects a pipeline now.
TEST(PipelineCacheTest, PerCallSettingsShareTheLoadedPipeline) {
  PipelineOptions base;
  base.detector.models = DetectorModels::kBlazeFace;  // cheap to load
  PipelineCache cache(base, 2);
  ASSERT_TRUE(cache.Init().ok());
  const int64_t loads = NetworkLoads();
  auto shared = cache.Get({});
  ASSERT_TRUE(shared.ok());
  for (const Settings& settings :
       std::vector<Settings>{{{"threshold", "0.4"}},
                             {{"mode", "fast"}},
                             {{"mode", "thorough"}, {"threshold", "0.3"}},
                             {{"quality", "80"}, {"format", "png"}},
                             {{"style", "pixelate"}},
                             {{"model", "full"}}}) {
    auto got = cache.Get(settings);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->get(), shared->get()) << settings.begin()->first;
  }
  EXPECT_EQ(NetworkLoads(), loads);
  // Another model is another pipeline, loaded once.
  auto short_range = cache.Get({{"model", "short"}});
  ASSERT_TRUE(short_range.ok()) << short_range.status().ToString();
  EXPECT_NE(short_range->get(), shared->get());
  EXPECT_EQ(NetworkLoads(), loads + 1);
  auto again = cache.Get({{"model", "short"}, {"threshold", "0.2"}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), short_range->get());
  EXPECT_EQ(NetworkLoads(), loads + 1);
  auto options = cache.Resolve({{"model", "short"}, {"mode", "fast"}});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(PipelineKey(base, *options), "model=short\n");
  EXPECT_TRUE((*again)->CheckCall(*options).ok());
  EXPECT_FALSE(cache.Get({{"threshold", "2"}}).ok());
}

// Issue 13: the CLI's detection flags became rows of the settings table;
// a request must still not choose what only the command line may: a file
// for the server to read, the back end, the expert flags.
TEST(PipelineCacheTest, RequestsCannotChooseCommandLineOnlySettings) {
  PipelineCache cache(PipelineOptions{}, 1);
  const std::string model =
      std::string(FACEVEIL_MODEL_DIR) + "/full_range.tflite";
  for (const Settings& settings :
       std::vector<Settings>{{{"model-file", model}},
                             {{"detector", "ssd"}},
                             {{"nms-threshold", "0.5"}},
                             {{"ssd-size", "640"}}}) {
    SCOPED_TRACE(settings.begin()->first);
    auto resolved = cache.Resolve(settings);
    ASSERT_FALSE(resolved.ok());
    EXPECT_EQ(resolved.status().message(),
              "unknown setting '" + settings.begin()->first + "'");
  }
  // What the page offers still resolves.
  EXPECT_TRUE(cache.Resolve({{"min-face", "30"}, {"mode", "fast"}}).ok());
}

}  // namespace
}  // namespace faceveil::server
