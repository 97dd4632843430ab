// One --<name> flag per library setting (faceveil/settings.h), shared by the
// subcommands that take anonymization settings, so each is registered,
// documented and collected in one place.
#ifndef FACEVEIL_TOOLS_CLI_SETTING_FLAGS_H_
#define FACEVEIL_TOOLS_CLI_SETTING_FLAGS_H_

#include <CLI/CLI.hpp>
#include <map>
#include <string>

namespace faceveil::cli {

class SettingFlags {
 public:
  // Adds a flag for every entry of AnonymizeSettings() to `cmd`; `role`
  // (e.g. " (the page's default)") is appended to each help text. The
  // object must outlive the parse.
  void AddTo(CLI::App* cmd, const std::string& role = "");

  // The settings given on the command line, name → value (boolean ones as
  // "true"); settings not given are absent, so they keep their defaults.
  std::map<std::string, std::string> Given() const;

 private:
  CLI::App* cmd_ = nullptr;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> switches_;
};

}  // namespace faceveil::cli

#endif  // FACEVEIL_TOOLS_CLI_SETTING_FLAGS_H_
