#include "setting_flags.h"

#include <cctype>

#include "faceveil/settings.h"

namespace faceveil::cli {

void SettingFlags::AddTo(CLI::App* cmd, const std::string& group,
                         const std::string& role) {
  cmd_ = cmd;
  for (const SettingInfo& s : SettingsOfGroup(group)) {
    // An empty default (model-file: the built-in model) is not shown.
    std::string help = s.help + role;
    if (!s.default_value.empty()) help += " [default: " + s.default_value + "]";
    CLI::Option* flag =
        s.default_value == "false"
            ? cmd->add_flag("--" + s.name, switches_[s.name], help)
            : cmd->add_option("--" + s.name, values_[s.name], help)
                  ->type_name(s.value_name);
    if (!s.in_help) flag->group("");
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

Status SettingFlags::ApplyTo(PipelineOptions* options) const {
  for (auto [name, value] : Given()) {
    // The names of a setting with a list of them ("ensemble|blazeface|...")
    // are taken in any case on the command line (--detector SSD); the
    // table, like the API, takes them as it prints them.
    const SettingInfo* info = FindSetting(name);
    if (info != nullptr && info->value_name.find('|') != std::string::npos) {
      for (char& c : value) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    FACEVEIL_RETURN_IF_ERROR(ApplySetting(options, name, value));
  }
  return Status::Ok();
}

}  // namespace faceveil::cli
