// Placeholder until the eval subcommand lands; its owner replaces this file.
#include <iostream>

#include "commands.h"

namespace faceveil::cli {

void AddEvalCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("eval", "(not yet available)");
  cmd->callback([exit_code] {
    std::cerr << "faceveil eval: not yet available\n";
    *exit_code = kExitUsage;
  });
}

}  // namespace faceveil::cli
