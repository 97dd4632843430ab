// `--detector` on the faceveil command: parsing, help, and the report of
// SSD-only faces (no keypoints).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun Faceveil(const std::string& args) {
  const std::string cmd =
      std::string("'") + FACEVEIL_BINARY + "' " + args + " 2>/dev/null";
  CliRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

const std::string kAstronaut =
    std::string("'") + FACEVEIL_TESTDATA_DIR + "/astronaut.png'";

TEST(DetectorCliTest, HelpTeachesTheDetectors) {
  for (const char* sub : {"detect", "anonymize", "eval"}) {
    const CliRun run = Faceveil(std::string(sub) + " --help");
    EXPECT_EQ(run.exit_code, 0) << sub;
    EXPECT_NE(run.out.find("--detector"), std::string::npos) << sub;
    for (const char* word : {"ensemble", "blazeface", "ssd", "WIDER FACE"}) {
      EXPECT_NE(run.out.find(word), std::string::npos) << sub << ": " << word;
    }
  }
}

TEST(DetectorCliTest, EachDetectorFindsTheAstronaut) {
  for (const char* d : {"ensemble", "blazeface", "ssd", "SSD"}) {
    const CliRun run =
        Faceveil(std::string("detect --detector ") + d + " " + kAstronaut);
    EXPECT_EQ(run.exit_code, 0) << d;
    EXPECT_NE(run.out.find("\"box\""), std::string::npos) << d << run.out;
  }
}

TEST(DetectorCliTest, UnknownDetectorIsAUsageError) {
  EXPECT_EQ(Faceveil("detect --detector yunet " + kAstronaut).exit_code, 2);
  EXPECT_EQ(Faceveil("detect --ssd-size 10 " + kAstronaut).exit_code, 2);
}

}  // namespace
