// `faceveil anonymize` on a video that is stopped half-way (SIGINT, SIGTERM,
// SIGHUP) or rewritten --in-place: no temporary file is ever left behind,
// and an input is either untouched or wholly replaced.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "common/run_faceveil.h"
#include "video/clip_test.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  return names;
}

class VideoStopTest : public faceveil::testing::ClipTest {
 protected:
  // Starts faceveil on `input` with stdout and stderr into `log`; -1 when
  // it could not start.
  static pid_t Start(const std::vector<std::string>& args,
                     const fs::path& log) {
    std::vector<char*> argv;
    std::string binary = FACEVEIL_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr,
                               argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
  }
};

// Full, thorough detection on every frame makes the 2 s clip take many
// seconds, so the command is surely still writing when the signal comes;
// it is sent as soon as the temporary output exists, so the test is quick.
TEST_F(VideoStopTest, StoppedVideoLeavesNoTemporaryFile) {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    SCOPED_TRACE(sigabbrev_np(sig));
    const fs::path out = dir_ / ("out-" + std::to_string(sig));
    fs::create_directories(out);
    const fs::path log = dir_ / ("log-" + std::to_string(sig));
    const pid_t pid =
        Start({"anonymize", Clip("pan.mp4"), "-o", (out / "clip.mp4").string(),
               "--mode", "thorough", "--detect-every", "1"},
              log);
    ASSERT_GT(pid, 0);
    bool writing = false;
    int status = 0;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!writing && std::chrono::steady_clock::now() < deadline) {
      for (const std::string& name : Names(out)) {
        writing |= name.find(".faceveil-") != std::string::npos;
      }
      if (!writing) {
        ASSERT_EQ(waitpid(pid, &status, WNOHANG), 0)
            << "faceveil ended before it could be stopped: " << ReadAll(log);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    ASSERT_TRUE(writing) << "no temporary output appeared: " << ReadAll(log);
    // Past the start: frames are being encoded into the temporary file.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_EQ(kill(pid, sig), 0);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    // Ended by that signal, as the shell expects, after cleaning up.
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig)
        << "status " << status << ": " << ReadAll(log);
    EXPECT_EQ(Names(out), std::vector<std::string>{}) << ReadAll(log);
    EXPECT_NE(
        ReadAll(log).find(std::string("stopped (SIG") + sigabbrev_np(sig) +
                          "); unfinished outputs removed"),
        std::string::npos)
        << ReadAll(log);
  }
}

TEST_F(VideoStopTest, InPlaceReplacesTheVideo) {
  const fs::path clip = dir_ / "in" / "clip.mp4";
  fs::create_directories(clip.parent_path());
  fs::copy_file(Clip("pan.mp4"), clip);
  const std::string before = ReadAll(clip);
  auto run = faceveil::testing::RunFaceveil("anonymize --in-place '" +
                                            clip.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("clip.mp4: 50 frames"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1 of 1 files anonymized"), std::string::npos)
      << run.out;
  EXPECT_NE(ReadAll(clip), before);
  EXPECT_EQ(Names(clip.parent_path()), std::vector<std::string>{"clip.mp4"});
}

}  // namespace
