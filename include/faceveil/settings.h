// Named settings shared by every front end: the CLI's flags (--style blur)
// and the web API's fields ({"style": "blur"}) are the same names with the
// same meaning and the same checks, parsed here and nowhere else.
#ifndef FACEVEIL_SETTINGS_H_
#define FACEVEIL_SETTINGS_H_

#include <string>
#include <vector>

#include "faceveil/pipeline.h"
#include "faceveil/status.h"

namespace faceveil {

struct SettingInfo {
  std::string name;        // e.g. "style"
  std::string value_name;  // e.g. "blur|pixelate|solid"
  std::string help;        // one sentence for --help and the API docs
  std::string default_value;
};

// Every setting, in the order --help lists them.
const std::vector<SettingInfo>& AnonymizeSettings();

// Sets one setting by name from its text value. Unknown names and bad
// values are InvalidArgument with a message a person can act on.
Status ApplySetting(PipelineOptions* options, const std::string& name,
                    const std::string& value);

// "#rrggbb", "black", "white", "gray"/"grey" → BGR.
Result<cv::Scalar> ParseColor(const std::string& text);

}  // namespace faceveil

#endif  // FACEVEIL_SETTINGS_H_
