// `--detector` on the faceveil command: parsing, help, and the report of
// SSD-only faces (no keypoints).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "common/run_faceveil.h"

namespace {

using faceveil::testing::CommandRun;
using CliRun = CommandRun;

CliRun Faceveil(const std::string& args) {
  return faceveil::testing::RunFaceveil(args,
                                        faceveil::testing::Stderr::kDiscard);
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
