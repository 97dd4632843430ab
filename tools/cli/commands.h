// The faceveil command's subcommands. Each Add*Command() registers one
// subcommand (its options and its callback) on the root CLI11 app; the
// callback stores its exit code in *exit_code. Subcommands share option
// parsing through the Add*Options() helpers, so a flag means the same thing
// everywhere.
#ifndef FACEVEIL_TOOLS_CLI_COMMANDS_H_
#define FACEVEIL_TOOLS_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace faceveil::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;        // everything done
inline constexpr int kExitFailures = 1;  // some inputs failed; others done
inline constexpr int kExitUsage = 2;     // bad command line

void AddDetectCommand(CLI::App& app, int* exit_code);
void AddEvalCommand(CLI::App& app, int* exit_code);
void AddAnonymizeCommand(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);

}  // namespace faceveil::cli

#endif  // FACEVEIL_TOOLS_CLI_COMMANDS_H_
