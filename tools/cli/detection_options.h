// The teaching text of the detection flags that every subcommand finding
// faces shares (detect, anonymize, eval, serve). The flags themselves come
// from the one settings table (setting_flags.h, group "detect"), so that
// --model and --threshold mean the same thing everywhere, the server
// included.
#ifndef FACEVEIL_TOOLS_CLI_DETECTION_OPTIONS_H_
#define FACEVEIL_TOOLS_CLI_DETECTION_OPTIONS_H_

#include <string>

namespace faceveil::cli {

// A paragraph for a subcommand's --help footer: what the modes, detectors
// and models do and what they cost, and the meaning of the threshold.
std::string DetectionOptionsHelp();

}  // namespace faceveil::cli

#endif  // FACEVEIL_TOOLS_CLI_DETECTION_OPTIONS_H_
