// Placeholder until the detect subcommand lands; its owner replaces this file.
#include <iostream>

#include "commands.h"

namespace faceveil::cli {

void AddDetectCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("detect", "(not yet available)");
  cmd->callback([exit_code] {
    std::cerr << "faceveil detect: not yet available\n";
    *exit_code = kExitUsage;
  });
}

}  // namespace faceveil::cli
