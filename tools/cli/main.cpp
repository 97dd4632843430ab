// faceveil: find every face in photos and videos and anonymize it, offline.
#include <CLI/CLI.hpp>
#include <string>

#include "commands.h"
#include "version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "faceveil: a private, offline face anonymizer.\n"
      "Finds every face in photos and blurs it, on this machine only.\n\n"
      "Examples:\n"
      "  faceveil anonymize photo.jpg -o photo-anon.jpg\n"
      "  faceveil anonymize ~/Pictures/party -o ~/Pictures/party-anon\n"
      "  faceveil detect photo.jpg            # faces as JSON Lines\n",
      "faceveil"};
  // The first line is what packaging and man pages read.
  std::string version = std::string("faceveil ") + faceveil::cli::kVersion +
                        "\nembedded models:\n" + faceveil::cli::kModelVersions;
  if (version.back() == '\n') version.pop_back();
  app.set_version_flag("--version", version);
  app.require_subcommand(1);
  app.fallthrough();

  int exit_code = faceveil::cli::kExitOk;
  faceveil::cli::AddAnonymizeCommand(app, &exit_code);
  faceveil::cli::AddDetectCommand(app, &exit_code);
  faceveil::cli::AddEvalCommand(app, &exit_code);
  faceveil::cli::AddServeCommand(app, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : faceveil::cli::kExitUsage;
  }
  return exit_code;
}
