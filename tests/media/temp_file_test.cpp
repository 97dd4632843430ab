// TempFile (base/temp_file.h): the one temporary-output mechanism of photos
// and videos, and RemoveTemporaryFiles(), which a stopped process runs.
#include "base/temp_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "faceveil/file_io.h"

namespace faceveil {
namespace {

namespace fs = std::filesystem;

class TempFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::path(::testing::TempDir()) / "faceveil-temp-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  size_t FileCount() const {
    return std::distance(fs::directory_iterator(dir_),
                         fs::directory_iterator());
  }
  static std::string Contents(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void Write(const TempFile& temp, const std::string& s) {
    ASSERT_EQ(::write(temp.fd(), s.data(), s.size()),
              static_cast<ssize_t>(s.size()));
  }

  fs::path dir_;
};

TEST_F(TempFileTest, HiddenBesideTheOutputAndRemovedUnlessPublished) {
  {
    auto temp = TempFile::Create((dir_ / "out.mp4").string());
    ASSERT_TRUE(temp.ok()) << temp.status().ToString();
    EXPECT_TRUE(fs::exists(temp->path()));
    EXPECT_EQ(fs::path(temp->path()).parent_path(), dir_);
    EXPECT_EQ(fs::path(temp->path()).filename().string().rfind(".out.mp4.", 0),
              0u);
  }
  EXPECT_EQ(FileCount(), 0u);
}

TEST_F(TempFileTest, FollowsTheUmaskAsPhotosDo) {
  const mode_t saved = ::umask(027);
  auto temp = TempFile::Create((dir_ / "a.mkv").string());
  ::umask(saved);
  ASSERT_TRUE(temp.ok());
  ASSERT_TRUE(temp->Publish(false).ok());
  struct stat st;
  ASSERT_EQ(::stat((dir_ / "a.mkv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST_F(TempFileTest, PublishRefusesToReplaceUnlessAsked) {
  const fs::path final = dir_ / "out.mkv";
  std::ofstream(final) << "precious";
  auto refused = TempFile::Create(final.string());
  ASSERT_TRUE(refused.ok());
  Write(*refused, "new");
  Status s = refused->Publish(/*overwrite=*/false);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_EQ(Contents(final), "precious");
  EXPECT_EQ(FileCount(), 1u);  // the refused temporary is gone
  auto replacing = TempFile::Create(final.string());
  ASSERT_TRUE(replacing.ok());
  Write(*replacing, "new");
  ASSERT_TRUE(replacing->Publish(/*overwrite=*/true).ok());
  EXPECT_EQ(Contents(final), "new");
  EXPECT_EQ(FileCount(), 1u);
}

// RemoveTemporaryFiles() stops new outputs for the rest of the process, so
// it runs in a forked child (which shares dir_).
TEST_F(TempFileTest, RemoveTemporaryFilesDeletesEveryOpenOneAndStopsNewOnes) {
  const fs::path done = dir_ / "done.jpg";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto photo = TempFile::Create((dir_ / "a.jpg").string());
    auto video = TempFile::Create((dir_ / "b.mp4").string());
    auto published = TempFile::Create(done.string());
    if (!photo.ok() || !video.ok() || !published.ok()) _exit(10);
    if (!published->Publish(false).ok()) _exit(11);
    if (FileCount() != 3) _exit(12);
    RemoveTemporaryFiles();
    if (FileCount() != 1 || !fs::exists(done)) _exit(13);
    // Writing on goes to the removed file; publishing it fails.
    if (video->Publish(false).ok() || FileCount() != 1) _exit(14);
    if (TempFile::Create((dir_ / "c.png").string()).ok()) _exit(15);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's check that failed";
  EXPECT_EQ(FileCount(), 1u);
}

}  // namespace
}  // namespace faceveil
