// Issue 13: the CLI's setting flags are the rows of the one settings table
// (faceveil/settings.h), so the command line and the server cannot drift:
// every setting is a flag of each subcommand with the table's help and
// default, and a bad value gets the table's own message and exit status 2.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/run_faceveil.h"
#include "faceveil/pipeline.h"
#include "faceveil/settings.h"

namespace faceveil {
namespace {

using testing::RunFaceveil;

// What --help must print for setting `s`: the flag, its value name,
// the table's help and default.
void ExpectFlagDocumented(const std::string& help, const SettingInfo& s,
                          const std::string& role = "") {
  SCOPED_TRACE(s.name);
  // An option line starts with two spaces; the flag may also be named in
  // other help texts.
  const size_t line = help.find("\n  --" + s.name + " ");
  ASSERT_NE(line, std::string::npos) << "no flag --" << s.name;
  const size_t at = line + 3;
  if (s.default_value != "false") {
    EXPECT_EQ(
        help.compare(at + s.name.size() + 3, s.value_name.size(), s.value_name),
        0)
        << "value name";
  }
  std::string text = s.help + role;
  if (!s.default_value.empty()) {
    text += " [default: " + s.default_value + "]";
  }
  EXPECT_NE(help.find(text, at), std::string::npos) << "help: " << text;
}

TEST(SettingFlagsTest, EveryDetectionSettingIsAFlagWithTheTablesHelp) {
  const std::vector<SettingInfo> detect = SettingsOfGroup("detect");
  ASSERT_GE(detect.size(), 8u);
  for (const char* command : {"anonymize", "detect", "eval", "serve"}) {
    SCOPED_TRACE(command);
    const auto run = RunFaceveil(std::string(command) + " --help");
    ASSERT_EQ(run.exit_code, 0) << run.out;
    for (const SettingInfo& s : detect) {
      if (s.in_help) {
        ExpectFlagDocumented(run.out, s);
      } else {
        EXPECT_EQ(run.out.find("--" + s.name), std::string::npos) << s.name;
      }
    }
  }
}

TEST(SettingFlagsTest, EveryAnonymizeSettingIsAFlagWithTheTablesHelp) {
  const auto anonymize = RunFaceveil("anonymize --help");
  const auto serve = RunFaceveil("serve --help");
  ASSERT_EQ(anonymize.exit_code, 0);
  ASSERT_EQ(serve.exit_code, 0);
  for (const SettingInfo& s : AnonymizeSettings()) {
    ExpectFlagDocumented(anonymize.out, s);
    ExpectFlagDocumented(serve.out, s, " (the page's default)");
  }
}

// The value every setting refuses: none of them takes a word like this.
constexpr char kBadValue[] = "nonsense";

TEST(SettingFlagsTest, ABadValueGetsTheTablesMessageAndExitsTwo) {
  const std::string photo =
      std::string(FACEVEIL_TESTDATA_DIR) + "/astronaut.png";
  // Every detection setting on one command; the other commands register
  // their flags through the same SettingFlags, checked with one setting.
  std::vector<std::pair<std::string, std::string>> runs;
  for (const SettingInfo& s : SettingsOfGroup("detect")) {
    runs.push_back({"detect '" + photo + "'", s.name});
  }
  runs.push_back({"anonymize '" + photo + "' -o /dev/null", "threshold"});
  runs.push_back({"eval --gt /dev/null", "mode"});
  for (const auto& [command, name] : runs) {
    SCOPED_TRACE(command + " --" + name);
    PipelineOptions scratch;
    const Status refused = ApplySetting(&scratch, name, kBadValue);
    ASSERT_FALSE(refused.ok());
    const auto run = RunFaceveil(command + " --" + name + " " + kBadValue);
    EXPECT_EQ(run.exit_code, 2) << run.out;
    EXPECT_NE(run.out.find(refused.message()), std::string::npos) << run.out;
  }
}

}  // namespace
}  // namespace faceveil
