// The detection flags every subcommand that finds faces shares (detect,
// anonymize, eval), so that --model and --threshold mean the same thing
// everywhere.
#ifndef FACEVEIL_TOOLS_CLI_DETECTION_OPTIONS_H_
#define FACEVEIL_TOOLS_CLI_DETECTION_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "faceveil/detector.h"
#include "faceveil/status.h"

namespace faceveil::cli {

// Adds --model, --threshold, --nms-threshold and --model-file to `cmd`,
// writing into `*options` as they are parsed. `*options` must outlive the
// parse; its current values are shown as the defaults. CLI11 rejects values
// out of range (usage error) before the callback runs.
void AddDetectionOptions(CLI::App* cmd, DetectorOptions* options);

// A paragraph for a subcommand's --help footer: the models and the meaning
// of the threshold.
std::string DetectionOptionsHelp();

}  // namespace faceveil::cli

#endif  // FACEVEIL_TOOLS_CLI_DETECTION_OPTIONS_H_
