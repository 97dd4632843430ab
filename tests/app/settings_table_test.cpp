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
      {"mode", "thorough"},  {"model", "short"},       {"threshold", "0.45"},
      {"min-face", "30"},    {"style", "pixelate"},    {"shape", "ellipse"},
      {"mask-scale", "2.5"}, {"strength", "1.5"},      {"color", "#ff8000"},
      {"color", "white"},    {"outline", "true"},      {"format", "png"},
      {"quality", "80"},     {"keep-metadata", "safe"}};
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
  EXPECT_EQ(loads, std::vector<std::string>{"model"});
  // The CLI's --style ... flags: the anonymize group, in table order.
  std::vector<std::string> anonymize, expected;
  for (const SettingInfo& s : AnonymizeSettings()) anonymize.push_back(s.name);
  for (const SettingInfo& s : AllSettings()) {
    if (s.group == "anonymize") expected.push_back(s.name);
  }
  EXPECT_EQ(anonymize, expected);
  EXPECT_EQ(anonymize.front(), "style");
}

}  // namespace
}  // namespace faceveil
