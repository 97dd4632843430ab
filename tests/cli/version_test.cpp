// `faceveil --version`: the CMake project version (the one place it is set,
// which the Debian packages also take theirs from) and every model the binary
// embeds, as pinned in models/models.txt.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/run_faceveil.h"

namespace {

struct PinnedModel {
  std::string name, spec, sha256;
};

// The rows of models/models.txt marked "embed".
std::vector<PinnedModel> EmbeddedModels() {
  std::ifstream in(FACEVEIL_MODELS_TXT);
  std::vector<PinnedModel> models;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, spec, path, sha, use;
    if (fields >> name >> spec >> path >> sha >> use && use == "embed") {
      models.push_back({name, spec, sha});
    }
  }
  return models;
}

TEST(VersionTest, FirstLineIsTheProjectVersion) {
  const auto run = faceveil::testing::RunFaceveil("--version");
  EXPECT_EQ(run.exit_code, 0);
  const auto lines = run.Lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], std::string("faceveil ") + FACEVEIL_PROJECT_VERSION);
}

TEST(VersionTest, NamesEveryEmbeddedModelWithItsPackageAndHash) {
  const auto models = EmbeddedModels();
  ASSERT_GE(models.size(), 3u) << "models.txt unreadable: " FACEVEIL_MODELS_TXT;
  const auto run = faceveil::testing::RunFaceveil("--version");
  EXPECT_EQ(run.exit_code, 0);
  const auto lines = run.Lines();
  // One line per model after the version and the heading.
  EXPECT_EQ(lines.size(), models.size() + 2) << run.out;
  for (const PinnedModel& m : models) {
    const std::string origin =
        m.spec == "repo" ? std::string("faceveil's own") : m.spec;
    bool found = false;
    for (const std::string& line : lines) {
      found |=
          line.find("  " + m.name + ": " + origin) == 0 &&
          line.find("sha256 " + m.sha256.substr(0, 12)) != std::string::npos;
    }
    EXPECT_TRUE(found) << m.name << " (" << origin << ") missing in:\n"
                       << run.out;
  }
}

}  // namespace
