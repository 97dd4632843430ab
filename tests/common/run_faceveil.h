// Runs the built faceveil command (FACEVEIL_BINARY) from end-to-end tests and
// captures what it prints.
#ifndef FACEVEIL_TESTS_COMMON_RUN_FACEVEIL_H_
#define FACEVEIL_TESTS_COMMON_RUN_FACEVEIL_H_

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace faceveil::testing {

// Where the command's stderr goes.
enum class Stderr {
  kMerge,    // into CommandRun::out, after stdout as it comes
  kToLog,    // the test's own stderr (the ctest log)
  kDiscard,  // nowhere
};

struct CommandRun {
  int exit_code = -1;  // -1: the command did not start or was killed
  std::string out;     // stdout (and stderr with Stderr::kMerge)

  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::istringstream s(out);
    for (std::string line; std::getline(s, line);) lines.push_back(line);
    return lines;
  }
};

// `args` are appended to the command line as they are (already
// shell-quoted where needed).
inline CommandRun RunFaceveil(const std::string& args,
                              Stderr err = Stderr::kMerge) {
  std::string cmd = std::string("'") + FACEVEIL_BINARY + "' " + args;
  if (err == Stderr::kMerge) cmd += " 2>&1";
  if (err == Stderr::kDiscard) cmd += " 2>/dev/null";
  CommandRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    run.out.append(buf.data(), n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_COMMON_RUN_FACEVEIL_H_
