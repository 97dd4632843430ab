// One --<name> flag per library setting (faceveil/settings.h), for every
// subcommand: the flags, their help, defaults and checks are the rows of the
// one settings table that /api/settings and the server's pipeline cache read
// too, registered, documented and applied here only.
#ifndef FACEVEIL_TOOLS_CLI_SETTING_FLAGS_H_
#define FACEVEIL_TOOLS_CLI_SETTING_FLAGS_H_

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil::cli {

class SettingFlags {
 public:
  // Adds a flag for every setting of `group` (SettingsOfGroup(): "detect"
  // or "anonymize") to `cmd`, in the table's order; `role` (e.g. " (the
  // page's default)") is appended to each help text. Settings that are not
  // in_help are accepted but hidden. May be called once per group; the
  // object must outlive the parse.
  void AddTo(CLI::App* cmd, const std::string& group,
             const std::string& role = "");

  // The settings given on the command line, name → value (boolean ones as
  // "true"); settings not given are absent, so they keep their defaults.
  std::map<std::string, std::string> Given() const;

  // Applies Given() to `*options` through ApplySetting(), the server's
  // parser, in name order (faceveil/settings.h says why that order). A bad
  // value is InvalidArgument with the table's message.
  Status ApplyTo(PipelineOptions* options) const;

 private:
  CLI::App* cmd_ = nullptr;
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> switches_;
};

}  // namespace faceveil::cli

#endif  // FACEVEIL_TOOLS_CLI_SETTING_FLAGS_H_
