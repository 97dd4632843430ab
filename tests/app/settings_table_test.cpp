// The one settings table (issue 13) that the CLI's flags, /api/settings and
// the server's choice of pipeline read: defaults, read-back, what loads.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "faceveil/settings.h"

namespace faceveil {
namespace {

TEST(SettingsTableTest, EveryDefaultIsTheBuiltInValueAndReadsBack) {
  std::set<std::string> names;
  for (const SettingInfo& s : AllSettings()) {
    SCOPED_TRACE(s.name);
    EXPECT_TRUE(names.insert(s.name).second) << "listed twice";
    EXPECT_TRUE(s.group == "detect" || s.group == "anonymize") << s.group;
    EXPECT_FALSE(s.help.empty());
    EXPECT_EQ(FindSetting(s.name), &s);
    EXPECT_EQ(SettingValue(PipelineOptions{}, s.name), s.default_value);
    PipelineOptions fresh;
    ASSERT_TRUE(ApplySetting(&fresh, s.name, s.default_value).ok());
    EXPECT_EQ(SettingValue(fresh, s.name), s.default_value);
  }
  EXPECT_EQ(FindSetting("nonsense"), nullptr);
  EXPECT_EQ(SettingValue(PipelineOptions{}, "nonsense"), "");
}

TEST(SettingsTableTest, ValuesSetReadBack) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"mode", "thorough"},      {"model", "short"},
      {"threshold", "0.45"},     {"detector", "ssd"},
      {"nms-threshold", "0.45"}, {"ssd-size", "640"},
      {"min-face", "30"},        {"style", "pixelate"},
      {"shape", "ellipse"},      {"mask-scale", "2.5"},
      {"strength", "1.5"},       {"color", "#ff8000"},
      {"color", "white"},        {"outline", "true"},
      {"format", "png"},         {"quality", "80"},
      {"keep-metadata", "safe"}, {"crowdnet-verifier", "off"}};
  for (const auto& [name, value] : values) {
    PipelineOptions o;
    ASSERT_TRUE(ApplySetting(&o, name, value).ok()) << name;
    EXPECT_EQ(SettingValue(o, name), value) << name;
  }
}

TEST(SettingsTableTest, OnlyTheModelSelectsAPipeline) {
  std::vector<std::string> loads;
  for (const SettingInfo& s : AllSettings()) {
    if (s.loads) loads.push_back(s.name);
  }
  // The model file is chosen on the command line only (below).
  EXPECT_EQ(loads, (std::vector<std::string>{"model", "model-file"}));
  // The CLI's --style ... flags: the anonymize group, in table order.
  std::vector<std::string> anonymize, expected;
  for (const SettingInfo& s : AnonymizeSettings()) anonymize.push_back(s.name);
  for (const SettingInfo& s : AllSettings()) {
    if (s.group == "anonymize") expected.push_back(s.name);
  }
  EXPECT_EQ(anonymize, expected);
  EXPECT_EQ(anonymize.front(), "style");
}

// Issue 13: the CLI's detection flags are rows of the table too; those the
// page does not offer are neither listed nor taken from a request (a file
// the server would read, the back end, expert flags).
TEST(SettingsTableTest, CommandLineOnlySettingsAreNotListedNorRequested) {
  std::vector<std::string> command_line_only;
  for (const SettingInfo& s : AllSettings()) {
    if (s.in_requests) continue;
    command_line_only.push_back(s.name);
    EXPECT_FALSE(s.listed) << s.name;
  }
  EXPECT_EQ(command_line_only,
            (std::vector<std::string>{"detector", "nms-threshold", "model-file",
                                      "ssd-size", "crowdnet-verifier",
                                      "crowdnet-mirror"}));
  EXPECT_FALSE(FindSetting("ssd-size")->in_help);
  EXPECT_FALSE(FindSetting("crowdnet-verifier")->in_help);
  // Each detection flag's checks are the library's.
  PipelineOptions o;
  EXPECT_FALSE(ApplySetting(&o, "crowdnet-verifier", "maybe").ok());
  EXPECT_FALSE(ApplySetting(&o, "ssd-size", "10").ok());
  EXPECT_FALSE(ApplySetting(&o, "nms-threshold", "1.5").ok());
  EXPECT_FALSE(ApplySetting(&o, "model-file", "/nonexistent.tflite").ok());
  EXPECT_FALSE(ApplySetting(&o, "detector", "medium").ok());
  // Like the mode, the detector drops a threshold chosen before it, so that
  // the one measured for it applies; a threshold after it stays.
  ASSERT_TRUE(ApplySetting(&o, "threshold", "0.9").ok());
  ASSERT_TRUE(ApplySetting(&o, "detector", "blazeface").ok());
  EXPECT_FLOAT_EQ(
      ScoreThreshold(o.detector),
      DefaultScoreThreshold(o.detector.mode, DetectorModels::kBlazeFace));
}

}  // namespace
}  // namespace faceveil
