#include "setting_flags.h"

#include "faceveil/settings.h"

namespace faceveil::cli {

void SettingFlags::AddTo(CLI::App* cmd, const std::string& role) {
  cmd_ = cmd;
  for (const SettingInfo& s : AnonymizeSettings()) {
    const std::string help =
        s.help + role + " [default: " + s.default_value + "]";
    if (s.default_value == "false") {
      cmd->add_flag("--" + s.name, switches_[s.name], help);
    } else {
      cmd->add_option("--" + s.name, values_[s.name], help)
          ->type_name(s.value_name);
    }
  }
}

std::map<std::string, std::string> SettingFlags::Given() const {
  std::map<std::string, std::string> given;
  for (const auto& [name, value] : values_) {
    if (cmd_->count("--" + name) > 0) given[name] = value;
  }
  for (const auto& [name, on] : switches_) {
    if (on) given[name] = "true";
  }
  return given;
}

}  // namespace faceveil::cli
