// Named settings shared by every front end: the CLI's flags (--style blur)
// and the web API's fields ({"style": "blur"}) are the same names with the
// same meaning and the same checks, parsed here and nowhere else. One table
// (src/app/settings.cpp) holds each setting's name, group, help, default
// and parser: the CLI's flags, /api/settings and the server's choice of
// pipeline all read it.
#ifndef FACEVEIL_SETTINGS_H_
#define FACEVEIL_SETTINGS_H_

#include <string>
#include <vector>

#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil {

struct SettingInfo {
  std::string name;        // e.g. "style"
  std::string group;       // "detect" or "anonymize": the page's section
  std::string value_name;  // e.g. "blur|pixelate|solid"
  std::string help;        // one sentence for --help and the API docs
  // The built-in value (of PipelineOptions{}) as ApplySetting() takes it.
  std::string default_value;
  // Changes what Pipeline::Create() loads, so that a request with it needs
  // a pipeline of its own (the server's cache key). The other settings go
  // with each call (Pipeline's `call` options) on an already loaded one.
  bool loads = false;
  // Listed by /api/settings, where the page shows every listed setting; an
  // unlisted one is still accepted by ApplySetting().
  bool listed = true;
  // Taken from a web API request. False for what only the command line may
  // choose: a file the server would read (model-file), expert measuring
  // flags and the back end (detector), which the page does not offer.
  bool in_requests = true;
  // Shown by --help; false for expert flags kept for measuring (ssd-size).
  bool in_help = true;
};

// Every setting, in the order --help and /api/settings list them.
const std::vector<SettingInfo>& AllSettings();

// The entry of AllSettings() named `name`; null when there is none.
const SettingInfo* FindSetting(const std::string& name);

// The settings of `group` ("detect": how faces are found; "anonymize": how
// they are hidden and the output written), in AllSettings()' order: the
// CLI's --mode ... and --style ... flags (tools/cli/setting_flags.h).
std::vector<SettingInfo> SettingsOfGroup(const std::string& group);

// SettingsOfGroup("anonymize").
const std::vector<SettingInfo>& AnonymizeSettings();

// Sets one setting by name from its text value. Unknown names and bad
// values are InvalidArgument with a message a person can act on. Settings
// apply in name order when several are given (a std::map of them): "mode"
// and "detector" drop a threshold chosen before them, so that the one
// measured for them applies, and "threshold" comes after both.
Status ApplySetting(PipelineOptions* options, const std::string& name,
                    const std::string& value);

// The value of setting `name` in `options`, as text ApplySetting() takes
// ("balanced", "0.38", "#ff0000"); empty for an unknown name.
std::string SettingValue(const PipelineOptions& options,
                         const std::string& name);

// "#rrggbb", "black", "white", "gray"/"grey" → BGR.
Result<cv::Scalar> ParseColor(const std::string& text);

}  // namespace faceveil

#endif  // FACEVEIL_SETTINGS_H_
