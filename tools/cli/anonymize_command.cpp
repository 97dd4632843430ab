// Placeholder until the anonymize subcommand lands; its owner replaces this
// file.
#include <iostream>

#include "commands.h"

namespace faceveil::cli {

void AddAnonymizeCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("anonymize", "(not yet available)");
  cmd->callback([exit_code] {
    std::cerr << "faceveil anonymize: not yet available\n";
    *exit_code = kExitUsage;
  });
}

}  // namespace faceveil::cli
