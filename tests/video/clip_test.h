// A test fixture for tests that read the clips scripts/make-test-clips.sh
// makes (in .deps/testdata/clips/v2) and write into a fresh directory of
// their own.
#ifndef FACEVEIL_TESTS_VIDEO_CLIP_TEST_H_
#define FACEVEIL_TESTS_VIDEO_CLIP_TEST_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <string>

namespace faceveil::testing {

class ClipTest : public ::testing::Test {
 protected:
  // Makes the clips once per suite (the script keeps clips already made).
  static void SetUpTestSuite() {
    clips_made_ = std::system("bash '" FACEVEIL_SOURCE_DIR
                              "/scripts/make-test-clips.sh' >&2") == 0;
  }
  void SetUp() override {
    ASSERT_TRUE(clips_made_) << "scripts/make-test-clips.sh failed; it needs "
                                "the ffmpeg CLI (scripts/setup.sh --test)";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("faceveil_" + std::string(info->test_suite_name()) + "_" +
            std::to_string(getpid()) + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Clip(const std::string& name) {
    return std::string(FACEVEIL_TESTDATA_DIR) + "/clips/v2/" + name;
  }
  // A path in this test's own directory.
  std::string Out(const std::string& name) const {
    return (dir_ / name).string();
  }
  size_t FilesInDir() const {
    return std::distance(std::filesystem::directory_iterator(dir_),
                         std::filesystem::directory_iterator());
  }

  static inline bool clips_made_ = false;
  std::filesystem::path dir_;
};

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_VIDEO_CLIP_TEST_H_
