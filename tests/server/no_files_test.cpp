// `faceveil serve` writes no file: photos are held in memory for one
// request. The command runs with its working directory, $TMPDIR and $HOME
// in a fresh directory; after a batch of requests (good and bad) the tree
// must be exactly as it was. The request log must not name the uploads.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "server_test_util.h"

extern char** environ;

namespace faceveil::server::testing {
namespace {

namespace fs = std::filesystem;

std::set<std::string> Snapshot(const fs::path& root) {
  std::set<std::string> entries;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    entries.insert(fs::relative(e.path(), root).string() +
                   (e.is_directory() ? "/" : ""));
  }
  return entries;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, n);
  return out;
}

TEST(NoFilesTest, ServingWritesNothingAndLogsNoNames) {
  const std::string png = ReadTestFile("astronaut.png");
  const std::string jpg = ReadTestFile("messi5.jpg");
  ASSERT_FALSE(png.empty() || jpg.empty()) << "run scripts/fetch-testdata.sh";

  char tmpl[] = "/tmp/faceveil-nofiles-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const fs::path root = tmpl;
  fs::create_directories(root / "cwd");
  fs::create_directories(root / "tmp");
  fs::create_directories(root / "home");
  const auto before = Snapshot(root);

  int out_pipe[2], err_pipe[2];
  ASSERT_EQ(pipe(out_pipe), 0);
  ASSERT_EQ(pipe(err_pipe), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  // The child starts in root/cwd (posix_spawn has no chdir before glibc
  // 2.29's addchdir_np, which Debian 12 has).
  posix_spawn_file_actions_addchdir_np(&actions, (root / "cwd").c_str());
  std::vector<std::string> env_storage = {"TMPDIR=" + (root / "tmp").string(),
                                          "HOME=" + (root / "home").string(),
                                          "PATH=/usr/bin:/bin"};
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);
  std::string binary = FACEVEIL_BINARY;
  std::vector<std::string> arg_storage = {binary, "serve", "--port", "0"};
  std::vector<char*> args;
  for (auto& a : arg_storage) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, args.data(),
                        env.data()),
            0);
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);

  // The first line names the port.
  std::string first_line;
  char c;
  while (read(out_pipe[0], &c, 1) == 1 && c != '\n') first_line += c;
  const size_t at = first_line.find("(port ");
  ASSERT_NE(at, std::string::npos) << first_line;
  const int port = std::stoi(first_line.substr(at + 6));
  EXPECT_NE(first_line.find("http://127.0.0.1:" + std::to_string(port) + "/"),
            std::string::npos);

  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  const std::string secret_name = "secret-holiday-name.png";
  int ok = 0;
  auto count = [&](const httplib::Result& res, int want, const char* what) {
    const bool good = res && res->status == want;
    EXPECT_TRUE(good) << what << ": " << (res ? res->body : "no response");
    ok += good;
  };
  for (int round = 0; round < 2; ++round) {
    count(client.Post("/api/detect", png, "image/png"), 200, "detect png");
    count(client.Post("/api/detect?threshold=0.4", jpg, "image/jpeg"), 200,
          "detect jpg with settings");
    count(client.Post("/api/anonymize",
                      httplib::MultipartFormDataItems{
                          {"image", png, secret_name, "image/png"},
                          {"regions", "[[10,10,50,50]]", "", ""}}),
          200, "anonymize png with a region");
    count(client.Post("/api/anonymize?keep-metadata=safe&format=webp",
                      httplib::MultipartFormDataItems{
                          {"image", jpg, "b.jpg", "image/jpeg"}}),
          200, "anonymize jpg to webp keeping safe metadata");
    count(client.Post("/api/anonymize?format=tiff", jpg, "image/jpeg"), 200,
          "anonymize jpg to tiff");
    count(client.Post("/api/detect", png.substr(0, 500), "image/png"), 400,
          "truncated png");
    count(client.Get("/"), 200, "page");
  }
  EXPECT_EQ(ok, 14) << "every request answered as expected";

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "a clean stop on SIGTERM";
  const std::string log = ReadAll(err_pipe[0]);
  close(out_pipe[0]);
  close(err_pipe[0]);

  EXPECT_EQ(Snapshot(root), before) << "files appeared under " << root;
  EXPECT_NE(log.find("POST /api/anonymize 200"), std::string::npos) << log;
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
  EXPECT_EQ(log.find("keep-metadata"), std::string::npos) << log;
  EXPECT_EQ(log.find("threshold"), std::string::npos) << log;
  fs::remove_all(root);
}

}  // namespace
}  // namespace faceveil::server::testing
